// tanh of a float or double batch in its own arithmetic, for targets with a fused fma (float:
// within 1.11 ULP on every input, tanh' within 1.08; about two thirds of the work of computing it
// in double; double: about half the work of a double-word expm1 and quotient):
//   m = e^(-2|x|) - 1 = 2^n (1 + s) - 1, s = e^r - 1 by exp's reduction and the q of the
//       logistic kernel (math/fast_sigmoid.hpp), carried as exact sums: s = sh + sl, and
//       2^n sh + (2^n - 1) = mh + ml (2^n - 1 is exact for n >= -24 in float, -53 in double),
//   tanh |x| = -m / (2 + m), 2 + m = d + err exactly, the quotient rounded once by the exact
//       residual.
// m is e^z - 1 with no cancellation, so tanh x ~ x near 0 keeps its relative accuracy (denormals
// included) without a second polynomial. The sign of x is put back last (tanh is odd): -0 stays
// -0, and NaN flows through every step as NaN.
#pragma once

#include "fast_sigmoid.hpp"

namespace xact::math {


namespace detail {

template <class T>
struct fast_tanh_constants;

template <>
struct fast_tanh_constants<float> {
    static constexpr float z_min = -18.1f; // tanh rounds to 1 beyond |x| = 9.02
    static constexpr float n_min = -24.0f; // 2^n - 1 exact
};

template <>
struct fast_tanh_constants<double> {
    static constexpr double z_min = -38.2; // tanh rounds to 1 beyond |x| = 19.06
    static constexpr double n_min = -53.0;
};

} // namespace detail

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_tanh(const xsimd::batch<T, A>& x) noexcept
{
    using V = xsimd::batch<T, A>;
    using C = detail::fast_tanh_constants<T>;
    const V one(T(1)), two(T(2));
    // z = -2|x| >= z_min, where tanh has rounded to 1. x86's max returns its second operand when
    // one is NaN, NEON's returns the NaN: either way a NaN stays NaN.
    const V na = x | V(T(-0.0));
    const V z = xsimd::max(V(C::z_min), na + na);
    // e^z = 2^n e^r, n clamped at n_min so that t - 1 (t = 2^n) is exact below. Where the clamp
    // acts (float: z < -16.98, double: z < -36.39) r reaches -1.47, where float's short q is 1 %
    // off, but there tanh is within 2^-24 (2^-52) of 1 and needs e^z to no more than 10 %.
    constexpr T offset = detail::fast_exp_offset<T>(0);
    const V v = xsimd::max(V(offset + C::n_min), detail::fast_exp_rounded(z, offset));
    const V n = v - V(offset);
    const V r = detail::fast_exp_reduce(z, n);
    const V r2 = r * r;
    const V w = r2 * detail::fast_exp_q_of(r, r2);
    // e^r - 1 = r + w = sh + sl (fast two-sum: |w| < |r|), so that only w's rounding counts
    const V sh = r + w;
    const V sl = (r - sh) + w;
    // m = e^z - 1 = t (sh + sl) + (t - 1): t - 1 is exact (n >= n_min) and t sh too, so
    // t sh + (t - 1) = mh + ml exactly (t - 1 and mh are within a factor 2 of each other where
    // n < 0; t - 1 = 0 where n = 0)
    const V t = detail::fast_exp_power(v);
    const V tm1 = t - one;
    const V mh = math::fma(t, sh, tm1);
    const V ml = math::fma(t, sl, math::fma(t, sh, tm1 - mh));
    // m / (2 + m) = -tanh |x|, 2 + m = d + err exactly (fast two-sum: 2 >= |m|), rounded once by
    // the exact residual
    const V d = two + mh;
    const V err = ((two - d) + mh) + ml;
    const V inv = math::div(one, d);
    const V y0 = mh * inv;
    const V res = math::fnma(y0, err, math::fnma(y0, d, mh) + ml);
    const V y = math::fma(res, inv, y0); // <= 0
    return math::or_sign(math::abs(y), x);
}

// tanh' x = 1 / cosh^2 x = 4 sigmoid'(2x) = 4 e / (1 + e)^2, e = e^(-2|x|), by the logistic
// kernel (math/fast_sigmoid.hpp): rounded once, 0 beyond |x| = 52.7.
template <class A>
XACT_INLINE xsimd::batch<float, A> fast_tanh_prime(const xsimd::batch<float, A>& x) noexcept
{
    return math::fast_sigmoid_prime(x + x, 112.0f, 4.0f);
}

} // namespace xact::math
