// swish(x) = x sigmoid(beta x) (beta defaults to 1; silu is swish with beta = 1).
// swish'(x) = g(beta x) with g(z) = sigmoid(z) + z sigmoid'(z), e = e^-|z|, d = 1 + e:
//   z >= 0: (d + z e) / d^2                   (no cancellation)
//   z <  0: e (1 + e + z) / d^2               (1 + e + z summed in double words: near the root
//                                              z0 = -1.27846 of g the error is absolute, a few
//                                              2^-2p, which the accuracy issue's mixed metric counts)
// d swish / d beta = x^2 sigmoid'(beta x).
// The forward for beta >= 1 (silu, quick_gelu), where the target fuses fma, in the batch's own
// type (math/fast_sigmoid.hpp, 1.0-1.4 ULP); the double derivative there, for any beta, in
// double too (math/fast_sigmoid_plus_prime.hpp: silu' 1.3x, swish' 1.2x the double-word
// quotient's speed). The rest: float in double, rounded once (math/widen.hpp); double with
// beta x carried as a double word, so the tail sigmoid(beta x) ~ e^(beta x) keeps its relative
// accuracy for any beta. The derivative reads x
// (g is not a function of y).
// Limits (beta > 0): swish(-inf) = 0, swish(inf) = inf, swish'(-inf) = 0, swish'(inf) = 1.
// Measured max error (tests/functors/test_swish.cpp, long double reference, float: every 4093rd
// bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 1.10 ULP (float, beta = 1; 0.50 for beta < 1), 1.03 (double); derivative 0.50, 0.82
// (0.74 without a fused fma; mixed metric next to the root). Bounds: 2 and 3 ULP.
#pragma once

#include "../math/exact.hpp"
#include "../math/fast_sigmoid.hpp"
#include "../math/fast_sigmoid_plus_prime.hpp"
#include "../math/logistic.hpp"
#include "../math/widen.hpp"

namespace xact {

struct swish {
    static constexpr const char* name = "swish";
    double beta = 1.0;

    constexpr swish() = default;
    constexpr explicit swish(double b) noexcept : beta(b) {}

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        if constexpr (math::has_fused_fma && !math::is_scalar_v<V>) {
            // beta >= 1 (silu, quick_gelu) in the batch's own type (math/fast_sigmoid.hpp; a
            // branch on the parameter, decided alike for every batch of a call); beta = 1 makes
            // beta x exact, with no low part to carry
            using T = math::scalar_t<V>;
            if (beta == 1.0)
                return math::fast_swish<true>(x, math::split_constant<T>(1.0));
            if (beta > 1.0 && beta <= std::numeric_limits<T>::max())
                return math::fast_swish(x, math::split_constant<T>(beta));
        }
        if constexpr (math::widens_v<V>) {
            // float: x/(1 + e) (z >= 0) or x e/(1 + e) (z < 0), e = e^-|z|, z = beta x, all in
            // double (math/widen.hpp): z carries no rounding that matters. Below -wide_limit the
            // float result is 0 whatever x (and x = -inf must not reach inf e).
            const double b = beta;
            const V r = math::in_double(x, [b](auto xd) {
                using W = decltype(xd);
                const W z = wide_argument(xd, b);
                const W e = math::wide_exp_neg_abs(z, wide_limit);
                const W y = math::div(math::select(z < W(0.0), xd * e, xd), W(1.0) + e);
                return math::select(z < W(-wide_limit), W(0.0), y);
            });
            // the result has x's sign (sigma > 0), zeros included
            return math::keep_nan(x, math::or_sign(r, x));
        }
        const auto z = scaled(x);
        const auto negative = z.hi < math::splat<V>(0);
        const V r = math::times_sigmoid(x, math::logistic(z), negative);
        // Below the exponential's range x sigma(z) is 0 (even for the largest x): that keeps
        // x = -inf (and x e^z overflowing before its scaling) from giving inf or NaN.
        return math::select(z.hi < math::exp_range_low<V>(), math::copysign(math::splat<V>(0), x), r);
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        if constexpr (math::widens_v<V>) {
            // float: (d + z e) / d^2 (z >= 0) or e (d + z) / d^2 (z < 0), d = 1 + e, in double:
            // next to the root d + z keeps an absolute error of about 2^-33
            const double b = beta;
            const V r = math::in_double(x, [b](auto xd) {
                using W = decltype(xd);
                const W z = wide_argument(xd, b);
                const W e = math::wide_exp_neg_abs(z, wide_limit);
                const W d = W(1.0) + e;
                const W g = math::div(math::select(z < W(0.0), e * (d + z), math::fma(z, e, d)), d * d);
                return math::select(z < W(-wide_limit), W(0.0), math::select(z > W(wide_limit), W(1.0), g));
            });
            return math::keep_nan(x, r);
        }
        if constexpr (math::has_fused_fma && !math::is_scalar_v<V>) {
            // double with a fused fma: in double (math/fast_sigmoid_plus_prime.hpp), for any beta
            // (g is a function of z alone), z = beta x carried exactly, its low part 0 beyond the
            // kernel's clamp, where g is 0 or 1
            // (beta = 1, silu: z = x, no low part; a branch on the parameter, as the forward's)
            using T = math::scalar_t<V>;
            const V limit(math::detail::fast_constants<T>::swish_limit), zero(T(0));
            V zh = x, r;
            if (beta == 1.0) {
                r = math::fast_sigmoid_plus_prime<false>(x, zero, math::double_word<V>{x, zero});
            } else {
                const auto z = scaled(x);
                const V z_lo = math::select(math::abs(z.hi) < limit, z.lo, zero);
                zh = z.hi;
                r = math::fast_sigmoid_plus_prime<true>(z.hi, z_lo, math::double_word<V>{z.hi, z_lo});
            }
            return math::select(zh < math::neg(limit), zero, math::select(zh > limit, V(T(1)), r));
        }
        const auto z = scaled(x);
        const auto negative = z.hi < math::splat<V>(0);
        const V r = math::sigmoid_plus_prime(z, math::logistic(z), negative);
        // Saturated: g -> 0 below and 1 above (and z = +-inf must not reach e z = 0 inf).
        const V lo = math::exp_range_low<V>();
        return math::select(z.hi < lo, math::splat<V>(0), math::select(z.hi > math::neg(lo), math::splat<V>(1), r));
    }

