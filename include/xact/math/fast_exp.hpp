// e^x and e^x - 1 for x <= 0 in the batch's own arithmetic, for targets with a fused fma (elu's
// negative branch and its derivative): the logistic kernels' exponential (math/fast_sigmoid.hpp)
// without the work that math/exp.hpp spends on serving every x (the overflow side, clamps by
// selects, expm1's select for tiny x): about half the operations.
//   e^x = 2^n e^r, n = round(x / ln2), r = x - n ln2, e^r = 1 + p, p = r + r^2 q(r).
// exp: (1 + p) 2^n, 2^n applied as in the logistic kernels (2^(n + k) exact, then 2^-k), so that
//   a denormal result is rounded once; 1 + p's rounding and q's leave about 0.65 ULP. x is
//   clamped at the logistic clamp (float -104, double -746), below which e^x rounds to 0.
// expm1: t p + (t - 1), t = 2^n with n >= -digits so that t - 1 is exact, rounded once. Where n
//   is clamped (float: x < -16.6, double: x < -36.7) r reaches -1.4 and q is 1 % off, but there
//   t p is below 2^-digits and the result within an ULP of -1 needs it to no more than that; x is
//   clamped first at -18 (float) or -40 (double), beyond which e^x - 1 rounds to -1. Error: p's
//   and q's (about 0.9 ULP of p where n = 0, a fraction of that where n < 0) and the sum's
//   rounding. The sum gives +0 at x = -0 and every other result is <= 0, so the sign bit is
//   taken from a (x clamped; the clamp keeps a zero's sign) last: -0 gives -0, +0 gives +0.
// A NaN flows through every step as NaN. Lanes with x > 0 give garbage: callers select them away.
#pragma once

#include "exp.hpp"
#include "fast_sigmoid.hpp"

namespace xact::math {

namespace detail {

template <class T>
struct fast_expm1_constants;

template <>
struct fast_expm1_constants<float> {
    static constexpr float low = -18.0f;   // e^-18 < 2^-25: e^x - 1 rounds to -1 below
    static constexpr float min_n = -24.0f; // 2^n - 1 exact
};

template <>
struct fast_expm1_constants<double> {
    static constexpr double low = -40.0; // e^-40 < 2^-54
    static constexpr double min_n = -53.0;
};

// p = e^r - 1 of the reduced argument.
template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_exp_p(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& n) noexcept
{
    const auto r = detail::fast_exp_reduce(a, n);
    const auto r2 = r * r;
    return math::fma(r2, detail::fast_exp_q_of(r, r2), r);
}

} // namespace detail

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_exp_nonpositive(const xsimd::batch<T, A>& x) noexcept
{
    using V = xsimd::batch<T, A>;
    using C = detail::fast_constants<T>;
    const V a = xsimd::max(V(-C::sigmoid_limit), x); // a NaN stays NaN (x86: the second operand)
    constexpr T offset = detail::fast_exp_offset<T>(int(C::scale_step));
    const V v = detail::fast_exp_rounded(a, offset);
    const V n = v - V(offset);
    const V p = V(T(1)) + detail::fast_exp_p(a, n);
    return detail::fast_scale(p, n, detail::fast_exp_power(v));
}

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_expm1_nonpositive(const xsimd::batch<T, A>& x) noexcept
{
    using V = xsimd::batch<T, A>;
    using C = detail::fast_expm1_constants<T>;
    const V a = xsimd::max(V(C::low), x); // a NaN stays NaN
    constexpr T offset = detail::fast_exp_offset<T>(0);
    const V v = xsimd::max(V(offset + C::min_n), detail::fast_exp_rounded(a, offset));
    const V n = v - V(offset);
    const V t = detail::fast_exp_power(v);
    return math::fma(t, detail::fast_exp_p(a, n), t - V(T(1))) | (a & V(T(-0.0)));
}

// e^x and e^x - 1 for x <= 0 (lanes with x > 0 give garbage, for the caller to select away):
// the short kernels above where the target fuses fma, math/exp.hpp's exp and expm1 (which serve
// every x) elsewhere.
template <class V>
XACT_INLINE V exp_nonpositive(V x) noexcept
{
    if constexpr (has_fused_fma && !is_scalar_v<V>)
        return fast_exp_nonpositive(x);
    else
        return math::exp(x);
}

template <class V>
XACT_INLINE V expm1_nonpositive(V x) noexcept
{
    if constexpr (has_fused_fma && !is_scalar_v<V>)
        return fast_expm1_nonpositive(x);
    else
        return math::expm1(x);
}

} // namespace xact::math
