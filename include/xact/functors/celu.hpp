// celu(x) = max(0, x) + min(0, alpha (e^(x/alpha) - 1)) = x for x > 0, alpha expm1(x/alpha)
// otherwise (Barron, "Continuously Differentiable Exponential Linear Units", 2017); alpha > 0,
// default 1 (alpha = 1 is elu with alpha 1). (alpha < 0 is not supported: near the overflow of
// alpha expm1(x/alpha) the result may be inf or NaN.)
// celu'(x) = 1 for x > 0, e^(x/alpha) for x <= 0 (the x <= 0 branch at 0, where both are 1).
// The derivative reads x; from the output (alpha > 0) it reads y: 1 for y > 0, y/alpha + 1
// (which loses relative accuracy where y is near -alpha, i.e. for x below about -3 alpha).
// x/alpha is carried as hi + lo (x times 1/alpha in two parts), and expm1 and exp are corrected
// for lo, so the argument's rounding does not reach the result. For alpha != 1 the forward
// result is rounded once: expm1 as a double word (math::expm1_split) times alpha (hi + lo) (about
// 5 times slower than alpha = 1, which is elu's kernel); the derivative is math/fast_exp.hpp's
// e^x for x <= 0 (where the target fuses fma) corrected for lo, and elu's at alpha = 1.
// Measured max error (tests/functors/test_celu.cpp, long double reference, float: every 4093rd
// bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// alpha = 1: forward 1.03 ULP (float), 1.06 (double); derivative 1.04, 0.96.
// alpha in {0.3, 2.5, 1/3} (sweeps only): forward 0.80 (float), 0.66 (double); derivative 1.37,
// 1.37. Bounds 2 and 3.
// Limits (alpha > 0): celu(-inf) = -alpha, celu'(-inf) = 0, celu(inf) = inf. NaN -> NaN.
#pragma once

#include "../math/exact.hpp"
#include "../math/fast_exp.hpp"
#include "elu.hpp"

namespace xact {

struct celu {
    static constexpr const char* name = "celu";
    double alpha = 1.0;

    constexpr celu() = default;
    constexpr explicit celu(double a) noexcept : alpha(a) {}

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        using T = math::scalar_t<V>;
        // alpha = 1 is elu, whose expm1 is rounded once already (1.09 ULP): the cheaper kernel.
        if (alpha == 1.0)
            return elu()(x);
        const auto z = math::scaled_product(x, math::reciprocal_constant<T>(alpha));
        // expm1(hi) as a double word (hi clamped to expm1's range: below, e^hi is far below the
        // last place of -1), then expm1(hi + lo) = expm1(hi) + e^hi lo to first order (mul0: lo
        // is 0 where hi is infinite), and the product with alpha rounded once.
        const V hi = math::clamp(z.hi, V(math::detail::exp_constants<T>::expm1_lo), math::splat<V>(0));
        auto em = math::expm1_split(hi);
        em.lo = em.lo + math::mul0(em.hi + math::splat<V>(1), z.lo);
        const V negative = math::scale(em, math::split_constant<T>(alpha));
        // alpha expm1(x/alpha) = x to within the rounding where |x/alpha| < 2^-digits; taking x
        // there also keeps it exact where x/alpha would be denormal.
        constexpr T tiny = T(1) / T(std::uint64_t(1) << std::numeric_limits<T>::digits);
        const V small = math::select(math::abs(z.hi) < V(tiny), x, negative);
        return math::select(x > math::splat<V>(0), x, small);
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        using T = math::scalar_t<V>;
        // alpha = 1 is elu: its kernel, without the argument's product.
        if (alpha == 1.0)
            return elu().derivative(x);
        const auto z = math::scaled_product(x, math::reciprocal_constant<T>(alpha));
        // e^(hi + lo) = e^hi (1 + lo); hi <= 0 on the branch taken (alpha > 0), where e^hi is
        // finite (mul0 keeps 0 * lo at 0 where hi = -inf).
        const V e = math::exp_nonpositive(z.hi);
        return math::select(x > math::splat<V>(0), math::splat<V>(1), e + math::mul0(e, z.lo));
    }

    // e^(x/alpha) = y/alpha + 1 on the x <= 0 branch; valid for alpha > 0.
    template <class V>
    XACT_INLINE V derivative_from_output(V y) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(y, [this](auto v) { return this->derivative_from_output(v); });
        using T = math::scalar_t<V>;
        const auto inv = math::reciprocal_constant<T>(alpha);
        return math::select(y > math::splat<V>(0), math::splat<V>(1), math::fma(y, V(inv.hi), math::splat<V>(1)));
    }

    bool output_invertible() const noexcept { return alpha > 0; }
};

} // namespace xact
