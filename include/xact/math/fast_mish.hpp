// mish(x) = x n / d (n = u (u + 2), d = n + 2, u = e^x: functors/mish.hpp) in the batch's own
// arithmetic, for targets with a fused fma: one short exponential (math/fast_exp.hpp's), exact
// sums and one division, where the double-word form takes a double-word exponential and
// quotient (double: 2.0x faster, 1.07 ULP against 0.82).
//   x <= 1: u = e^x = (p + p_lo) 2^k, 1 + (e^r - 1)'s rounding kept in p_lo; s = u + 2 and
//           d = 2 + u s by exact sums; x (p + p_lo) s / d rounded once by its exact residual,
//           then 2^k once (in the left tail the result is denormal, the quotient before it is not)
//   x > 1:  x (1 - w), w = 2v^2 / (1 + 2v + 2v^2) with v = e^-x (w <= 0.134, so its error counts
//           about a sixth), by the same division: the branches' denominators are selected first.
// Nothing cancels in either branch. Below -760 (where mish rounds to -0: 760 e^-760 is below
// half the smallest denormal, double) and above 64 (mish = x) the limits are selected. A NaN stays
// NaN; x's sign goes on last, so mish(-0) = -0.
#pragma once

#include "double_word.hpp"
#include "fast_exp.hpp"

namespace xact::math {

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_mish(const xsimd::batch<T, A>& x) noexcept
{
    using V = xsimd::batch<T, A>;
    using C = detail::fast_constants<T>;
    const V one(T(1)), two(T(2)), low(-C::swish_limit);
    const auto right = x > one;
    // e^a, a = x (x <= 1) or -x (x > 1), clamped (x86's max returns its second operand when one
    // is NaN, NEON's returns the NaN: a NaN stays NaN)
    const V a = xsimd::max(low, math::select(right, math::neg(x), x));
    constexpr T offset = detail::fast_exp_offset<T>(int(C::scale_step));
    const V v = detail::fast_exp_rounded(a, offset);
    const V n = v - V(offset);
    const V power = detail::fast_exp_power(v);
    const V sum = detail::fast_exp_p(a, n);
    const V p = one + sum;
    const V p_lo = (one - p) + sum;
    const V u = detail::fast_scale(p, n, power);
    // x <= 1: s = u + 2, P = (p + p_lo) s = ph + pl (so that u s = P 2^k), d = 2 + P 2^k
    const auto s = math::two_sum(two, u);
    const V s_lo = s.lo + detail::fast_scale(p_lo, n, power);
    const V ph = p * s.hi;
    const V pl = math::fms(p, s.hi, ph) + math::fma(p, s_lo, p_lo * s.hi);
    const auto d = math::two_sum(two, detail::fast_scale(ph, n, power));
    const V d_lo = d.lo + detail::fast_scale(pl, n, power);
    // x > 1: 1 + 2v + 2v^2, v = u
    const V vv2 = two * (u * u);
    const V inv = math::div(one, math::select(right, (one + (u + u)) + vv2, d.hi));
    // x (ph + pl) / (d + d_lo) rounded once, then 2^k
    const V xh = x * ph;
    const V xl = math::fms(x, ph, xh) + x * pl;
    const V y0 = xh * inv;
    const V left = detail::fast_scale(math::fma(math::fnma(y0, d_lo, math::fnma(y0, d.hi, xh) + xl), inv, y0), n, power);
    const V right_value = math::select(x > V(T(64)), x, math::fnma(x, vv2 * inv, x));
    const V below = math::select(x < low, V(T(-0.0)), left);
    return math::or_sign(math::select(right, right_value, below), x);
}

// mish'(x) (functors/mish.hpp) the same way: u b / d^2 for x <= 1, b = (u + 2) d + 4x (1 + u)
// as a hi + lo pair (its two terms cancel towards the root x0 = -1.19, by up to 2^5 outside the
// window the caller keeps for its polynomial), the numerator (p + p_lo) b and d^2 as pairs, the
// quotient rounded once by its exact residual, then 2^k; 1 + (2v^2/D) (2x (1 + v)/D - 1) for
// x > 1 (the correction is below 0.05: plain arithmetic), with the one division for both. Below
// -760 the limit -0 (u b / d^2 is then below half the smallest denormal), above 64 the limit 1.
template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_mish_prime(const xsimd::batch<T, A>& x) noexcept
{
    using V = xsimd::batch<T, A>;
    using C = detail::fast_constants<T>;
    const V one(T(1)), two(T(2)), low(-C::swish_limit);
    const auto right = x > one;
    const V a = xsimd::max(low, math::select(right, math::neg(x), x));
    constexpr T offset = detail::fast_exp_offset<T>(int(C::scale_step));
    const V v = detail::fast_exp_rounded(a, offset);
    const V n = v - V(offset);
    const V power = detail::fast_exp_power(v);
    // e^r exactly summed: b below cancels by up to 2^5, and u's error goes through it
    const V r = detail::fast_exp_reduce(a, n);
    const auto [p, p_lo] = detail::fast_exp_one_plus(r, detail::fast_exp_reduce_lo(a, n, r));
    const V u = detail::fast_scale(p, n, power);
    const V u_lo = detail::fast_scale(p_lo, n, power);
    // x <= 1: s = u + 2, o = u + 1, d = 2 + u s, each hi + lo
    const auto s = math::two_sum(two, u);
    const V s_lo = s.lo + u_lo;
    const auto o = math::two_sum(one, u);
    const V o_lo = o.lo + u_lo;
    const V ph = p * s.hi;
    const V pl = math::fms(p, s.hi, ph) + math::fma(p, s_lo, p_lo * s.hi);
    const auto d = math::two_sum(two, detail::fast_scale(ph, n, power));
    const V d_lo = d.lo + detail::fast_scale(pl, n, power);
    // b = s d + 4x o
    const V sdh = s.hi * d.hi;
    const V sdl = math::fms(s.hi, d.hi, sdh) + math::fma(s.hi, d_lo, s_lo * d.hi);
    const V x4 = x * V(T(4));
    const V xoh = x4 * o.hi;
    const V xol = math::fms(x4, o.hi, xoh) + x4 * o_lo;
    const auto b = math::two_sum(sdh, xoh);
    const V b_lo = b.lo + (sdl + xol);
    // numerator (p + p_lo) b, denominator d^2
    const V nh = p * b.hi;
    const V nl = math::fms(p, b.hi, nh) + math::fma(p, b_lo, p_lo * b.hi);
    const V dd = d.hi * d.hi;
    const V dd_lo = math::fma(d.hi + d.hi, d_lo, math::fms(d.hi, d.hi, dd));
    // x > 1: D = 1 + 2v + 2v^2, v = u
    const V vv2 = two * (u * u);
    const V inv = math::div(one, math::select(right, (one + (u + u)) + vv2, dd));
    const V y0 = nh * inv;
    const V left = detail::fast_scale(math::fma(math::fnma(y0, dd_lo, math::fnma(y0, dd, nh) + nl), inv, y0), n, power);
    const V c = (vv2 * inv) * math::fms((x + x) * (one + u), inv, one);
    const V right_value = math::select(x > V(T(64)), one, one + c);
    const V below = math::select(x < low, V(T(-0.0)), left);
    return math::select(right, right_value, below);
}

} // namespace xact::math
