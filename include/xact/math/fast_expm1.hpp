// e^x - 1 for x <= 0 in the batch's own arithmetic, for targets with a fused fma (elu's
// negative branch): the logistic kernels' exponential (math/fast_sigmoid.hpp) and expm1's last
// step, about half the work of math/exp.hpp's expm1, which serves every x:
//   e^x = 2^n e^r, n = round(x / ln2) >= -(digits), r = x - n ln2, e^r - 1 = p = r + r^2 q(r),
//   e^x - 1 = t p + (t - 1), t = 2^n: t - 1 is exact (n >= -digits), the sum rounded once.
// Where n is clamped (float: x < -16.6, double: x < -36.7) r reaches -1.4 and q is 1 % off, but
// there t p is below 2^-digits and the result within an ULP of -1 needs it to no more than that;
// x is clamped first at -18 (float) or -40 (double), beyond which e^x - 1 rounds to -1.
// Error: p's rounding and q's (about 0.9 ULP of p where n = 0, a fraction of that where n < 0)
// and the sum's rounding. Every result is <= 0, so the sign bit is set last: -0 gives -0, and
// a NaN flows through every step as NaN. Lanes with x > 0 give garbage: callers select them away.
#pragma once

#include "fast_sigmoid.hpp"

namespace xact::math {

namespace detail {

template <class T>
struct fast_expm1_constants;

template <>
struct fast_expm1_constants<float> {
    static constexpr float low = -18.0f;  // e^-18 < 2^-25: e^x - 1 rounds to -1 below
    static constexpr float min_n = -24.0f; // 2^n - 1 exact
};

template <>
struct fast_expm1_constants<double> {
    static constexpr double low = -40.0;  // e^-40 < 2^-54
    static constexpr double min_n = -53.0;
};

} // namespace detail

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_expm1_nonpositive(const xsimd::batch<T, A>& x) noexcept
{
    using V = xsimd::batch<T, A>;
    using C = detail::fast_expm1_constants<T>;
    // x86's max returns its second operand when one is NaN, NEON's the NaN: a NaN stays NaN
    const V a = xsimd::max(V(C::low), x);
    constexpr T offset = detail::fast_exp_offset<T>(0);
    const V v = xsimd::max(V(offset + C::min_n), detail::fast_exp_rounded(a, offset));
    const V n = v - V(offset);
    const V t = detail::fast_exp_power(v);
    const V r = detail::fast_exp_reduce(a, n);
    const V r2 = r * r;
    const V p = math::fma(r2, detail::fast_exp_q_of(r, r2), r);
    return math::fma(t, p, t - V(T(1))) | V(T(-0.0));
}

} // namespace xact::math
