// sigmoid of a float batch in float arithmetic, for targets with a fused fma: about half the
// work of computing it in double (math/widen.hpp), within 1.6 ULP.
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

#include "simd.hpp"

namespace xact::math {

namespace detail {

// q of e^r = 1 + r + r^2 q(r) on |r| <= ln2/2, degree 4 (scripts/gen_coefficients.py, "float
// logistic q(r)"): 1.4e-7 relative in q, 2^-27 in e^r.
inline constexpr float fast_exp_q[] = {0.5f, 0.16666577756404877f, 0.041666556149721146f, 0.008363173343241215f,
                                       0.0013926175888627768f};

// y 2^n for an integer-valued n in [-150, 0] and y in [0.5, 2], rounded once where the result is
// denormal (the product by 2^(n + 48) is exact, the one by 2^-48 rounds).
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

} // namespace detail

template <class A>
XACT_INLINE xsimd::batch<float, A> fast_sigmoid(const xsimd::batch<float, A>& x) noexcept
{
    using V = xsimd::batch<float, A>;
    const V one(1.0f);
    // -|x|, clamped where e^a rounds to 0 even as a denormal (e^-104 < denorm_min / 2). x86's
    // max returns its second operand when one is NaN, NEON's max returns the NaN: either way a
    // NaN x stays NaN.
    const V a = xsimd::max(V(-104.0f), x | V(-0.0f));
    const V magic(0x1.8p23f);
    const V n = math::fma(a, V(1.44269504f), magic) - magic;
    V r = math::fma(n, V(-0x1.62e4p-1f), a); // ln2's high part has 15 bits: n times it is exact
    r = math::fma(n, V(-0x1.7f7d1cp-20f), r);
    const auto& q = detail::fast_exp_q;
    const V r2 = r * r;
    const V qa = math::fma(V(q[1]), r, V(q[0]));
    const V qb = math::fma(V(q[3]), r, V(q[2]));
    const V qs = math::fma(math::fma(V(q[4]), r2, qb), r2, qa);
    const V e = detail::fast_scale(one + math::fma(r2, qs, r), n);
    const V d = one + e;
    const V err = (one - d) + e;
    const V num = math::select(x < V(0.0f), e, one);
    const V inv = math::div(one, d);
    const V y0 = num * inv;
    const V res = math::fma(math::neg(y0), err, math::fma(math::neg(y0), d, num));
    return math::fma(res, inv, y0);
}

} // namespace xact::math
