// The scaled complementary error function H(a) = a e^(a^2) erfc(a) / sqrt2 for a >= 1/2, so
// that erfc(a) = sqrt2 e^(-a^2) H(a) / a with the exponential taken separately (and exactly, see
// math/exp.hpp). H is smooth and slowly varying (H -> 1/sqrt(2 pi)), where erfc itself would
// lose 2a^2 ULP to the rounding of a; the 1/sqrt2 is gelu's, folded in.
//
// Eight pieces: [1/2, 4) in steps of 1/2 in t = 4a - (3 + 2k), and [4, inf) in t = 32/a^2 - 1,
// each a near-minimax polynomial (scripts/gen_coefficients.py): max relative error of the
// polynomials 3e-8 (float), 1e-16 (double). Coefficients are gathered per lane by piece.
#pragma once

#include "double_word.hpp"
#include "simd.hpp"

namespace xact::math {

namespace detail {

template <class T>
struct erfc_h_coefficients;

// [power][piece]
template <>
struct erfc_h_coefficients<float> {
    static constexpr float c[8][8] = {
        {0.26884427666664124f, 0.32511261105537415f, 0.35263514518737793f, 0.3676575720310211f, 0.37658441066741943f, 0.38225477933883667f, 0.38605305552482605f, 0.3929803669452667f},
        {0.04082801565527916f, 0.018878968432545662f, 0.00985771045088768f, 0.005655550863593817f, 0.003492858726531267f, 0.002287011593580246f, 0.0015695570036768913f, -0.005709042306989431f},
        {-0.008607007563114166f, -0.003329034661874175f, -0.0014756435994058847f, -0.0007293405942618847f, -0.0003933947591576725f, -0.00022774173703510314f, -0.0001396944426232949f, 0.00023588883050251752f},
        {0.0014758775942027569f, 0.00048638720181770623f, 0.0001857110037235543f, 7.99692643340677e-05f, 3.799775367951952e-05f, 1.9578121282393113e-05f, 1.0788292456709314e-05f, -1.5458133930223994e-05f},
        {-0.0002202034229412675f, -6.270168523769826e-05f, -2.0858782590948977e-05f, -7.89733439887641e-06f, -3.3295832508883905e-06f, -1.535584715384175e-06f, -7.635750307599665e-07f, 1.3533427818401833e-06f},
        {2.9595586966024712e-05f, 7.359705705312081e-06f, 2.152646175090922e-06f, 7.219891813292634e-07f, 2.7174709771315975e-07f, 1.1273477440454371e-07f, 5.0787239302962917e-08f, -1.4586103702640685e-07f},
        {-3.748846211237833e-06f, -8.170636647264473e-07f, -2.1087669210828608e-07f, -6.286324349957795e-08f, -2.118509101478594e-08f, -7.925487821580646e-09f, -3.241641177709198e-09f, 1.934606075337797e-08f},
        {4.3029007201766944e-07f, 8.32963280572585e-08f, 1.9178674648401284e-08f, 5.12719555700869e-09f, 1.558346562902102e-09f, 5.288295912286856e-10f, 1.9731878631024102e-10f, -2.8095730186805667e-09f},
    };
};

template <>
struct erfc_h_coefficients<double> {
    static constexpr double c[15][8] = {
        {0.268844287620793, 0.3251125981240968, 0.3526351493572703, 0.36765757731165816, 0.3765843992287617, 0.3822547716768069, 0.38605304694239667, 0.3929803696993995},
        {0.040828015247524434, 0.018878968201484443, 0.0098577102445394, 0.005655550947521254, 0.00349285877201024, 0.0022870115283912594, 0.0015695570604673146, -0.0057090423846366655},
        {-0.008606996238669132, -0.0033290327217030953, -0.0014756431485343092, -0.0007293404782411082, -0.00039339474082683606, -0.00022774172376032958, -0.0001396944381913902, 0.00023588871013245166},
        {0.0014758764231365554, 0.00048638702890462583, 0.0001857109719612048, 7.996925487966272e-05, 3.7997750371673463e-05, 1.9578120154275175e-05, 1.0788292409588294e-05, -1.545811429277038e-05},
        {-0.00022026142860881462, -6.271172347127956e-05, -2.0860856072415783e-05, -7.897833658474332e-06, -3.329720844188744e-06, -1.535627177339441e-06, -7.635895243134118e-07, 1.3539062385545205e-06},
        {2.9601531078222198e-05, 7.360629219436002e-06, 2.152818061123073e-06, 7.220266418337797e-07, 2.717564669630472e-07, 1.1273742218580779e-07, 5.078806618210997e-08, -1.4596053180499805e-07},
        {-3.656440022953795e-06, -8.010608764375578e-07, -2.0756876789835187e-07, -6.206584611828468e-08, -2.096549742573156e-08, -7.857627591505089e-09, -3.218467425927819e-09, 1.8457394515203592e-08},
        {4.2081784448899005e-07, 8.182314916861848e-08, 1.8904280247116355e-08, 5.067353573741642e-09, 1.5433703523612209e-09, 5.246041759533863e-10, 1.9599522301457744e-10, -2.6529966691248054e-09},
        {-4.5567734859746134e-08, -7.912224924246302e-09, -1.6389294821519782e-09, -3.957220833707418e-10, -1.0911710312033196e-10, -3.375455514652932e-11, -1.1536252204756404e-11, 4.24013831682406e-10},
        {4.676633288485079e-09, 7.29027531362127e-10, 1.3603910786559926e-10, 2.9712151334074954e-11, 7.444495040110341e-12, 2.102368104550227e-12, 6.590395444978107e-13, -7.418844977031193e-11},
        {-4.5751263096740167e-10, -6.432791215410924e-11, -1.0859502229552283e-11, -2.1535251382002763e-12, -4.918976061551889e-13, -1.271785161345954e-13, -3.665582487040591e-14, 1.4021873185051432e-11},
        {4.2847685278589617e-11, 5.456684038851086e-12, 8.365399933412605e-13, 1.511390738490052e-13, 3.1566608622300325e-14, 7.491457104144048e-15, 1.989762626702335e-15, -2.7761174736564533e-12},
        {-3.858563579820497e-12, -4.466516660408715e-13, -6.238830600096518e-14, -1.0300115670116608e-14, -1.9723305042349206e-15, -4.3066534444261633e-16, -1.0562669343565868e-16, 5.933785697471585e-13},
        {3.438337268414893e-13, 3.614371043549938e-14, 4.597968931067165e-15, 6.936298292186639e-16, 1.2179288716777145e-16, 2.447544675496148e-17, 5.5452211218490556e-18, -1.7391287505919234e-13},
        {-2.8821667169249016e-14, -2.772110886353247e-15, -3.2326432485840796e-16, -4.48080945679226e-17, -7.248867579290565e-18, -1.3461269366727296e-18, -2.8270039876009965e-19, 4.222503568209261e-14},
    };
};

template <class T, std::size_t P>
XACT_INLINE T piece_coefficient(const T (&row)[P], T piece) noexcept
{
    return row[static_cast<std::size_t>(piece)];
}

// Eight pieces fit one AVX-512 register (or one AVX2 register of floats): a lane permute picks
// each lane's coefficient far faster than a gather from memory.
template <class T, class A, std::size_t P>
XACT_INLINE xsimd::batch<T, A> piece_coefficient(const T (&row)[P], const xsimd::batch<T, A>& piece) noexcept
{
    static_assert(P == 8, "eight pieces");
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        // piece + 2^mantissa holds the index in its low bits, which is all a permute reads
        if constexpr (std::is_same_v<T, float>)
            return _mm512_permutexvar_ps(_mm512_castps_si512(piece + xsimd::batch<T, A>(8388608.0f)),
                                         _mm512_castps256_ps512(_mm256_loadu_ps(row)));
        else
            return _mm512_permutexvar_pd(_mm512_castpd_si512(piece + xsimd::batch<T, A>(4503599627370496.0)),
                                         _mm512_loadu_pd(row));
    } else
#endif
#if XSIMD_WITH_AVX2
    if constexpr (std::is_base_of_v<xsimd::avx2, A> && std::is_same_v<T, float>) {
        return _mm256_permutevar8x32_ps(_mm256_loadu_ps(row),
                                        _mm256_castps_si256(piece + xsimd::batch<T, A>(8388608.0f)));
    } else
#endif
    {
        return xsimd::batch<T, A>::gather(row, xsimd::to_int(piece));
    }
}

} // namespace detail

