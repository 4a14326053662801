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

namespace detail {

// What both kernels take from e^a, a = x (x <= 1) or -x (x > 1): u = e^a = (p + p_lo) 2^k, and
// for x <= 1 s = u + 2, P = (p + p_lo) s (so that u s = P 2^k) and d = 2 + u s, each as hi + lo.
// exact_sum: e^r by fast_exp_one_plus (for the derivative, whose b cancels).
template <class T, class A>
struct fast_mish_parts {
    using V = xsimd::batch<T, A>;
    xsimd::batch_bool<T, A> right;
    V low, n, power, p, p_lo, u, u_lo;
    double_word<V> s, big_p, d;
};

template <bool exact_sum, class T, class A>
XACT_INLINE fast_mish_parts<T, A> fast_mish_split(const xsimd::batch<T, A>& x) noexcept
{
    using V = xsimd::batch<T, A>;
    using C = fast_constants<T>;
    const V one(T(1)), two(T(2)), low(-C::swish_limit);
    const auto right = x > one;
    // x86's max returns its second operand when one is NaN, NEON's returns the NaN: a NaN stays
    // NaN
    const V a = xsimd::max(low, math::select(right, math::neg(x), x));
    constexpr T offset = fast_exp_offset<T>(int(C::scale_step));
    const V v = fast_exp_rounded(a, offset);
    const V n = v - V(offset);
    const V power = fast_exp_power(v);
    V p, p_lo;
    if constexpr (exact_sum) {
        const V r = fast_exp_reduce(a, n);
        const auto e = fast_exp_one_plus(r, fast_exp_reduce_lo(a, n, r));
        p = e.p;
        p_lo = e.p_lo;
    } else {
        const V sum = fast_exp_p(a, n);
        p = one + sum;
        p_lo = (one - p) + sum;
    }
    const V u = fast_scale(p, n, power);
    const V u_lo = fast_scale(p_lo, n, power);
    const auto s = math::two_sum(two, u);
    const V s_lo = s.lo + u_lo;
    const V ph = p * s.hi;
    const V pl = math::fms(p, s.hi, ph) + math::fma(p, s_lo, p_lo * s.hi);
    const auto d = math::two_sum(two, fast_scale(ph, n, power));
    return {right, low, n, power, p, p_lo, u, u_lo, {s.hi, s_lo}, {ph, pl}, {d.hi, d.lo + fast_scale(pl, n, power)}};
}

} // namespace detail

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_mish(const xsimd::batch<T, A>& x) noexcept
{
    using V = xsimd::batch<T, A>;
    const V one(T(1)), two(T(2));
    const auto m = detail::fast_mish_split<false>(x);
    // x > 1: 1 + 2v + 2v^2, v = u
    const V vv2 = two * (m.u * m.u);
    const V inv = math::div(one, math::select(m.right, (one + (m.u + m.u)) + vv2, m.d.hi));
    // x (ph + pl) / (d + d_lo) rounded once, then 2^k
    const V xh = x * m.big_p.hi;
    const V xl = math::fms(x, m.big_p.hi, xh) + x * m.big_p.lo;
    const V y0 = xh * inv;
    const V left = detail::fast_scale(math::fma(math::fnma(y0, m.d.lo, math::fnma(y0, m.d.hi, xh) + xl), inv, y0), m.n, m.power);
    const V right_value = math::select(x > V(T(64)), x, math::fnma(x, vv2 * inv, x));
    const V below = math::select(x < m.low, V(T(-0.0)), left);
    return math::or_sign(math::select(m.right, right_value, below), x);
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
    const V one(T(1)), two(T(2));
    // e^r exactly summed: b below cancels by up to 2^5, and u's error goes through it
    const auto m = detail::fast_mish_split<true>(x);
    const auto& s = m.s;
    const auto& d = m.d;
    // o = u + 1; b = s d + 4x o
    const auto o = math::two_sum(one, m.u);
    const V o_lo = o.lo + m.u_lo;
    const V sdh = s.hi * d.hi;
    const V sdl = math::fms(s.hi, d.hi, sdh) + math::fma(s.hi, d.lo, s.lo * d.hi);
    const V x4 = x * V(T(4));
    const V xoh = x4 * o.hi;
    const V xol = math::fms(x4, o.hi, xoh) + x4 * o_lo;
    const auto b = math::two_sum(sdh, xoh);
    const V b_lo = b.lo + (sdl + xol);
    // numerator (p + p_lo) b, denominator d^2
    const V nh = m.p * b.hi;
    const V nl = math::fms(m.p, b.hi, nh) + math::fma(m.p, b_lo, m.p_lo * b.hi);
    const V dd = d.hi * d.hi;
    const V dd_lo = math::fma(d.hi + d.hi, d.lo, math::fms(d.hi, d.hi, dd));
    // x > 1: D = 1 + 2v + 2v^2, v = u
    const V vv2 = two * (m.u * m.u);
    const V inv = math::div(one, math::select(m.right, (one + (m.u + m.u)) + vv2, dd));
    const V y0 = nh * inv;
    const V left = detail::fast_scale(math::fma(math::fnma(y0, dd_lo, math::fnma(y0, dd, nh) + nl), inv, y0), m.n, m.power);
    const V c = (vv2 * inv) * math::fms((x + x) * (one + m.u), inv, one);
    const V right_value = math::select(x > V(T(64)), one, one + c);
    const V below = math::select(x < m.low, V(T(-0.0)), left);
    return math::select(m.right, right_value, below);
}
} // namespace xact::math