    template <class V>
    XACT_INLINE V derivative_beta(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative_beta(v); });
        using T = math::scalar_t<V>;
        if constexpr (math::widens_v<V>) {
            // float: x^2 e / d^2 in double (x^2 and the product stay in double's range)
            const double b = beta;
            const V r = math::in_double(x, [b](auto xd) {
                using W = decltype(xd);
                const W z = wide_argument(xd, b);
                const W e = math::wide_exp_neg_abs(z, wide_limit);
                const W d = W(1.0) + e;
                const W g = (xd * xd) * math::div(e, d * d);
                return math::select(math::abs(z) > W(wide_limit), W(0.0), g);
            });
            return math::keep_nan(x, r);
        }
        const auto z = scaled(x);
        const auto p = math::logistic(z);
        // x^2 as an exact double word, rounded once with sigma'(z); below 2^((min_exponent +
        // digits)/2) x^2 loses its low part to underflow, and there (sigma' ~ 1/4 is normal)
        // x (x sigma'(z)) is the accurate order instead.
        const V r = math::times_sigmoid_prime(math::two_prod(x, x), p);
        const V tiny = x * math::times_sigmoid_prime(math::double_word<V>{x, math::splat<V>(0)}, p);
        constexpr int e = (std::numeric_limits<T>::min_exponent + std::numeric_limits<T>::digits) / 2;
        const V small = math::splat<V>(std::ldexp(1.0, e));
        const V r2 = math::select(math::abs(x) < small, tiny, r);
        // x^2 e^-|z| -> 0 for |z| beyond the range (also x = +-inf with beta != 0).
        return math::select(math::abs(z.hi) > math::neg(math::exp_range_low<V>()), math::splat<V>(0), r2);
    }

private:
    // Beyond |z| = 300, e^-|z| times anything float (x or x^2 < 2^256) is 0 in float.
    static constexpr double wide_limit = 300.0;

    // z = beta x in double (exact but for one rounding); beta = 0 gives 0 even at x = +-inf.
    template <class W>
    XACT_INLINE static W wide_argument(W x, double b) noexcept
    {
        return b == 0 ? W(0.0) : x * W(b);
    }

    // beta x as hi + lo (math/exact.hpp).
    template <class V>
    XACT_INLINE math::double_word<V> scaled(V x) const noexcept
    {
        return math::scaled_product(x, math::split_constant<math::scalar_t<V>>(beta));
    }
};

// silu(x) = x sigmoid(x): swish with beta = 1 (see swish for formulas and accuracy).
struct silu : swish {
    static constexpr const char* name = "silu";
    constexpr silu() noexcept : swish(1.0) {}
};

} // namespace xact
