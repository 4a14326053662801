// The logistic kernels of float batches in float arithmetic, for targets with a fused fma:
// sigmoid (within 1.6 ULP) and swish for beta >= 1 (silu, quick_gelu; within 1.3 ULP), about
// half the work of computing them in double (math/widen.hpp). sigmoid:
//   e = e^a, a = -|x|:  n = round(a / ln2), r = a - n ln2 (two constants, exact products),
//                       e^r = 1 + r + r^2 q(r), q of degree 4 (2^-27 relative), e = e^r 2^n
//   d + err = 1 + e exactly (fast two-sum: 1 >= e), num = e (x < 0) or 1,
//   y0 = num / d, then one correction by the exact residual num - y0 d - y0 err,
// so the quotient num / (1 + e) is rounded once: the error is e^r's (up to 1 ULP where e^r
// rounds just below 1) plus half an ULP. Where e is denormal (x < -87.3) 1 + e = 1 and the
// result is e itself, rounded once (2^n is applied by one exact product and one rounding one).
// A NaN goes through every step as NaN (the clamp keeps it: see below), so no select is needed.
// Every step is an IEEE operation (the division too), so every target with a fused fma gives the
// same bits, AVX-512's scalef included.
#pragma once

#include "exp.hpp"
#include "simd.hpp"

namespace xact::math {

namespace detail {

// q of e^r = 1 + r + r^2 q(r) on |r| <= ln2/2, degree 4 (scripts/gen_coefficients.py, "float
// logistic q(r)"): 1.4e-7 relative in q, 2^-27 in e^r.
inline constexpr float fast_exp_q[] = {0.5f, 0.16666577756404877f, 0.041666556149721146f, 0.008363173343241215f,
                                       0.0013926175888627768f};

// y 2^n for an integer-valued n in [-170, 0], rounded once: y 2^(n + 48) is exact (normal, or
// n + 48 >= 0) for the y of the kernels below, the product by 2^-48 rounds.
template <class A>
XACT_INLINE xsimd::batch<float, A> fast_scale(const xsimd::batch<float, A>& y, const xsimd::batch<float, A>& n) noexcept
{
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>)
        return _mm512_scalef_ps(y, n);
    else
#endif
        return (y * math::pow2i(n + xsimd::batch<float, A>(48.0f))) * xsimd::batch<float, A>(0x1p-48f);
}

// e^a = e^r 2^n, shared by the float kernels (here and math/fast_tanh.hpp): n = round(a / ln2)
// by the magic-number trick (|a| < 2^22), then r = a - n ln2 with exp's two-part ln2 (n ln2_hi
// exact), and q(r) of e^r = 1 + r + r^2 q(r) in Estrin's form, given r2 = r^2.
template <class A>
XACT_INLINE xsimd::batch<float, A> fast_exp_exponent(const xsimd::batch<float, A>& a) noexcept
{
    using V = xsimd::batch<float, A>;
    const V magic(0x1.8p23f);
    return math::fma(a, V(exp_constants<float>::log2e), magic) - magic; // rounded to an integer
}

template <class A>
XACT_INLINE xsimd::batch<float, A> fast_exp_reduce(const xsimd::batch<float, A>& a,
                                                   const xsimd::batch<float, A>& n) noexcept
{
    using V = xsimd::batch<float, A>;
    using C = exp_constants<float>;
    return math::fma(n, V(-C::ln2_lo), math::fma(n, V(-C::ln2_hi), a));
}

template <class A>
XACT_INLINE xsimd::batch<float, A> fast_exp_q_of(const xsimd::batch<float, A>& r,
                                                 const xsimd::batch<float, A>& r2) noexcept
{
    using V = xsimd::batch<float, A>;
    const auto& q = fast_exp_q;
    const V qa = math::fma(V(q[1]), r, V(q[0]));
    const V qb = math::fma(V(q[3]), r, V(q[2]));
    return math::fma(math::fma(V(q[4]), r2, qb), r2, qa);
}

// The shared first half: a = -|z| clamped at -limit (a NaN stays NaN), z = x + x_lo (x_lo: the
// low part of a product, or 0), e^a = p 2^n, d + err = 1 + e exactly and 1/d.
template <class A>
struct fast_logistic_parts {
    using V = xsimd::batch<float, A>;
    V p, p_lo, n, e, d, err, inv; // e^r = p + p_lo exactly as summed (callers that need it)
};

template <bool with_lo = false, class A>
XACT_INLINE fast_logistic_parts<A> fast_logistic(const xsimd::batch<float, A>& x, float limit,
                                                 const xsimd::batch<float, A>& x_lo = {}) noexcept
{
    using V = xsimd::batch<float, A>;
    const V one(1.0f);
    // x86's max returns its second operand when one is NaN, NEON's max returns the NaN: either
    // way a NaN x stays NaN.
    const V a = xsimd::max(V(-limit), x | V(-0.0f));
    const V n = fast_exp_exponent(a);
    V r = fast_exp_reduce(a, n);
    if constexpr (with_lo)
        r = r + (x_lo ^ (x & V(-0.0f)) ^ V(-0.0f)); // a's low part: x_lo with -sign(x)
    const V r2 = r * r;
    const V sum = math::fma(r2, fast_exp_q_of(r, r2), r);
    const V p = one + sum;
    const V e = detail::fast_scale(p, n);
    const V d = one + e;
    return {p, (one - p) + sum, n, e, d, (one - d) + e, math::div(one, d)};
}

// (hi + lo) / (1 + e), rounded once: y0 = hi/d, corrected by the exact residual.
template <class A>
XACT_INLINE xsimd::batch<float, A> fast_quotient(const xsimd::batch<float, A>& hi, const xsimd::batch<float, A>& lo,
                                                 const fast_logistic_parts<A>& s) noexcept
{
    const auto y0 = hi * s.inv;
    const auto res = math::fma(math::neg(y0), s.err, math::fma(math::neg(y0), s.d, hi) + lo);
    return math::fma(res, s.inv, y0);
}

} // namespace detail

