// exp and expm1 over scalars and batches, and exp_split / expm1_split: the same before their
// last rounding, as double words, for kernels that round once at the end; exp_split_precise
// (double): e^x to about 2^-76 relative, for results that cancel against e^x.
//
// Range reduction x = n ln2 + r, |r| <= ln2/2 (Cody-Waite, ln2 in two parts), then
// expm1(r) = r + r^2 q(r) with a near-minimax q (scripts/gen_coefficients.py).
// exp:   max error 1 ULP (float and double); underflows gradually into denormals.
// expm1: max error 2 ULP; exact for x = 0 and returns -1 below the float/double limit.
// NaN in gives NaN out; +inf gives +inf, -inf gives 0 (exp) and -1 (expm1).
#pragma once

#include "double_word.hpp"
#include "simd.hpp"

namespace xact::math {

namespace detail {

template <class T>
struct exp_constants;

template <>
struct exp_constants<float> {
    static constexpr float ln2_hi = 0.693145751953125f; // 15 significant bits: n * ln2_hi is exact
    static constexpr float ln2_lo = 1.42860682030941723212e-06f;
    static constexpr float log2e = 1.44269504088896341f;
    // Below exp_lo even e^x 2^64 (exp_with_scaled) is 0; above exp_hi e^x is inf.
    static constexpr float exp_lo = -150.0f, exp_hi = 89.0f;
    static constexpr float expm1_lo = -26.0f, expm1_hi = 89.0f;    // beyond: -1 and inf
    static constexpr float scale_down = -100.0f;                   // second scaling step
    static constexpr float q[] = {0.5f, 0.1666666716337204f, 0.04166645556688309f, 0.00833331048488617f,
                                  0.0013934532180428505f, 0.00019891970441676676f};
};

template <>
struct exp_constants<double> {
    static constexpr double ln2_hi = 6.93147180369123816490e-01; // 0x3fe62e42fee00000
    static constexpr double ln2_lo = 1.90821492927058770002e-10;
    static constexpr double log2e = 1.44269504088896338700e+00;
    static constexpr double exp_lo = -840.0, exp_hi = 710.0;
    static constexpr double expm1_lo = -60.0, expm1_hi = 710.0;
    static constexpr double scale_down = -512.0;
    static constexpr double q[] = {0.5, 0.1666666666666667, 0.04166666666666667, 0.008333333333325551,
                                   0.0013888888888883332, 0.00019841269876840357, 2.480158732699005e-05,
                                   2.755725286336732e-06, 2.755727183153613e-07, 2.5106262550879078e-08,
                                   2.0915433598076003e-09};
};

// x = n ln2 + r; returns expm1(r) and n.
template <class V>
XACT_INLINE V reduce_expm1(V x, V& n) noexcept
{
    using T = scalar_t<V>;
    using C = exp_constants<T>;
    n = math::round_nearest(x * V(C::log2e));
    V r = math::fma(n, V(-C::ln2_hi), x);
    r = math::fma(n, V(-C::ln2_lo), r);
    return math::fma(r * r, math::horner(r, C::q), r);
}

} // namespace detail

namespace detail {

// The second step k of y 2^n = (y 2^(n - k)) 2^k: 2^n is not normal below min_exponent - 1
// (scale_down there: the first step is exact, the second rounds a denormal once) nor at
// n = max_exponent (1 there); else k = 0 (one step, so that a large y, as in softmax backward's
// y_i (dy_i - s) with huge dy, cannot overflow in a first step that scales up).
template <class V>
XACT_INLINE V pow2_second_step(V n) noexcept
{
    using T = scalar_t<V>;
    return math::select(n < V(T(std::numeric_limits<T>::min_exponent - 1)), V(exp_constants<T>::scale_down),
                        math::select(n > V(T(0)), V(T(1)), V(T(0))));
}

// y 2^n in two exact steps, so that a denormal result is rounded once, at the end.
template <class V>
XACT_INLINE V scale_pow2(V y, V n) noexcept
{
    const V k = detail::pow2_second_step(n);
    return (y * math::pow2i(n - k)) * math::pow2i(k);
}

} // namespace detail

// e^x.
template <class V>
XACT_INLINE V exp(V x) noexcept
{
    using T = scalar_t<V>;
    using C = detail::exp_constants<T>;
    V n;
    const V p = detail::reduce_expm1(math::clamp(x, V(C::exp_lo), V(C::exp_hi)), n);
    return detail::scale_pow2(V(T(1)) + p, n);
}

// c e^x for a constant c = hi + lo, the product taken before the power of two: where the result
// is denormal it is rounded once (rounding e^x to a denormal first, then scaling it, costs up to
// c/2 ULP more).
template <class V>
XACT_INLINE V exp_times(V x, const split_constant<scalar_t<V>>& c) noexcept
{
    using T = scalar_t<V>;
    using C = detail::exp_constants<T>;
    V n;
    const V p = detail::reduce_expm1(math::clamp(x, V(C::exp_lo), V(C::exp_hi)), n);
    return detail::scale_pow2(math::scale(V(T(1)) + p, c), n);
}

// e^x - 1, without cancellation near 0.
template <class V>
XACT_INLINE V expm1(V x) noexcept
{
    using T = scalar_t<V>;
    using C = detail::exp_constants<T>;
    V n;
    const V p = detail::reduce_expm1(math::clamp(x, V(C::expm1_lo), V(C::expm1_hi)), n);
    // 2^n (1 + p) - 1 = 2 (t p + (t - 1/2)) with t = 2^(n-1): t - 1/2 is exact where it
    // matters and 2^(n-1) cannot overflow before the result does.
    const V t = math::pow2i(n - V(T(1)));
    const V r = V(T(2)) * math::fma(t, p, t - V(T(0.5)));
    // Below 2^-digits, expm1(x) rounds to x (this also keeps denormal x exact).
    return math::select(math::abs(x) < V(std::ldexp(T(1), -std::numeric_limits<T>::digits)), x, r);
}

// The argument below which exp_split clamps (e^x is then below every result's last place).
template <class V>
XACT_INLINE V exp_range_low() noexcept
{
    return V(detail::exp_constants<scalar_t<V>>::exp_lo);
}

// e^x before its last rounding: e^x = (1 + p) 2^n, p = expm1(r) in [-0.3, 0.42] carried as a
// double word. Kernels that go on to multiply or divide e^x keep it this way and round once at
// the end (relative error of 1 + p: about 2^-p/8, plus the polynomial's). x is clamped to
// [exp_lo, exp_hi]; callers select the limits beyond.
template <class V>
struct exp_parts {
    double_word<V> p; // expm1 of the reduced argument
    V n;              // the power of two
    // 1 + p as a double word (the mantissa of e^x, in [0.7, 1.42]).
    XACT_INLINE double_word<V> m() const noexcept
    {
        const V one(scalar_t<V>(1));
        const V s = one + p.hi; // |p| < 1: fast two-sum
        return {s, (p.hi - (s - one)) + p.lo};
    }
};

namespace detail {

// expm1(r.hi + r.lo) as a double word (|r.hi| <= ln2/2, |r.lo| small).
template <class V>
XACT_INLINE double_word<V> expm1_reduced(const double_word<V>& r) noexcept
{
    using C = exp_constants<scalar_t<V>>;
    const V s = (r.hi * r.hi) * math::horner(r.hi, C::q); // expm1(r.hi) - r.hi, |s| < |r.hi|
    const V hi = r.hi + s;
    // e^(r.hi + r.lo) - 1 = p + r.lo (1 + p)
    const V lo = (s - (hi - r.hi)) + math::fma(r.lo, hi, r.lo);
    return {hi, lo};
}

} // namespace detail

template <class V>
XACT_INLINE exp_parts<V> exp_split(V x) noexcept
{
    using T = scalar_t<V>;
    using C = detail::exp_constants<T>;
    const V xc = math::clamp(x, V(C::exp_lo), V(C::exp_hi));
    const V n = math::round_nearest(xc * V(C::log2e));
    // r = x - n ln2 as a double word: n ln2_hi has few bits, so the first step is exact
    const auto r = math::two_sum(math::fma(n, V(-C::ln2_hi), xc), n * V(-C::ln2_lo));
    return {detail::expm1_reduced(r), n};
}

// e^(hi + lo) for a double word whose hi the caller keeps within [exp_lo, exp_hi]: no clamp, and
// lo joins the reduced argument's low word (two operations fewer than exp_split's fold).
template <class V>
XACT_INLINE exp_parts<V> exp_split_in_range(const double_word<V>& x) noexcept
{
    using C = detail::exp_constants<scalar_t<V>>;
    const V n = math::round_nearest(x.hi * V(C::log2e));
    const auto r = math::two_sum(math::fma(n, V(-C::ln2_hi), x.hi), math::fma(n, V(-C::ln2_lo), x.lo));
    return {detail::expm1_reduced(r), n};
}

namespace detail {

// x.lo where x.hi lies in [exp_lo, exp_hi], else 0 (see exp_split of a double word).
template <class V>
XACT_INLINE V low_in_range(const double_word<V>& x) noexcept
{
    using C = exp_constants<scalar_t<V>>;
    return math::select((x.hi >= V(C::exp_lo)) & (x.hi <= V(C::exp_hi)), x.lo, V(scalar_t<V>(0)));
}

} // namespace detail

// e^(hi + lo) for a double-word argument: e^hi (1 + lo), lo folded into p. lo is dropped where
// hi lies outside [exp_lo, exp_hi]: there hi is clamped, and the low word of a huge hi is huge
// itself (x - m for x = -2.7e68, m = 2.9e207 has lo = -2.7e68), so that folding it in would
// turn e^hi = 0 into a huge mantissa whose products overflow.
template <class V>
XACT_INLINE exp_parts<V> exp_split(double_word<V> x) noexcept
{
    exp_parts<V> e = math::exp_split(x.hi);
    const V lo = detail::low_in_range(x);
    // (1 + p)(1 + lo) - 1 = p + lo (1 + p)
    e.p.lo = e.p.lo + math::fma(lo, e.p.hi, lo);
    return e;
}

namespace detail {

// exp_split_precise: x = (64 n + j) ln2/64 + r with j in [-32, 31] and |r| <= ln2/128 (a little
// more: the product x 64/ln2 is rounded before it is), ln2/64 in three parts (c1 has 36
// significant bits, so that N c1 is exact for |N| < 2^17), e^r - 1 by its Taylor series to r^8
// (truncation below 2^-86), and 2^(j/64) from a table of double words (scripts/
// gen_coefficients.py prints it).
struct exp_precise_constants {
    static constexpr double inv_ln2_64 = 0x1.71547652b82fep+6; // 64 / ln2
    static constexpr double c1 = 0x1.62e42fefa0000p-7, c2 = 0x1.cf79abc9e3b3ap-46, c3 = -0x1.ff0342542fc33p-100;
    static constexpr double q[] = {1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320};
    // 2^(j/64) = hi[j + 32] + lo[j + 32], j = -32..31
    alignas(64) static constexpr double hi[64] = {
    0x1.6a09e667f3bcdp-1, 0x1.6dfb23c651a2fp-1, 0x1.71f75e8ec5f74p-1, 0x1.75feb564267c9p-1,
    0x1.7a11473eb0187p-1, 0x1.7e2f336cf4e62p-1, 0x1.82589994cce13p-1, 0x1.868d99b4492edp-1,
    0x1.8ace5422aa0dbp-1, 0x1.8f1ae99157736p-1, 0x1.93737b0cdc5e5p-1, 0x1.97d829fde4e50p-1,
    0x1.9c49182a3f090p-1, 0x1.a0c667b5de565p-1, 0x1.a5503b23e255dp-1, 0x1.a9e6b5579fdbfp-1,
    0x1.ae89f995ad3adp-1, 0x1.b33a2b84f15fbp-1, 0x1.b7f76f2fb5e47p-1, 0x1.bcc1e904bc1d2p-1,
    0x1.c199bdd85529cp-1, 0x1.c67f12e57d14bp-1, 0x1.cb720dcef9069p-1, 0x1.d072d4a07897cp-1,
    0x1.d5818dcfba487p-1, 0x1.da9e603db3285p-1, 0x1.dfc97337b9b5fp-1, 0x1.e502ee78b3ff6p-1,
    0x1.ea4afa2a490dap-1, 0x1.efa1bee615a27p-1, 0x1.f50765b6e4540p-1, 0x1.fa7c1819e90d8p-1,
    0x1.0000000000000p+0, 0x1.02c9a3e778061p+0, 0x1.059b0d3158574p+0, 0x1.0874518759bc8p+0,
    0x1.0b5586cf9890fp+0, 0x1.0e3ec32d3d1a2p+0, 0x1.11301d0125b51p+0, 0x1.1429aaea92de0p+0,
    0x1.172b83c7d517bp+0, 0x1.1a35beb6fcb75p+0, 0x1.1d4873168b9aap+0, 0x1.2063b88628cd6p+0,
    0x1.2387a6e756238p+0, 0x1.26b4565e27cddp+0, 0x1.29e9df51fdee1p+0, 0x1.2d285a6e4030bp+0,
    0x1.306fe0a31b715p+0, 0x1.33c08b26416ffp+0, 0x1.371a7373aa9cbp+0, 0x1.3a7db34e59ff7p+0,
    0x1.3dea64c123422p+0, 0x1.4160a21f72e2ap+0, 0x1.44e086061892dp+0, 0x1.486a2b5c13cd0p+0,
    0x1.4bfdad5362a27p+0, 0x1.4f9b2769d2ca7p+0, 0x1.5342b569d4f82p+0, 0x1.56f4736b527dap+0,
    0x1.5ab07dd485429p+0, 0x1.5e76f15ad2148p+0, 0x1.6247eb03a5585p+0, 0x1.6623882552225p+0,
    };
    alignas(64) static constexpr double lo[64] = {
    -0x1.bdd3413b26456p-55, -0x1.bbe3a683c88abp-58, -0x1.16e4786887a99p-56, -0x1.0245957316dd3p-55,
    -0x1.41577ee04992fp-56, 0x1.05d02ba15797ep-57, -0x1.d4c1dd41532d8p-55, -0x1.fc6f89bd4f6bap-55,
    0x1.6e9f156864b27p-55, 0x1.5cc13a2e3976cp-56, -0x1.75fc781b57ebcp-58, -0x1.d185b7c1b85d1p-55,
    0x1.c7c46b071f2bep-57, -0x1.359495d1cd533p-55, -0x1.d2f6edb8d41e1p-55, 0x1.0fac90ef7fd31p-55,
    0x1.7a1cd345dcc81p-55, -0x1.2805e3084d708p-58, -0x1.5584f7e54ac3bp-57, 0x1.23dd07a2d9e84p-56,
    0x1.11065895048ddp-56, 0x1.2884dff483cadp-55, 0x1.503cbd1e949dbp-57, -0x1.cbc3743797a9cp-55,
    0x1.2ed02d75b3707p-56, 0x1.c2300696db532p-55, -0x1.1a5cd4f184b5cp-55, 0x1.39e8980a9cc8fp-56,
    -0x1.e9c23179c2893p-55, 0x1.dc7f486a4b6b0p-55, 0x1.9d3e12dd8a18bp-55, 0x1.74853f3a5931ep-56,
    0x0.0p+0, -0x1.19083535b085dp-56, 0x1.d73e2a475b465p-55, 0x1.186be4bb284ffp-57,
    0x1.8a62e4adc610bp-54, 0x1.03a1727c57b53p-59, -0x1.6c51039449b3ap-54, -0x1.32fbf9af1369ep-54,
    -0x1.19041b9d78a76p-55, 0x1.e5b4c7b4968e4p-55, 0x1.e016e00a2643cp-54, 0x1.dc775814a8495p-55,
    0x1.9b07eb6c70573p-54, 0x1.2bd339940e9d9p-55, 0x1.612e8afad1255p-55, 0x1.0024754db41d5p-54,
    0x1.6f46ad23182e4p-55, 0x1.32721843659a6p-54, -0x1.63aeabf42eae2p-54, -0x1.5e436d661f5e3p-56,
    0x1.ada0911f09ebcp-55, -0x1.ef3691c309278p-58, 0x1.89b7a04ef80d0p-59, 0x1.3c1a3b69062f0p-56,
    0x1.d4397afec42e2p-56, -0x1.4b309d25957e3p-54, -0x1.07abe1db13cadp-55, 0x1.9bb2c011d93adp-54,
    0x1.6324c054647adp-54, 0x1.ba6f93080e65ep-54, -0x1.383c17e40b497p-54, -0x1.bb60987591c34p-54,
    };
};

// t[i] for an integer-valued i in [0, 63] (a NaN i reads some entry; the callers' NaN survives
// elsewhere): a gather, or on AVX-512 four two-register permutes and three blends (about 1.4
// times faster there than the two gathers of a lookup).
XACT_INLINE double table64(const double* t, double i) noexcept { return t[static_cast<int>(i) & 63]; }

#if XSIMD_WITH_AVX512F
template <class A, std::enable_if_t<std::is_base_of_v<xsimd::avx512f, A>, int> = 0>
XACT_INLINE xsimd::batch<double, A> table64(const double* t, const xsimd::batch<double, A>& i) noexcept
{
    // the index in the low bits (the permutes read bits 0-3, the blends bits 4 and 5)
    const __m512i idx = _mm512_castpd_si512(_mm512_add_pd(i, _mm512_set1_pd(0x1.8p52)));
    const __m512d a = _mm512_permutex2var_pd(_mm512_load_pd(t), idx, _mm512_load_pd(t + 8));
    const __m512d b = _mm512_permutex2var_pd(_mm512_load_pd(t + 16), idx, _mm512_load_pd(t + 24));
    const __m512d c = _mm512_permutex2var_pd(_mm512_load_pd(t + 32), idx, _mm512_load_pd(t + 40));
    const __m512d d = _mm512_permutex2var_pd(_mm512_load_pd(t + 48), idx, _mm512_load_pd(t + 56));
    const __mmask8 bit4 = _mm512_test_epi64_mask(idx, _mm512_set1_epi64(16));
    const __mmask8 bit5 = _mm512_test_epi64_mask(idx, _mm512_set1_epi64(32));
    return _mm512_mask_blend_pd(bit5, _mm512_mask_blend_pd(bit4, a, b), _mm512_mask_blend_pd(bit4, c, d));
}
#endif

template <class A, std::enable_if_t<!std::is_base_of_v<xsimd::avx512f, A>, int> = 0>
XACT_INLINE xsimd::batch<double, A> table64(const double* t, const xsimd::batch<double, A>& i) noexcept
{
    const xsimd::batch<double, A> magic(0x1.8p52);
    const auto index = math::to_bits(i + magic) & xsimd::batch<std::int64_t, A>(63);
    return xsimd::batch<double, A>::gather(t, index);
}

} // namespace detail

// e^x = m 2^n for a double word x of doubles, with m a double word in [0.70, 1.43] accurate to
// about 2^-77 relative (exp_split: 2^-56): for the kernels whose results cancel against e^x
// (softmax backward, where 2^20 of cancellation must still leave 4 ULP). About 1.5 times
// exp_split's cost (a table lookup of two words, a longer reduction). Clamped like exp_split
// (x.lo dropped outside [exp_lo, exp_hi]); NaN gives NaN in m.
template <class V>
struct exp_precise_parts {
    double_word<V> m;
    V n;
};

template <class V>
XACT_INLINE exp_precise_parts<V> exp_split_precise(double_word<V> x) noexcept
{
    static_assert(std::is_same_v<scalar_t<V>, double>, "exp_split_precise is for double");
    using C = detail::exp_constants<double>;
    using P = detail::exp_precise_constants;
    const V xh = math::clamp(x.hi, V(C::exp_lo), V(C::exp_hi));
    const V xl = detail::low_in_range(x);
    const V big_n = math::round_nearest(xh * V(P::inv_ln2_64)); // 64 n + j
    const V n = math::round_nearest((big_n + V(0.5)) * V(1.0 / 64)); // j = 64 n + j - 64 n in [-32, 31]
    const V j = math::fma(n, V(-64.0), big_n);
    // r = x - N ln2/64 as rh + rl: N c1 exact and x - N c1 exact (it is representable); N c2
    // exact as a double word; rl also takes N c3 and x's low word
    const V r1 = math::fma(big_n, V(-P::c1), xh);
    const auto nc2 = math::two_prod(big_n, V(-P::c2));
    const auto rs = math::two_sum(r1, nc2.hi);
    const V rh = rs.hi;
    const V rl = (rs.lo + nc2.lo) + math::fma(big_n, V(-P::c3), xl);
    // e^(rh + rl) - 1 = p(rh) + rl (1 + p(rh)), p(r) = r + r^2/2 + r^3 q(r): r^2/2 exact,
    // r^3 q(r) (below 2^-25) rounded
    const auto sq = math::two_prod(rh, rh);
    const V half(0.5);
    const auto s = math::fast_two_sum(rh, sq.hi * half);
    const V r3 = sq.hi * rh;
    const V t = math::fma(r3, math::horner(rh, P::q), sq.lo * half);
    const V plo = s.lo + (t + math::fma(rl, s.hi + t, rl));
    // m = 2^(j/64) (1 + p) = th + th p.hi + (th p.lo + tl (1 + p.hi))
    const V idx = j + V(32.0);
    const V th = detail::table64(P::hi, idx), tl = detail::table64(P::lo, idx);
    const auto u = math::two_prod(th, s.hi);
    const auto v = math::fast_two_sum(th, u.hi);
    return {{v.hi, v.lo + (u.lo + math::fma(th, plo, math::fma(tl, s.hi, tl)))}, n};
}

// e^x - 1 as a double word, for x in [expm1_lo, exp_hi]: 2^n (1 + p) - 1 = (2^n - 1) + 2^n p,
// where 2^n - 1 is exact for the n that matter (beyond, -1 or 2^n dominates).
template <class V>
XACT_INLINE double_word<V> expm1_split(V x) noexcept
{
    const auto e = math::exp_split(x);
    const V t = math::pow2i(e.n);
    const auto s = math::two_sum(t - V(scalar_t<V>(1)), t * e.p.hi);
    return math::fast_two_sum(s.hi, s.lo + t * e.p.lo);
}

// -x^2 / 2 as an exact double word, the argument of gelu's e^(-x^2/2): rounding x^2 first
// would cost about x^2/2 ULP in the tail.
template <class V>
XACT_INLINE double_word<V> neg_half_square(V x) noexcept
{
    using T = scalar_t<V>;
    const auto sq = math::two_prod(x, x);
    return {sq.hi * V(T(-0.5)), sq.lo * V(T(-0.5))};
}

} // namespace xact::math