// H(a) at a = ax / sqrt2 for ax = |x| >= 1/sqrt2, as a double word: 4a = 2 sqrt2 ax is formed
// in two parts and the polynomial's last step is exact, so H carries only the polynomial's
// error and about 2^-p/8 of rounding (smaller ax and NaN give a value callers select away or
// propagate).
template <class V>
XACT_INLINE double_word<V> erfc_scaled_h(V ax) noexcept
{
    using T = scalar_t<V>;
    using C = detail::erfc_h_coefficients<T>;
    constexpr split_constant<T> two_sqrt2(2.8284271247461900976033774484193961L);
    // 4a = 2 sqrt2 ax = hi + lo
    const auto a4 = math::two_prod(ax, V(two_sqrt2.hi));
    const V a4_lo = math::fma(ax, V(two_sqrt2.lo), a4.lo);
    // Piece index 0..7 from 4a in [2, 16): [1/2, 4) in halves, then [4, inf).
    const V sixteen(T(16));
    const V clipped = math::select(a4.hi < sixteen, a4.hi, sixteen);
    V piece = xsimd::floor((clipped - V(T(2))) * V(T(0.5)));
    piece = math::select(piece > V(T(0)), piece, V(T(0)));
    const auto near = a4.hi < sixteen;
    // t = 4a - (3 + 2k) is exact (Sterbenz); the far piece uses t = 32/a^2 - 1 = 64/x^2 - 1.
    const V t_near = a4.hi - (V(T(3)) + V(T(2)) * piece);
    const V t = math::select(near, t_near, math::div(V(T(64)), ax * ax) - V(T(1)));
    const V t_lo = math::select(near, a4_lo, V(T(0)));
    constexpr std::size_t n = sizeof(C::c) / sizeof(C::c[0]);
    V r = detail::piece_coefficient(C::c[n - 1], piece);
    for (std::size_t i = n - 1; i-- > 1;)
        r = math::fma(r, t, detail::piece_coefficient(C::c[i], piece));
    // c0 + (t + t_lo) r, with t r exact
    const auto tr = math::two_prod(t, r);
    const auto h = math::two_sum(detail::piece_coefficient(C::c[0], piece), tr.hi);
    return math::fast_two_sum(h.hi, h.lo + math::fma(t_lo, r, tr.lo));
}

} // namespace xact::math
