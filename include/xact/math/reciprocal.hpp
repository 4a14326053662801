// An estimate of 1/b for kernels that correct a quotient once by its exact remainder.
#pragma once

#include "simd.hpp"

namespace xact::math {

// 1/b for b normal with a normal reciprocal, for a quotient corrected once by its exact
// remainder (which then errs by about the square of this estimate's error), without the
// divider, whose throughput bounds short kernels: on AVX-512 rcp14 alone for float (2^-14:
// the corrected quotient errs by 2^-28, 1/16 ULP) and rcp14 with a Newton step for double
// (2^-28: 2^-56, 1/8 ULP); the division elsewhere. Not the same bits on every target: kernels
// that use it round alike except where the exact result lies within that 1/16 or 1/8 ULP of a
// boundary.
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
XACT_INLINE T reciprocal_estimate(T b) noexcept
{
    return T(1) / b;
}

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> reciprocal_estimate(const xsimd::batch<T, A>& b) noexcept
{
    using V = xsimd::batch<T, A>;
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_same_v<T, float> && std::is_base_of_v<xsimd::avx512f, A>) {
        return V(_mm512_rcp14_ps(b)); // 2^-14
    } else if constexpr (std::is_same_v<T, double> && std::is_base_of_v<xsimd::avx512f, A>) {
        const V r(_mm512_rcp14_pd(b)); // 2^-14
        return math::fma(r, xsimd::fnma(r, b, V(1.0)), r);
    } else
#endif
    {
        return math::div(V(T(1)), b);
    }
}

} // namespace xact::math
