// An estimate of 1/b for kernels that correct a quotient once by its exact remainder.
#pragma once

#include "simd.hpp"

namespace xact::math {

// 1/b to within 2^-14 relative (float) or 2^-28 (double), for b normal with a normal
// reciprocal: the estimate that a quotient corrected once by its exact remainder needs (the
// corrected quotient then errs by about the square, 2^-28 or 2^-56 relative: at most 1/16 ULP
// of float, 1/8 of double), without the divider, whose throughput bounds short kernels.
// AVX-512: rcp14 (plus a Newton step for double); SSE/AVX float: rcp (2^-11.6) and a Newton
// step; elsewhere the division. Not the same bits on every target: kernels that use it round
// alike except where the exact result lies within that fraction of an ULP of a boundary.
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
XACT_INLINE T reciprocal_estimate(T b) noexcept
{
    return T(1) / b;
}

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> reciprocal_estimate(const xsimd::batch<T, A>& b) noexcept
{
    using V = xsimd::batch<T, A>;
    const auto newton = [&b](V r) { return math::fma(r, xsimd::fnma(r, b, V(T(1))), r); };
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        if constexpr (std::is_same_v<T, float>)
            return _mm512_rcp14_ps(b);
        else
            return newton(V(_mm512_rcp14_pd(b)));
    } else
#endif
#if XSIMD_WITH_AVX
    if constexpr (std::is_same_v<T, float> && std::is_base_of_v<xsimd::avx, A>) {
        return newton(V(_mm256_rcp_ps(b)));
    } else
#endif
#if XSIMD_WITH_SSE2
    if constexpr (std::is_same_v<T, float> && std::is_base_of_v<xsimd::sse2, A>) {
        return newton(V(_mm_rcp_ps(b)));
    } else
#endif
    {
        return math::div(V(T(1)), b);
    }
}

} // namespace xact::math
