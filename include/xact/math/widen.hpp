// Float kernels computed in double. A float batch is split into two double batches of half its
// width (on AVX-512, 16 floats into 2 x 8 doubles), the function is evaluated with plain double
// arithmetic and the result is rounded to float once. Every double operation errs by 2^-53 and
// the short exponential below by about 2^-32, so a kernel of a few dozen operations stays
// within about 2^-30 relative of the exact value, against float's half ULP of 2^-24: the float
// result is within 0.5 ULP plus a few hundredths, with or without hardware FMA, and double's
// range keeps what float would lose to underflow (x e^x, e/(1+e)^2) until the last rounding.
// No double words and no branches: about half the work of the double-word float kernels.
// Divisions are IEEE divisions (an estimate and a Newton step measured no faster on AVX-512),
// so an AVX-512 lane gives the AVX2 build's bits. The scalar path of a functor runs through
// lane 0 of a batch (math::lane0), so it computes exactly what a lane computes.
#pragma once

#include <cstddef>
#include <type_traits>

#include "simd.hpp"

namespace xact::math {

// Whether float batches of V's architecture are computed in double (a double batch of half
// the width exists there; not on 32-bit NEON).
template <class V>
struct widens : std::false_type {};
template <class A>
struct widens<xsimd::batch<float, A>> : xsimd::types::has_simd_register<double, A> {};
template <class V>
inline constexpr bool widens_v = widens<V>::value;

// The lanes of a float batch as two double batches: lanes [0, n/2) and [n/2, n).
template <class A>
struct wide_pair {
    xsimd::batch<double, A> lo, hi;
};

template <class A>
XACT_INLINE wide_pair<A> widen(const xsimd::batch<float, A>& x) noexcept
{
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        const __m512 v = x;
        const __m256 upper = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
        return {_mm512_cvtps_pd(_mm512_castps512_ps256(v)), _mm512_cvtps_pd(upper)};
    } else
#endif
#if XSIMD_WITH_AVX
    if constexpr (std::is_base_of_v<xsimd::avx, A>) {
        const __m256 v = x;
        return {_mm256_cvtps_pd(_mm256_castps256_ps128(v)), _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1))};
    } else
#endif
#if XSIMD_WITH_SSE2
    if constexpr (std::is_base_of_v<xsimd::sse2, A>) {
        const __m128 v = x;
        return {_mm_cvtps_pd(v), _mm_cvtps_pd(_mm_movehl_ps(v, v))};
    } else
#endif
    {
        constexpr std::size_t n = xsimd::batch<float, A>::size;
        alignas(64) float f[n];
        alignas(64) double d[n];
        x.store_aligned(f);
        for (std::size_t i = 0; i < n; ++i)
            d[i] = f[i];
        return {xsimd::batch<double, A>::load_aligned(d), xsimd::batch<double, A>::load_aligned(d + n / 2)};
    }
}

// Both halves rounded to float (to nearest; a denormal result is rounded once, here).
template <class A>
XACT_INLINE xsimd::batch<float, A> narrow(const xsimd::batch<double, A>& lo, const xsimd::batch<double, A>& hi) noexcept
{
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        const __m512d l = _mm512_castps_pd(_mm512_castps256_ps512(_mm512_cvtpd_ps(lo)));
        return _mm512_castpd_ps(_mm512_insertf64x4(l, _mm256_castps_pd(_mm512_cvtpd_ps(hi)), 1));
    } else
#endif
#if XSIMD_WITH_AVX
    if constexpr (std::is_base_of_v<xsimd::avx, A>) {
        return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(lo)), _mm256_cvtpd_ps(hi), 1);
    } else
#endif
#if XSIMD_WITH_SSE2
    if constexpr (std::is_base_of_v<xsimd::sse2, A>) {
        return _mm_movelh_ps(_mm_cvtpd_ps(lo), _mm_cvtpd_ps(hi));
    } else
#endif
    {
        constexpr std::size_t n = xsimd::batch<float, A>::size;
        alignas(64) double d[n];
        alignas(64) float f[n];
        lo.store_aligned(d);
        hi.store_aligned(d + n / 2);
        for (std::size_t i = 0; i < n; ++i)
            f[i] = static_cast<float>(d[i]);
        return xsimd::batch<float, A>::load_aligned(f);
    }
}

