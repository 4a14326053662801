// softsign(x) = x / (1 + |x|)
// softsign'(x) = 1 / (1 + |x|)^2
// The derivative reads x; from the output it reads y: (1 - |y|)^2 (which loses relative
// accuracy where |y| is near 1: prefer the x form when x is at hand).
// 1 + |x| = d + e exactly (a fast two-sum). f with a fused fma: the quotient q = x w, w an
// estimate of 1/d (math/reciprocal.hpp: on AVX-512 rcp14 alone for float, with a Newton step
// for double; the division elsewhere), corrected once by its exact remainder,
// q - (q d - x + q e) w: rounded about once (0.5 ULP plus the square of w's error: 1/16 ULP for
// float on AVX-512, 1/8 for double), without the divider whose throughput bounds Eigen's
// x/(1 + |x|) (float on AVX-512: 1.17x Eigen in xact-bench, 0.89x with the division; AVX2 1.37x
// the speed of the double-word form below). x is clamped to +-2^(digits + 2) first, where f is
// already +-1 correctly rounded (this also keeps inf - inf out of e). f without an fma, and f':
// w = 1/d rounded and corrected to a double word hi + lo, f = x w and f' = w^2 each rounded
// about once (f' unclamped: it stays accurate down to the denormals).
// Measured max error (tests/functors/test_softsign.cpp, long double reference, float: every
// 4093rd bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 0.54 ULP (float; 0.50 with the division), 0.55 (double; 0.50 with the division);
// derivative 0.99, 0.66; with no fused fma (SSE2) forward 1.00 and 0.99, derivative 2.17 and
// 1.81. Bounds: 2 and 3 ULP.
// NaN -> NaN; softsign(+-inf) = +-1, softsign'(+-inf) = 0.
#pragma once

#include "../math/exact.hpp"
#include "../math/reciprocal.hpp"

namespace xact {

struct softsign {
    static constexpr const char* name = "softsign";

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        using T = math::scalar_t<V>;
        constexpr T big = T(std::uint64_t(1) << (std::numeric_limits<T>::digits + 2));
        if constexpr (math::has_fused_fma) {
            const V c = math::clamp(x, V(-big), V(big)); // NaN stays NaN
            const auto d = one_plus(math::abs(c));
            const V w = math::reciprocal_estimate(d.hi);
            const V q = c * w;
            // n = q (d.hi + d.lo) - c, with q d.hi - c exact (fma): q - n w corrects q to about
            // the square of w's error. (In this order a -0 stays -0: -0 - (+0) w.)
            const V n = math::fma(q, d.lo, math::fms(q, d.hi, c));
            return math::fma(math::neg(n), w, q);
        } else {
            const auto w = reciprocal(math::abs(x));
            const V y = math::fma(x, w.hi, x * w.lo);
            return math::select(math::abs(x) > V(big), math::copysign(math::splat<V>(1), x), y);
        }
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        using T = math::scalar_t<V>;
        const V a = math::abs(x);
        const auto w = reciprocal(a);
        // (hi + lo)^2 = hi^2 + 2 hi lo (+ lo^2, below the rounding)
        V d = math::fma(w.hi, w.hi, (w.hi + w.hi) * w.lo);
        if constexpr (!math::has_fused_fma) {
            // Dekker's split in two_prod overflows for huge 1 + |x|; there 1/(1 + |x|) rounded
            // and squared is within 2 ULP.
            constexpr T big = T(std::uint64_t(1) << (std::numeric_limits<T>::digits + 2));
            d = math::select(a > V(big), w.hi * w.hi, d);
        }
        return math::select(a == V(std::numeric_limits<T>::infinity()), math::splat<V>(0), d);
    }

    template <class V>
    XACT_INLINE V derivative_from_output(V y) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(y, [this](auto v) { return this->derivative_from_output(v); });
        const V w = math::splat<V>(1) - math::abs(y); // 1/(1 + |x|)
        return w * w;
    }

private:
    // 1 + a = hi + lo exactly for a >= 0 (NaN lo at a = inf): Dekker's sum, the larger first.
    template <class V>
    static XACT_INLINE math::double_word<V> one_plus(V a) noexcept
    {
        const V one = math::splat<V>(1);
        return math::fast_two_sum(xsimd::max(one, a), xsimd::min(one, a));
    }

    // 1/(1 + a) as hi + lo for a >= 0 (NaN lo at a = inf; callers mask it).
    template <class V>
    static XACT_INLINE math::double_word<V> reciprocal(V a) noexcept
    {
        const V one = math::splat<V>(1);
        const auto d = one_plus(a);
        const V q = math::div(one, d.hi);
        // rest = 1 - q d.hi exactly, then 1/(d.hi + d.lo) = q (1 + rest - q d.lo) to second order.
        V rest;
        if constexpr (math::has_fused_fma) {
            rest = math::fma(math::neg(q), d.hi, one);
        } else {
            const auto p = math::two_prod(q, d.hi);
            rest = (one - p.hi) - p.lo; // one - p.hi is exact (Sterbenz)
        }
        return {q, q * math::fma(math::neg(q), d.lo, rest)};
    }
};

} // namespace xact
