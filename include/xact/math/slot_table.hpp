// Tables of 32 polynomials over slots of a non-negative float a, for AVX-512 kernels of bounded,
// slowly varying functions (math/tanh_table.hpp, math/gelu_table.hpp). The slot is a's quarter
// binade, its exponent and top two mantissa bits, less a base: (bits >> 21) - base, 0 for every
// a below the first binade. Each lane's coefficient comes from two registers by one permute
// (vpermt2ps: 32 entries, no memory gather). A table is rows of 32 floats (scripts/
// gen_coefficients.py, slot_table): the slot's centre, P(0) as hi + lo, then P's coefficients of
// t^1, t^2, ..., t = a - centre (exact: a and the centre share a binade, or the centre is 0).
#pragma once

#include "simd.hpp"

namespace xact::math {

// Whether batch V has the slot-table kernels (float on AVX-512: tanh, gelu).
template <class V>
inline constexpr bool has_slot_tables_v = false;

#if XSIMD_WITH_AVX512F
template <class A>
inline constexpr bool has_slot_tables_v<xsimd::batch<float, A>> = std::is_base_of_v<xsimd::avx512f, A>;
#endif

} // namespace xact::math

namespace xact::math::detail {

#if XSIMD_WITH_AVX512F

template <class A>
struct slot_lookup {
    __m512i slot;

    // The shifted bits fit each lane's low 16, where an unsigned saturating subtract stops at 0.
    // A NaN a has some slot (the permute reads only the index's low five bits): callers let NaN
    // flow through the arithmetic.
    XACT_INLINE slot_lookup(const xsimd::batch<float, A>& a, int base) noexcept
        : slot(_mm512_subs_epu16(_mm512_srli_epi32(_mm512_castps_si512(a), 21), _mm512_set1_epi32(base)))
    {
    }

    // Each lane's entry of a row.
    XACT_INLINE xsimd::batch<float, A> operator()(const float (&row)[32]) const noexcept
    {
        return _mm512_permutex2var_ps(_mm512_load_ps(row), slot, _mm512_load_ps(row + 16));
    }
};

// P(t) - P(0)hi for a table's rows (centre, P0 hi, P0 lo, t^1 .. t^R-3).
template <class A, std::size_t R>
XACT_INLINE xsimd::batch<float, A> slot_tail(const slot_lookup<A>& at, const xsimd::batch<float, A>& t,
                                             const float (&c)[R][32]) noexcept
{
    xsimd::batch<float, A> r = at(c[R - 1]);
    for (std::size_t i = R - 2; i >= 3; --i)
        r = math::fma(r, t, at(c[i]));
    return math::fma(r, t, at(c[2]));
}

#endif

} // namespace xact::math::detail