template <class A>
XACT_INLINE xsimd::batch<float, A> fast_sigmoid(const xsimd::batch<float, A>& x) noexcept
{
    using V = xsimd::batch<float, A>;
    // e^-104 < denorm_min / 2: the clamp changes no result
    const auto s = detail::fast_logistic(x, 104.0f);
    return detail::fast_quotient(math::select(x < V(0.0f), s.e, V(1.0f)), V(0.0f), s);
}

// swish(x) = x sigmoid(beta x) for beta >= 1 (silu: beta = 1), the same way: z = beta x as an
// exact product hi + lo (beta = bh + bl), then x (z >= 0) or x e^a (z < 0) over 1 + e, with
// x e^r as x (p + p_lo), its product exact, so that e^r's own rounding (0.7 ULP) does not count,
// and 2^n applied after the quotient (x e^z is normal where e^z is not): about 1.1 ULP.
// beta >= 1 keeps |x| <= |z|: below z = -112 the result is 0 (x e^z < denorm_min / 2), and
// beyond x = 32 it rounds to x (e^-z < 2^-46).
template <class A>
XACT_INLINE xsimd::batch<float, A> fast_swish(const xsimd::batch<float, A>& x, const split_constant<float>& beta) noexcept
{
    using V = xsimd::batch<float, A>;
    const V bh(beta.hi);
    const V z = x * bh;
    // z's low part (0 where |z| reaches the clamp: there z may be inf and the low part NaN)
    const V z_lo = math::select(math::abs(z) < V(112.0f), math::fma(x, bh, math::neg(z)) + x * V(beta.lo), V(0.0f));
    const auto s = detail::fast_logistic<true>(z, 112.0f, z_lo);
    const auto negative = z < V(0.0f);
    const V m = math::select(negative, s.p, V(1.0f));
    const V hi = x * m;
    const V lo = math::fma(x, math::select(negative, s.p_lo, V(0.0f)), math::fma(x, m, math::neg(hi)));
    const V y1 = detail::fast_quotient(hi, lo, s);
    V y = math::select(negative, detail::fast_scale(y1, s.n), y1);
    y = math::select(x > V(32.0f), x, math::select(z < V(-112.0f), V(0.0f), y));
    return y | (x & V(-0.0f)); // x's sign, zeros included
}

} // namespace xact::math