// f applied to both double halves of x, rounded back to float.
template <class A, class F>
XACT_INLINE xsimd::batch<float, A> in_double(const xsimd::batch<float, A>& x, F&& f) noexcept
{
    const auto w = math::widen(x);
    return math::narrow(f(w.lo), f(w.hi));
}

namespace detail {

// q of e^r = 1 + r + r^2 q(r) on |r| <= 0.35, degree 5 (scripts/gen_coefficients.py): the
// polynomial errs by 2.4e-10 (2^-32) relative.
inline constexpr double wide_exp_q[] = {0.500000001427659,     0.16666666682523656,  0.04166645690406264,
                                        0.008333310034706868, 0.001393453165508802, 0.00019891969905683137};

// q(r) in Estrin's form: a shorter dependency chain than Horner's, for the same operations.
template <class V>
XACT_INLINE V wide_exp_poly(V r) noexcept
{
    const auto& q = wide_exp_q;
    const V r2 = r * r;
    const V a = math::fma(V(q[1]), r, V(q[0]));
    const V b = math::fma(V(q[3]), r, V(q[2]));
    const V c = math::fma(V(q[5]), r, V(q[4]));
    return math::fma(math::fma(c, r2, b), r2, a);
}

// x = n ln2 + r; returns r, and in t the value n + 1.5 2^52, whose low bits hold n.
template <class V>
XACT_INLINE V wide_reduce(V x, V& t) noexcept
{
    const V magic(0x1.8p52);
    t = math::fma(x, V(1.4426950408889634), magic);
    const V n = t - magic;
    // ln2 in one double: |n| <= 1100 keeps n (ln2 - ln2_double) below 2^-43
    return math::fma(n, V(-0.6931471805599453), x);
}

// m 2^n, for m 2^n normal: n goes straight into the exponent field.
template <class V>
XACT_INLINE V wide_scale(V m, V t) noexcept
{
    return math::from_bits_as<double>(math::to_bits(m) + (math::to_bits(t) << 52));
}

} // namespace detail

// e^x for a double x in [-700, 700] (callers clamp, and keep NaN themselves), to about 2^-32
// relative: the exponential of the float kernels computed in double.
template <class V>
XACT_INLINE V wide_exp(V x) noexcept
{
    V t;
    const V r = detail::wide_reduce(x, t);
    const V one(1.0);
    const V e = math::fma(math::fma(detail::wide_exp_poly(r), r, one), r, one); // 1 + r + r^2 q
    return detail::wide_scale(e, t);
}

// e^-|z| with -|z| clamped at -limit (limit <= 700): the sign-split exponential of the
// logistic kernels (sigmoid, swish, gelu_tanh), whose callers select the saturated result below.
template <class V>
XACT_INLINE V wide_exp_neg_abs(V z, double limit) noexcept
{
    return wide_exp(xsimd::max(z | V(-0.0), V(-limit)));
}

// 1/(1 + e^-z) sign-split (e/(1 + e) for z < 0, 1/(1 + e) else, e = e^-|z| clamped at
// e^-limit): the logistic of the float kernels in double (sigmoid, softplus').
template <class V>
XACT_INLINE V wide_sigmoid(V z, double limit) noexcept
{
    const V e = wide_exp_neg_abs(z, limit);
    return math::div(math::select(z < V(0.0), e, V(1.0)), V(1.0) + e);
}

// e^x - 1 for a double x in [-700, 700], to about 2^-32 relative, near 0 too (for |x| below
// ln2/2 it is the polynomial r + r^2 q(r) itself, r = x).
template <class V>
XACT_INLINE V wide_expm1(V x) noexcept
{
    V t;
    const V r = detail::wide_reduce(x, t);
    const V p = math::fma(detail::wide_exp_poly(r), r, V(1.0)) * r; // e^r - 1
    const V s = detail::wide_scale(V(1.0), t);                                   // 2^n
    // 2^n - 1 is exact for the n where the sum could cancel (n = 0, -1)
    return math::fma(s, p, s - V(1.0));
}

} // namespace xact::math
