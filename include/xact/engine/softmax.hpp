// softmax and log_softmax over one vector: the reductions (max, compensated sums, dot
// products) and the passes that use them. Vectors are contiguous here; the operations gather
// strided vectors into a buffer first.
//
// The backward passes round every output element once from double-word intermediates, so their
// error is about half an ULP plus the exp polynomial's; the forward passes trade some of that for
// speed within the bound of 4 ULP (measured by xact-accuracy --softmax, tests/accuracy):
//   e_i = e^(x_i - m), with x_i - m exact: in double, rounded where the target fuses fma
//   (rounded_shifted_exp, within 1.1 ULP), else a double word (math::exp_split); in float with
//   a fused fma, float's own kernel rounded to float (the same), else in
//   double. S = sum e_i: compensated in double (from one in every lane, so that each
//   term's two-sum is Dekker's fast one), plain in double for float data.
//   softmax      y_i = round(e_i) / S, by a product with 1/S (e_i computed once, stored in y and
//                scaled there): within 2.7 ULP (e_i's 1.1 ULP can be 2.2 of y_i's, whose
//                significand may lie next to 1 where e_i's lies next to 2; 1.5 in double
//                from double words, without a fused fma).
//   log_softmax  y_i = x_i - (m + log S), m + log S a pair of T (shift_of): within an ULP plus
//                log S's error.
//   softmax backward      dx_i = y_i (dy_i - s), s = <dy, y> = (sum dy_j e_j) / S: the dot
//                         product compensated (two_prod + two_sum), s and dy_i - s double words.
//   log_softmax backward  dx_i = dy_i - e_i (sum dy) / S, the product a double word.
// The backward passes in double take e_i (and S) from math::exp_split_precise, 2^-76 relative
// instead of exp_split's 2^-56: where dx_i cancels by up to 2^20 that error comes through
// magnified as much, and 4 ULP there needs about 2^-73. (Float data is computed in double.)
// Reductions run per SIMD lane in a fixed order and are combined in a fixed order: a vector's
// results depend on its length but not on alignment, and body and tail lanes compute alike.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "../math/double_word.hpp"
#include "../math/exp.hpp"
#include "../math/fast_sigmoid.hpp"
#include "../math/widen.hpp"
#include "loop.hpp"

namespace xact::engine {

namespace detail {

template <class T>
using dword = math::double_word<batch<T>>;

// A per-lane compensated sum (Ogita, Rump and Oishi's Sum2): hi takes the rounded sums, lo the
// exact error of each (two_sum) plus the terms' own low parts. Error about 2^-2p n relative to
// sum |terms|, so 65536 float terms stay far below an ULP.
template <class T>
struct dw_sum {
    batch<T> hi = batch<T>(T(0)), lo = batch<T>(T(0));
    XACT_INLINE void add(batch<T> v) noexcept { take(math::two_sum(hi, v)); }
    XACT_INLINE void add(dword<T> v) noexcept { take(math::two_sum(hi, v.hi), v.lo); }
    // For a sum begun at one in every lane (unit_sums) whose terms lie in [0, 1]: hi >= 1 >= v.hi
    // throughout, so Dekker's fast two-sum is exact (3 operations instead of 6).
    XACT_INLINE void add_below_one(batch<T> v) noexcept { take(math::fast_two_sum(hi, v)); }
    XACT_INLINE void add_below_one(dword<T> v) noexcept { take(math::fast_two_sum(hi, v.hi), v.lo); }

private:
    // hi + term = s exactly: hi takes the rounded sum, lo its error (and the term's low part)
    XACT_INLINE void take(dword<T> s) noexcept
    {
        hi = s.hi;
        lo += s.lo;
    }
    XACT_INLINE void take(dword<T> s, batch<T> term_lo) noexcept
    {
        hi = s.hi;
        lo += s.lo + term_lo;
    }
};

// dw_sum's begun at one (see add_below_one); their total less the ones is exact (total, below).
template <class T, std::size_t U>
std::array<dw_sum<T>, U> unit_sums() noexcept
{
    std::array<dw_sum<T>, U> acc;
    for (auto& a : acc)
        a.hi = batch<T>(T(1));
    return acc;
}

// The total of several per-lane sums, in a fixed order (the accumulators lane by lane, then the
// lanes pairwise in a tree rather than a chain of dependent two-sums through every lane), as a
// normalised double word of T.
template <class T, std::size_t U>
math::double_word<T> total(const std::array<dw_sum<T>, U>& acc) noexcept
{
    dw_sum<T> v = acc[0];
    for (std::size_t u = 1; u < U; ++u)
        v.add(dword<T>{acc[u].hi, acc[u].lo});
    alignas(64) T h[lanes<T>], l[lanes<T>];
    v.hi.store_aligned(h);
    v.lo.store_aligned(l);
    for (std::size_t w = lanes<T> / 2; w > 0; w /= 2) {
        for (std::size_t j = 0; j < w; ++j) {
            const auto s = math::two_sum(h[j], h[j + w]);
            h[j] = s.hi;
            l[j] += s.lo + l[j + w];
        }
    }
    return math::fast_two_sum(h[0], l[0]);
}

// total() of unit_sums, less the ones they began with (exactly: an integer below 2^24).
template <class T, std::size_t U>
math::double_word<T> total_less_units(const std::array<dw_sum<T>, U>& acc) noexcept
{
    return math::add(total(acc), T(-double(U * lanes<T>)));
}

// n / d as a double word (error about 2^-2p relative), for a finite d > 0.
template <class T>
math::double_word<T> divide(math::double_word<T> n, math::double_word<T> d) noexcept
{
    const T q = n.hi / d.hi;
    const auto qd = math::two_prod(q, d.hi);
    const T r = ((n.hi - qd.hi) - qd.lo) + (n.lo - q * d.lo);
    return math::fast_two_sum(q, r / d.hi);
}

// The last `fresh` lanes of a batch (0 < fresh < lanes): the tails below load the vector's last
// full batch, which overlaps the one before, and keep only its lanes not yet seen, rather than
// build a batch element by element through a buffer.
template <class T>
XACT_INLINE xsimd::batch_bool<T> last_lanes(std::size_t fresh) noexcept
{
    alignas(64) T index[lanes<T>];
    for (std::size_t j = 0; j < lanes<T>; ++j)
        index[j] = T(j);
    return batch<T>::load_aligned(index) >= batch<T>(T(lanes<T> - fresh));
}

// Batches of W loaded from arrays of T (converted where W is wider: float data in double).
template <class W, class T, std::size_t K, std::size_t... I>
XACT_INLINE std::array<batch<W>, K> load(const std::array<const T*, K>& in, std::size_t i, std::index_sequence<I...>)
{
    return {batch<W>::load_unaligned(in[I] + i)...};
}

template <class W, class T, std::size_t K, std::size_t U, class Acc, class F, std::size_t... u>
XACT_INLINE void unrolled(const std::array<const T*, K>& in, std::size_t i, std::array<Acc, U>& acc, F& f,
                          std::index_sequence<u...>)
{
    (f(acc[u], load<W, T, K>(in, i + u * lanes<W>, std::make_index_sequence<K>{})), ...);
}

// Calls f(acc[u], {in_0 batch, ...}) over n elements of K contiguous arrays of T, computed in
// batches of W, U batches at a time into U independent accumulators (more in flight than one
// dependency chain allows); the remaining batches and the padded tail go to acc[0]. Tail lanes
// of in_0 hold `pad`, of the others 0. The order depends only on n.
template <class W, class T, std::size_t K, std::size_t U, class Acc, class F>
XACT_INLINE void accumulate(std::size_t n, const std::array<const T*, K>& in, T pad, std::array<Acc, U>& acc, F&& f)
{
    constexpr std::size_t L = lanes<W>;
    const auto seq = std::make_index_sequence<K>{};
    std::size_t i = 0;
    for (; i + U * L <= n; i += U * L)
        unrolled<W, T, K>(in, i, acc, f, std::make_index_sequence<U>{});
    for (; i + L <= n; i += L)
        f(acc[0], load<W, T, K>(in, i, seq));
    if (i < n && n >= L && std::is_same_v<W, T>) {
        const auto fresh = last_lanes<W>(n - i);
        auto b = load<W, T, K>(in, n - L, seq);
        for (std::size_t k = 0; k < K; ++k)
            b[k] = xsimd::select(fresh, b[k], batch<W>(k == 0 ? pad : T(0)));
        f(acc[0], b);
    } else if (i < n) {
        alignas(64) W buf[K][L];
        std::array<batch<W>, K> b;
        for (std::size_t k = 0; k < K; ++k) {
            for (std::size_t j = 0; j < L; ++j)
                buf[k][j] = i + j < n ? W(in[k][i + j]) : W(k == 0 ? pad : T(0));
            b[k] = batch<W>::load_aligned(buf[k]);
        }
        f(acc[0], b);
    }
}

// out[i] = op(in_0[i], in_1[i]) computed in batches of W over arrays of T (float data in
// double: float batches split into double halves, one rounding to T at the end; xsimd's
// converting loads and stores go element by element), the tail with the same code on a
// zero-padded copy.
template <class W, class T, class Op>
void transform_as(Op op, std::size_t n, const std::array<const T*, 2>& in, T* out)
{
    using V = batch<T>;
    constexpr std::size_t L = lanes<T>;
    const auto f = [&](V a, V b) XACT_INLINE_LAMBDA {
        if constexpr (std::is_same_v<W, T>) {
            return op(a, b);
        } else {
            const auto wa = math::widen(a), wb = math::widen(b);
            return math::narrow(op(wa.lo, wb.lo), op(wa.hi, wb.hi));
        }
    };
    // A tail with a full batch before it: the vector's last batch, loaded before anything is
    // stored (out may be an input) and stored last, over results it computes alike.
    const bool overlap = n > L && n % L != 0;
    const V last_a = overlap ? V::load_unaligned(in[0] + n - L) : V(T(0));
    const V last_b = overlap ? V::load_unaligned(in[1] + n - L) : V(T(0));
    std::size_t i = 0;
    for (; i + L <= n; i += L)
        f(V::load_unaligned(in[0] + i), V::load_unaligned(in[1] + i)).store_unaligned(out + i);
    if (overlap) {
        f(last_a, last_b).store_unaligned(out + n - L);
    } else if (i < n) {
        alignas(64) T a[L] = {}, b[L] = {}, r[L];
        for (std::size_t j = 0; i + j < n; ++j) {
            a[j] = in[0][i + j];
            b[j] = in[1][i + j];
        }
        f(V::load_aligned(a), V::load_aligned(b)).store_aligned(r);
        for (std::size_t j = 0; i + j < n; ++j)
            out[i + j] = r[j];
    }
}

// x - m exactly, as hi + lo (Knuth's two-difference). The low part is 0 where x = -inf (it
// would be inf - inf).
template <class T>
XACT_INLINE dword<T> exact_difference(batch<T> x, batch<T> m) noexcept
{
    const batch<T> d = x - m;
    const batch<T> bb = d - x;
    const batch<T> lo = (x - (d - bb)) - (m + bb);
    return {d, xsimd::select(xsimd::isnan(lo), batch<T>(T(0)), lo)};
}

// e^(x - m) = mantissa 2^n before rounding, from the exact difference (a rounded x - m would
// cost |x - m|/2 ULP).
template <class T>
struct shifted_exp {
    dword<T> mantissa; // in [0.7, 1.42]
    batch<T> n;
};

template <class T>
XACT_INLINE shifted_exp<T> exp_shifted(batch<T> x, batch<T> m) noexcept
{
    const auto e = math::exp_split(exact_difference(x, m));
    return {e.m(), e.n};
}

// v 2^n for both words of v, each in two exact steps (n down to exp_split's lowest), so that a
// denormal result is rounded once; on AVX-512 by vscalef, which rounds v 2^n once itself: the
// same results (but for a low word below the denormal range, rounded once instead of twice)
// for 2 operations instead of 14.
template <class T>
XACT_INLINE dword<T> scale_pow2(dword<T> v, batch<T> n) noexcept
{
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, typename batch<T>::arch_type>) {
        if constexpr (std::is_same_v<T, float>)
            return {batch<T>(_mm512_scalef_ps(v.hi, n)), batch<T>(_mm512_scalef_ps(v.lo, n))};
        else
            return {batch<T>(_mm512_scalef_pd(v.hi, n)), batch<T>(_mm512_scalef_pd(v.lo, n))};
    }
#endif
    const batch<T> k = math::detail::pow2_second_step(n);
    const batch<T> a = math::pow2i(n - k), b = math::pow2i(k);
    return {(v.hi * a) * b, (v.lo * a) * b};
}

// Below this x - m, e^(x - m) is below half T's smallest denormal: the sums drop such terms.
// (Not sooner: log_softmax of a dominant entry is about -(S - 1), down to the denormals.)
template <class T>
inline constexpr T sum_limit = std::is_same_v<T, float> ? T(-104) : T(-746);

// e^(x - m) for the backward passes in double, to about 2^-76 relative (math::exp_split_precise):
// where dx_i cancels by up to 2^20, the error of e_i (and of S, a sum of them) reaches dx_i
// magnified that much, and exp_split's 2^-56 would cost up to 2^17 ULP.
XACT_INLINE shifted_exp<double> exp_shifted_precise(batch<double> x, batch<double> m) noexcept
{
    const auto e = math::exp_split_precise(exact_difference(x, m));
    return {e.m, e.n};
}

// e^d for float data in double, d = x - m <= 0 exact: the float kernels' exponential (2^-32),
// 0 below sum_limit and at -inf.
template <class T>
XACT_INLINE batch<double> wide_shifted_exp(batch<double> d) noexcept
{
    return xsimd::select(d < batch<double>(sum_limit<T>), batch<double>(0.0),
                         math::wide_exp(xsimd::max(d, batch<double>(-200.0))));
}

// Where |m| <= clamp_max_m, m + sum_limit (or m - 110) rounds within 1/16 (float) or 1/8
// (double) of itself: clamping x there first keeps every x whose e^(x - m) counts, and x - m
// finite and within the exponentials' ranges (below: no NaN checks, no range tests).
template <class T>
inline constexpr T clamp_max_m = std::is_same_v<T, float> ? T(0x1p20f) : T(0x1p50);

// (x > low) & allowed: on AVX-512 one compare under the mask, not two operations.
template <class V>
XACT_INLINE typename V::batch_bool_type greater_where(typename V::batch_bool_type allowed, V x, V low) noexcept
{
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, typename V::arch_type>) {
        using R = typename V::batch_bool_type::register_type;
        if constexpr (std::is_same_v<math::scalar_t<V>, float>)
            return R(_mm512_mask_cmp_ps_mask(R(allowed), x, low, _CMP_GT_OQ));
        else
            return R(_mm512_mask_cmp_pd_mask(R(allowed), x, low, _CMP_GT_OQ));
    }
#endif
    return (x > low) & allowed;
}

// The exponentials' shared tail: e^r = 1 + r + r^2 q(r) (math/fast_sigmoid.hpp's q: float 2^-27,
// double exp's) times 2^n, where v is n's rounding sum (for targets without scalef: 2^(n + step)
// from its bits), and 0 outside `keep`: 0 at and below a clamp without rounding 2^-159 p (float)
// to it, as an underflowing scaling takes a microcode assist on x86 (about 150 cycles), and a
// padded tail has such lanes.
template <class V>
XACT_INLINE V scaled_unit_exp(V r, V n, V v, typename V::batch_bool_type keep) noexcept
{
    namespace fe = math::detail;
    using T = math::scalar_t<V>;
    const V r2 = r * r;
    const V p = V(T(1)) + math::fma(r2, fe::fast_exp_q_of(r, r2), r);
    return fe::fast_scale(xsimd::select(keep, p, V(T(0))), n, fe::fast_exp_power(v));
}

// e^(x - m) rounded, in T's own arithmetic, for targets with a fused fma and |m| <= clamp_max_m:
// x clamped at low, at or below m + sum_limit (e^(low - m) rounds to 0), x - m = dh + dl
// exactly (two-sum), n = round(dh / ln2), r = (dh - n ln2_hi) + (dl - n ln2_lo) with the first
// difference exact, e^r = 1 + r + r^2 q(r) (math/fast_sigmoid.hpp's q: float 2^-27, double
// exp's), and 2^n applied once (a denormal e is rounded there). The roundings of r (2^-p
// relative), of the fma and of 1 + that leave e within 1.1 ULP (float: 1.084 measured over 7
// million points). -inf gives 0, as does every x below low and every lane outside `allowed`.
template <class V>
XACT_INLINE V rounded_shifted_exp(V x, V m, V low, typename V::batch_bool_type allowed) noexcept
{
    namespace fe = math::detail;
    using T = math::scalar_t<V>;
    const V xc = xsimd::max(x, low);
    const V dh = xc - m;
    const V bb = dh - xc;
    const V dl = (xc - (dh - bb)) - (m + bb);
    constexpr T offset = fe::fast_exp_offset<T>(int(fe::fast_constants<T>::scale_step));
    const V v = fe::fast_exp_rounded(dh, offset);
    const V n = v - V(offset);
    using C = fe::exp_constants<T>;
    const V r = math::fma(n, V(-C::ln2_hi), dh) + math::fma(n, V(-C::ln2_lo), dl);
    return scaled_unit_exp(r, n, v, greater_where(allowed, x, low));
}

template <class V>
XACT_INLINE V rounded_shifted_exp(V x, V m, V low) noexcept
{
    return rounded_shifted_exp(x, m, low, typename V::batch_bool_type(true));
}

// Where |m| <= scaled_max_m (float), e^x's own reduction r = (x - n ln2_hi) - n ln2_lo is as
// good as e^(x - m)'s for every x in [m - 110, m]: the fma makes x - n ln2_hi exact (a multiple
// of 2^-15 or of x's ulp, below 1/2), and ln2_lo's rounding to float (2^-44) costs r n 2^-44
// <= 2^-28.5 absolute (0.04 ULP of e).
inline constexpr float scaled_max_m = 32768.0f;

// e^x 2^k, for the float softmax passes where |m| <= scaled_max_m and 2^k e^-m = E in
// [1/sqrt2, sqrt2]: the terms are e^(x - m) / E (the pass's sum is S/E; softmax divides the
// one by the other, log_softmax takes E back in the sum). rounded_shifted_exp's steps without the
// two-sum that keeps x - m exact, and with k added to n: x clamped at low (m - 110), n by the
// magic-number rounding, r = (x - n ln2_hi) - n ln2_lo with the first difference exact (above),
// 1 + r + r^2 q(r), 2^(n + k) applied once: within 1.1 ULP of e^x 2^k (1.06 measured), as
// rounded_shifted_exp's terms, in 17 operations a batch where those take 24. The rounding no
// longer follows e^(x - m)'s: softmax's y_i = (e_i / E) / (S / E) errs by up to 2.7 ULP where
// E's significand moves y_i's away from the term's (2.1 before; where S ~ 1, y_i ~ e_i had the
// same significand), log_softmax's sum only by the terms' own error.
template <class V>
XACT_INLINE V scaled_exp(V x, V low, V k, typename V::batch_bool_type allowed) noexcept
{
    namespace fe = math::detail;
    using T = math::scalar_t<V>;
    const V xc = xsimd::max(x, low);
    constexpr T offset = fe::fast_exp_offset<T>(int(fe::fast_constants<T>::scale_step));
    const V v = fe::fast_exp_rounded(xc, offset);
    const V n = v - V(offset);
    // v + k carries n + k in its low bits, for targets that scale by 2^(n + k + step)
    return scaled_unit_exp(fe::fast_exp_reduce(xc, n), n + k, v + k, greater_where(allowed, x, low));
}

// e^(x - m) as a double word for the sums (0 below sum_limit and at x = -inf), where |m| <=
// clamp_max_m: x clamped first at low = m + sum_limit, so that x - m is finite, its two-sum
// needs no NaN check and lies within exp_split_in_range's range (no clamp, no range test of the
// low word); the lanes at or below low give 0, selected before the scaling. Terms as accurate as
// exp_term's (below) in 20% fewer operations: double softmax's first pass 1.15 times as fast.
template <class T>
XACT_INLINE dword<T> clamped_exp_term(batch<T> x, batch<T> m, batch<T> low) noexcept
{
    const auto e = math::exp_split_in_range(math::two_sum(xsimd::max(x, low), math::neg(m)));
    const auto mant = e.m();
    const auto keep = x > low;
    const batch<T> zero(T(0));
    return scale_pow2(dword<T>{xsimd::select(keep, mant.hi, zero), xsimd::select(keep, mant.lo, zero)}, e.n);
}

// e^(x - m) as a double word for the sums (0 below sum_limit and at x = -inf), for any m;
// Precise: by exp_shifted_precise (T = double).
template <class T, bool Precise = false>
XACT_INLINE dword<T> exp_term(batch<T> x, batch<T> m) noexcept
{
    const auto d = exact_difference(x, m);
    dword<T> mant;
    batch<T> n;
    if constexpr (Precise) {
        const auto e = math::exp_split_precise(d);
        mant = e.m;
        n = e.n;
    } else {
        const auto e = math::exp_split(d);
        mant = e.m();
        n = e.n;
    }
    // dropped before the scaling: scaling them to 0 would underflow, a microcode assist on x86
    // (about 150 cycles each: masked -inf entries)
    const batch<T> zero(T(0));
    const auto drop = d.hi < batch<T>(sum_limit<T>);
    return scale_pow2(dword<T>{xsimd::select(drop, zero, mant.hi), xsimd::select(drop, zero, mant.lo)}, n);
}

// Calls f(term), term(x) = e^(x - m) as a double word in [0, 1]: clamped_exp_term where |m|
// allows, else exp_term.
template <class T, class F>
void with_exp_term(T m, F&& f)
{
    const batch<T> mb(m);
    if (std::abs(m) <= clamp_max_m<T>) {
        const batch<T> low(m + sum_limit<T>);
        f([mb, low](batch<T> x) XACT_INLINE_LAMBDA { return clamped_exp_term(x, mb, low); });
    } else {
        f([mb](batch<T> x) XACT_INLINE_LAMBDA { return exp_term(x, mb); });
    }
}

// Calls f(term) with the forward passes' term: e^(x - m) rounded (rounded_shifted_exp, within 1.1
// ULP, 1.4-1.5 times as fast as double words) where the target fuses fma and |m| <=
// clamp_max_m, else with_exp_term's double word.
template <class T, class F>
void with_forward_term(T m, F&& f)
{
    if constexpr (math::has_fused_fma) {
        if (std::abs(m) <= clamp_max_m<T>) {
            const batch<T> mb(m), low(m + sum_limit<T>);
            f([mb, low](batch<T> x) XACT_INLINE_LAMBDA { return rounded_shifted_exp(x, mb, low); });
            return;
        }
    }
    with_exp_term(m, f);
}

// n / d rounded once, for d > 0 a constant with inv = 1/d.hi (n finite, |n.lo| small): one
// correction step of the quotient n.hi inv, with the remainder computed exactly.
template <class T>
XACT_INLINE batch<T> divide(dword<T> n, const dword<T>& d, batch<T> inv) noexcept
{
    const batch<T> q = n.hi * inv;
    const auto qd = math::two_prod(q, d.hi);
    const batch<T> r = ((n.hi - qd.hi) - qd.lo) + math::fma(math::neg(q), d.lo, n.lo);
    return math::fma(r, inv, q);
}

// a b for double words, kept as a double word (hi and an unnormalised lo).
template <class T>
XACT_INLINE dword<T> mul(dword<T> a, dword<T> b) noexcept
{
    const auto p = math::two_prod(a.hi, b.hi);
    return {p.hi, math::fma(a.hi, b.lo, math::fma(a.lo, b.hi, p.lo))};
}

// a - b rounded once, for a plain a and a double word b.
template <class T>
XACT_INLINE batch<T> minus(batch<T> a, dword<T> b) noexcept
{
    const auto s = math::two_sum(a, math::neg(b.hi));
    return s.hi + (s.lo - b.lo);
}

template <class T>
dword<T> splat(math::double_word<T> v) noexcept
{
    return {batch<T>(v.hi), batch<T>(v.lo)};
}

} // namespace detail

// What the first pass learns about a vector.
template <class T>
struct vector_summary {
    T max;
    bool has_nan;
    bool special() const noexcept // NaN, all -inf, or +inf entries: y in closed form (special_vector)
    {
        return has_nan || max == -std::numeric_limits<T>::infinity() || max == std::numeric_limits<T>::infinity();
    }
};

// Four accumulators (the running maximum's compare-and-select is a dependency chain) and a tree
// over the lanes: 7 floats/ns over a vector of 1000 with one accumulator and a chain through
// its lanes, 11 now.
template <class T>
vector_summary<T> summarize(const T* x, std::size_t n)
{
    const T inf = std::numeric_limits<T>::infinity();
    struct acc_t {
        batch<T> m = batch<T>(-std::numeric_limits<T>::infinity());
        xsimd::batch_bool<T> nan = batch<T>(T(0)) != batch<T>(T(0));
    };
    std::array<acc_t, 4> acc;
    detail::accumulate<T, T, 1>(n, {x}, -inf, acc, [&](acc_t& a, const auto& b) {
        a.m = xsimd::select(b[0] > a.m, b[0], a.m);
        a.nan = a.nan | xsimd::isnan(b[0]);
    });
    // the accumulators' maximum lane by lane, then a tree over the lanes (with a chain of
    // compares through every lane of the four, this pass measured 6.3 floats/ns over 1000)
    batch<T> m = acc[0].m;
    bool nan = xsimd::any(acc[0].nan);
    for (std::size_t u = 1; u < acc.size(); ++u) {
        m = xsimd::select(acc[u].m > m, acc[u].m, m);
        nan = nan || xsimd::any(acc[u].nan);
    }
    alignas(64) T lane_max[lanes<T>];
    m.store_aligned(lane_max);
    for (std::size_t w = lanes<T> / 2; w > 0; w /= 2)
        for (std::size_t j = 0; j < w; ++j)
            lane_max[j] = lane_max[j + w] > lane_max[j] ? lane_max[j + w] : lane_max[j];
    return {lane_max[0], nan};
}

// Fills y when the vector is special (NaN, all -inf, +inf entries); returns false otherwise.
template <class T>
bool special_vector(const vector_summary<T>& s, const T* x, T* y, std::size_t n, bool masked_zero, bool log)
{
    const T nan = std::numeric_limits<T>::quiet_NaN(), inf = std::numeric_limits<T>::infinity();
    if (s.has_nan || (s.max == -inf && !masked_zero)) {
        std::fill(y, y + n, nan);
        return true;
    }
    if (s.max == -inf) { // all masked
        std::fill(y, y + n, log ? -inf : T(0));
        return true;
    }
    if (s.max == inf) { // the limit: the +inf entries share the mass
        const T share = T(1) / T(std::count(x, x + n, inf));
        for (std::size_t i = 0; i < n; ++i)
            y[i] = x[i] == inf ? (log ? std::log(share) : share) : (log ? -inf : T(0));
        return true;
    }
    return false;
}

// S = sum e^(x_i - m) as a double word (>= 1: the maximum contributes exactly 1), compensated,
// over with_forward_term's terms (rounded where the target fuses fma, else double words):
// log_softmax's results need S to about 2^-p of sum_{i != max} e_i, where a dominant entry's
// result, -log1p of that sum, is tiny.
template <class T>
math::double_word<T> sum_exp(const T* x, std::size_t n, T m)
{
    auto acc = detail::unit_sums<T, 1>();
    const auto sum = [&](auto term) {
        detail::accumulate<T, T, 1>(n, {x}, -std::numeric_limits<T>::infinity(), acc,
                                 [&](detail::dw_sum<T>& a, const auto& b) { a.add_below_one(term(b[0])); });
    };
    detail::with_forward_term(m, sum);
    return detail::total_less_units(acc);
}

// S = sum e^(x_i - m) and sum g_i e^(x_i - m) (dot = true) or sum g_i (dot = false), from one
// pass computed in W (double for float data).
template <class W, class T>
std::pair<math::double_word<W>, math::double_word<W>> sum_exp_and(const T* x, const T* g, std::size_t n, T m,
                                                                  bool dot)
{
    struct acc_t {
        detail::dw_sum<W> s, g;
    };
    std::array<acc_t, 1> acc;
    const batch<W> mb(static_cast<W>(m));
    const auto f = [&](acc_t& a, const auto& b, auto with_dot) {
        if constexpr (sizeof(W) > sizeof(T)) {
            // float data in double: x - m is exact wherever e^(x - m) counts, and a rounded
            // double e^(x - m) (1 ULP) is ample; the products need no low part either
            const batch<W> e = math::exp(b[0] - mb);
            a.s.add(e);
            a.g.add(decltype(with_dot)::value ? b[1] * e : b[1]);
        } else {
            const auto e = detail::exp_term<W, true>(b[0], mb);
            a.s.add(e);
            if constexpr (decltype(with_dot)::value) {
                const auto p = math::two_prod(b[1], e.hi);
                a.g.add(detail::dword<W>{p.hi, math::fma(b[1], e.lo, p.lo)});
            } else {
                a.g.add(b[1]);
            }
        }
    };
    const T pad = -std::numeric_limits<T>::infinity();
    if (dot)
        detail::accumulate<W, T, 2>(n, {x, g}, pad, acc, [&](acc_t& a, const auto& b) { f(a, b, std::true_type{}); });
    else
        detail::accumulate<W, T, 2>(n, {x, g}, pad, acc, [&](acc_t& a, const auto& b) { f(a, b, std::false_type{}); });
    std::array<detail::dw_sum<W>, 1> s{acc[0].s}, gs{acc[0].g};
    return {detail::total(s), detail::total(gs)};
}

// <a, b> (compensated: two_prod and two_sum per term) or sum a (b null), as a double word.
template <class T>
math::double_word<T> dot(const T* a, const T* b, std::size_t n)
{
    std::array<detail::dw_sum<T>, 4> acc;
    if (b)
        detail::accumulate<T, T, 2>(n, {a, b}, T(0), acc,
                                 [](detail::dw_sum<T>& s, const auto& v) { s.add(math::two_prod(v[0], v[1])); });
    else
        detail::accumulate<T, T, 1>(n, {a}, T(0), acc, [](detail::dw_sum<T>& s, const auto& v) { s.add(v[0]); });
    return detail::total(acc);
}

// log S for S >= 1 given as k + s (k >= 1 the entries equal to the maximum, s the sum of the
// others; or S as a double word, k = 1): log1p((k - 1) + s) in L, so that a dominant entry's
// tiny log_softmax (-s) keeps its digits. L: long double for double data (2^-64), double for
// float data (2^-53 is far below float's ULP; glibc's x87 log1pl takes 51 ns a call to log1p's
// 7 on x86, binary128's is software on aarch64: float rows of 1000 were 7% slower with it).
template <class L>
L log_of_sum(L k, L s)
{
    return std::log1p((k - 1) + s);
}

// m + log S as ch + cl in T, cl holding what ch rounds off (to L's precision: 2^-53 or 2^-64 of
// the sum): log_softmax's output pass is then x_i - ch - cl, two operations a batch. x_i - ch is
// exact where it cancels (Sterbenz: the entries next to the maximum, whose results are the
// smallest and which log S alone makes up), so each result is rounded about once: within an
// ULP, plus log S's error. x_i = -inf (or x_i - m beyond T's range) gives -inf.
template <class T, class L>
std::pair<batch<T>, batch<T>> shift_of(T m, L log_s)
{
    const L ml = m;
    const T ch = static_cast<T>(ml + log_s);
    return {batch<T>(ch), batch<T>(static_cast<T>((ml - ch) + log_s))};
}

// The sum of every lane of U batches in a fixed order: the accumulators lane by lane, then the
// lanes pairwise in a tree (not a chain of dependent additions through every lane).
template <class W, std::size_t U>
W sum_lanes(const std::array<batch<W>, U>& acc) noexcept
{
    batch<W> v = acc[0];
    for (std::size_t u = 1; u < U; ++u)
        v += acc[u];
    alignas(64) W l[lanes<W>];
    v.store_aligned(l);
    for (std::size_t w = lanes<W> / 2; w > 0; w /= 2)
        for (std::size_t j = 0; j < w; ++j)
            l[j] += l[j + w];
    return l[0];
}

// Calls step(a batch of each input, y + i, u) over n elements, two batches at a time (u = 0, 1:
// a step's accumulators are the pair u's, independent of the other pair's), then the remaining
// batch and the tail, each input padded with `pad`, through a buffer whose first n - i results
// are copied to y (y null: step stores nothing). The order depends only on n.
template <class T, class Step, class... In>
XACT_INLINE void paired_pass(T* y, std::size_t n, T pad, Step&& step, In... x)
{
    static_assert((std::is_same_v<In, const T*> && ...), "paired_pass: inputs are const T*");
    using V = batch<T>;
    constexpr std::size_t L = lanes<T>;
    const auto out_at = [y](std::size_t k) { return y ? y + k : y; }; // no offset on a null y
    std::size_t i = 0;
    for (; i + 2 * L <= n; i += 2 * L) {
        step(V::load_unaligned(x + i)..., out_at(i), 0);
        step(V::load_unaligned(x + i + L)..., out_at(i + L), 1);
    }
    for (; i + L <= n; i += L)
        step(V::load_unaligned(x + i)..., out_at(i), 0);
    if (i < n && n >= L) { // the last full batch, its lanes before i padded (y = x reads no result)
        const auto fresh = detail::last_lanes<T>(n - i);
        alignas(64) T out[L];
        step(xsimd::select(fresh, V::load_unaligned(x + n - L), V(pad))..., out, 0);
        if (y)
            std::copy(out + (L - (n - i)), out + L, y + i);
    } else if (i < n) {
        const auto padded = [&](const T* p) {
            alignas(64) T buf[L];
            for (std::size_t j = 0; j < L; ++j)
                buf[j] = i + j < n ? p[i + j] : pad;
            return V::load_aligned(buf);
        };
        alignas(64) T out[L];
        step(padded(x)..., out, 0);
        if (y)
            std::copy(out, out + (n - i), y + i);
    }
}

// float data, forward: the pass below computes e_i = e^(x_i - m), sums the e_i in double (four
// accumulators in a fixed order; a double word of float carries no more than a double does, at
// a quarter of the speed) and, for softmax, stores each rounded to float in y (the exponential
// is computed once: the output pass only scales). e_i in float where the target fuses fma:
// divided by E = 2^k e^-m where |m| <= scaled_max_m (scaled_exp: x_i's own reduction, no exact
// x_i - m), else where |m| <= 2^20 as e^(x_i - m) (rounded_shifted_exp), both within 1.1 ULP of
// the term; else in double (x_i - m exact there; the float kernels' exponential, 2^-32,
// math/widen.hpp; x_i = -inf gives e^-200, which adds nothing a float result can hold). For
// log_softmax the k entries equal to the maximum are counted apart from the sum s of the
// others, so that log S = log1p((k - 1) + s) keeps a dominant entry's tiny log_softmax (-s) to
// its last digit (E is taken back in double, to 2^-38 at |m| = 2^15).
template <bool Log, class T> // T = float, where a double batch exists (math::widens_v)
std::pair<double, double> float_exp_pass(const T* x, T* y, std::size_t n, T m)
{
    using W = double;
    using V = batch<T>;
    const V mf(m), one(T(1));
    const batch<W> mb(static_cast<W>(m)), low(-200.0);
    std::array<batch<W>, 4> acc;
    acc.fill(batch<W>(0.0));
    V k(T(0));
    const V lowf(m - T(110));
    // log_softmax: the lanes holding the maximum are counted (in k, or on AVX-512 in k_lanes
    // from the compare's mask: the vector ports are this pass's bottleneck, and the count in a
    // batch plus a select cost it 7%) and both steps leave them out of s
    std::size_t k_lanes = 0;
    const auto others = [&](V v) XACT_INLINE_LAMBDA {
        const auto rest = v != mf;
#if XSIMD_WITH_AVX512F
        if constexpr (std::is_base_of_v<xsimd::avx512f, typename V::arch_type>) {
            using R = typename V::batch_bool_type::register_type;
            k_lanes += lanes<T> - std::size_t(__builtin_popcount(unsigned(R(rest))));
            return rest;
        }
#endif
        k += xsimd::select(rest, V(T(0)), one);
        return rest;
    };
    // the pass over x, storing in y for softmax only
    const auto pass = [&](const auto& step) XACT_INLINE_LAMBDA {
        paired_pass(Log ? nullptr : y, n, -std::numeric_limits<T>::infinity(), step, x);
    };
    // e_i in float: 16 lanes to an AVX-512 register where the exponential in double takes two
    // halves of 8 (this pass 1.3-1.5 times as fast); term(v, lanes to keep) gives them
    const auto in_float = [&](auto term) XACT_INLINE_LAMBDA {
        const auto step = [&](V v, T* out, std::size_t u) XACT_INLINE_LAMBDA {
            const V e = term(v, Log ? others(v) : typename V::batch_bool_type(true));
            const auto w = math::widen(e);
            acc[2 * u] += w.lo;
            acc[2 * u + 1] += w.hi;
            if constexpr (!Log)
                e.store_unaligned(out);
        };
        pass(step);
    };
    const auto wide_step = [&](V v, T* out, std::size_t u) XACT_INLINE_LAMBDA {
        if constexpr (Log)
            v = xsimd::select(others(v), v, V(-std::numeric_limits<T>::infinity()));
        const auto w = math::widen(v);
        const batch<W> lo = math::wide_exp(xsimd::max(w.lo - mb, low));
        const batch<W> hi = math::wide_exp(xsimd::max(w.hi - mb, low));
        acc[2 * u] += lo;
        acc[2 * u + 1] += hi;
        if constexpr (!Log)
            math::narrow(lo, hi).store_unaligned(out);
    };
    W e_factor = 1; // log_softmax: E, where the terms were divided by it (softmax needs no E)
    if constexpr (math::has_fused_fma) {
        if (std::abs(m) <= detail::scaled_max_m) {
            // e^(x_i - m) / E: 1.2-1.3 times as fast again (scaled_exp)
            const T kf = std::nearbyint(-m * T(1.4426950408889634));
            const V kb(kf);
            in_float([&](V v, auto keep) XACT_INLINE_LAMBDA { return detail::scaled_exp(v, lowf, kb, keep); });
            if constexpr (Log)
                e_factor = std::exp(-static_cast<W>(m) - static_cast<W>(kf) * 0.69314718055994530942); // to 2^-38
        } else if (std::abs(m) <= detail::clamp_max_m<T>) {
            in_float([&](V v, auto keep) XACT_INLINE_LAMBDA { return detail::rounded_shifted_exp(v, mf, lowf, keep); });
        } else {
            pass(wide_step);
        }
    } else {
        pass(wide_step);
    }
    // k: exact (an integer below 2^24 per lane); softmax divides the stored terms by their own
    // sum, log_softmax's s is the sum of e^(x_i - m)
    const W sum = sum_lanes(acc);
    return {Log ? sum * e_factor : sum, static_cast<W>(xsimd::hadd(k)) + static_cast<W>(k_lanes)};
}

// float softmax: e_i from the pass above (e^(x_i - m), or that over E), rounded to float in y,
// then y_i = e_i / S (S their sum): with a fused fma, e_i (ih + il) for 1/S = ih + il + O(2^-48)
// in floats, one rounding; else e_i times 1/S in double, rounded to float (once but where the
// double product lies within 2^-29 ULP of a float midpoint). The stored e_i's error (up to 1.1
// ULP of e_i, above; up to twice that in ULP of y_i, whose significand may lie next to 2 where
// e_i's lies next to 1) and y_i's rounding: within 2.7 ULP in all (2.67 measured over 12000
// random vectors, 1.95 by xact-accuracy; 2.1 and 1.76 with e^(x_i - m), whose significand
// follows y_i's where S ~ 1; 1.36 with the exponential in double, at 1/1.8 the speed).
template <class T>
void softmax_forward_float(const T* x, T* y, std::size_t n, T m)
{
    const double inv = 1 / float_exp_pass<false>(x, y, n, m).first;
    if constexpr (math::has_fused_fma) {
        const batch<T> ih(static_cast<T>(inv)), il(static_cast<T>(inv - static_cast<T>(inv)));
        detail::transform_as<T>([&](batch<T> v, batch<T>) XACT_INLINE_LAMBDA { return math::fma(v, ih, v * il); },
                                n, {y, y}, y);
    } else {
        const batch<double> inv_b(inv);
        detail::transform_as<double>([&](batch<double> v, batch<double>) XACT_INLINE_LAMBDA { return v * inv_b; },
                                     n, {y, y}, y);
    }
}

// float log_softmax: x_i - (m + log S) by shift_of, in float (two operations per 16 lanes; the
// output pass in double took 11 with the conversions).
template <class T>
void log_softmax_forward_float(const T* x, T* y, std::size_t n, T m)
{
    const auto [s, k] = float_exp_pass<true>(x, y, n, m);
    const auto c = shift_of(m, log_of_sum(k, s)); // not a structured binding: lambdas cannot capture one in C++17
    detail::transform_as<T>([&](batch<T> v, batch<T>) XACT_INLINE_LAMBDA { return (v - c.first) - c.second; }, n,
                            {x, x}, y);
}

// softmax of data computed in its own type (double, and float without a double batch): e_i =
// e^(x_i - m) rounded (rounded_shifted_exp, within 1.1 ULP, where the target fuses fma and
// |m| <= clamp_max_m; else a double word, exp_term's 2^-56 relative, 0 below sum_limit), summed
// compensated, and stored rounded in y; then y_i = e_i / S with 1/S a double word (one fma).
// As softmax_forward_float: e_i's error (up to 1.1 ULP, 0.5 from a double word) counts in y_i's,
// within 2.7 ULP in all (double: 1.64 measured by xact-accuracy, 1.89 over 12000 random
// vectors; 1.5 with double words, at 1/1.5 the speed: softmax of doubles was 0.8x Eigen's with
// them), for one exponential per element instead of two.
template <class T>
void softmax_forward_once(const T* x, T* y, std::size_t n, T m)
{
    using V = batch<T>;
    auto acc = detail::unit_sums<T, 2>();
    detail::with_forward_term(m, [&](auto term) {
        const auto step = [&](const V& v, T* out, std::size_t u) XACT_INLINE_LAMBDA {
            const auto e = term(v);
            acc[u].add_below_one(e);
            if constexpr (std::is_same_v<std::decay_t<decltype(e)>, V>)
                e.store_unaligned(out);
            else
                (e.hi + e.lo).store_unaligned(out);
        };
        paired_pass(y, n, -std::numeric_limits<T>::infinity(), step, x);
    });
    const auto s = detail::total_less_units(acc); // >= 1
    // 1/S = ih + il: the residual 1 - ih S is exact (fma) up to its S.lo part
    const T ih = T(1) / s.hi;
    const T il = (math::fma(-ih, s.hi, T(1)) - ih * s.lo) * ih;
    detail::transform_as<T>([&](V v, V) XACT_INLINE_LAMBDA { return math::fma(v, V(ih), v * V(il)); }, n, {y, y},
                            y);
}

// y = softmax(x) or log_softmax(x); y may be x.
template <class T>
void softmax_forward(const T* x, T* y, std::size_t n, bool log, bool masked_zero)
{
    if (n == 0)
        return;
    const auto s = summarize(x, n);
    if (special_vector(s, x, y, n, masked_zero, log))
        return;
    if constexpr (std::is_same_v<T, float> && math::widens_v<batch<float>>) {
        if (log)
            log_softmax_forward_float(x, y, n, s.max);
        else
            softmax_forward_float(x, y, n, s.max);
        return;
    }
    if (!log) {
        softmax_forward_once(x, y, n, s.max);
        return;
    }
    const auto sum = sum_exp(x, n, s.max);
    const auto c = shift_of(s.max, log_of_sum(1.0L, (static_cast<long double>(sum.hi) - 1) + sum.lo));
    detail::transform_as<T>([&](batch<T> v, batch<T>) XACT_INLINE_LAMBDA { return (v - c.first) - c.second; }, n,
                            {x, x}, y);
}

// <a, b> of float data in double: the products of floats are exact there, and
// each sum errs by 2^-53 of the running total (a better bound than a double word of float,
// whose compensated sum errs by (n 2^-24)^2 of the terms, for less work). Four accumulators,
// combined in a fixed order: the result depends on n only.
template <class T> // float, where a double batch exists (math::widens_v)
double wide_dot(const T* a, const T* b, std::size_t n)
{
    using W = double;
    using V = batch<T>;
    std::array<batch<W>, 4> acc;
    acc.fill(batch<W>(0.0));
    const auto step = [&](const V& u, const V& v, T*, std::size_t k) XACT_INLINE_LAMBDA {
        const auto wu = math::widen(u), wv = math::widen(v);
        acc[2 * k] = math::fma(wu.lo, wv.lo, acc[2 * k]);
        acc[2 * k + 1] = math::fma(wu.hi, wv.hi, acc[2 * k + 1]);
    };
    paired_pass(static_cast<T*>(nullptr), n, T(0), step, a, b);
    return sum_lanes(acc);
}

// dx from the output y and dy (dx may be y or dy).
template <class T>
void softmax_backward_from_output(const T* y, const T* dy, T* dx, std::size_t n, bool log)
{
    if (!log) {
        // y_i (dy_i - s), s = <y, dy> = sh + sl (float data: summed in double; else compensated),
        // as fma(y_i, dy_i - sh, -y_i sl): where dy_i - s cancels, dy_i - sh is exact (Sterbenz)
        // and the result is rounded about once; where dy_i - sh rounds, |dy_i - sh| >= |sh|/2,
        // so that its rounding costs at most an ULP of the result: within 1.5 ULP (2.5 without
        // a fused fma; bound 4), in three operations a batch where the exact two-sum and
        // product took eleven (0.50 ULP)
        using V = batch<T>;
        T sh, sl;
        if constexpr (std::is_same_v<T, float> && math::widens_v<batch<float>>) {
            const double s = wide_dot(y, dy, n);
            sh = static_cast<T>(s);
            sl = static_cast<T>(s - sh);
        } else {
            const auto s = dot(y, dy, n);
            sh = s.hi;
            sl = s.lo;
        }
        const V vh(sh), vl(sl);
        detail::transform_as<T>([&](V v, V g) XACT_INLINE_LAMBDA { return math::fma(v, g - vh, math::neg(v * vl)); },
                                n, {y, dy}, dx);
        return;
    }
    // dy_i - e^(y_i) sum dy, with e^(y_i) and the product kept as double words
    std::array<strided<const T>, 2> in{strided<const T>{y, 1}, strided<const T>{dy, 1}};
    const auto sdy = detail::splat<T>(dot<T>(dy, nullptr, n));
    transform<T, 2>(
        [&](batch<T> v, batch<T> g) XACT_INLINE_LAMBDA {
            const auto e = math::exp_split(v);
            return detail::minus(g, detail::scale_pow2(detail::mul(e.m(), sdy), e.n));
        },
        n, in, {dx, 1});
}

// dx from x and dy (dx may be x or dy).
template <class T>
void softmax_backward(const T* x, const T* dy, T* dx, std::size_t n, bool log, bool masked_zero)
{
    if (n == 0)
        return;
    const auto s = summarize(x, n);
    // Special vectors: y is known in closed form; take it from the forward pass.
    if (s.special()) {
        std::vector<T> y(n);
        special_vector(s, x, y.data(), n, masked_zero, log);
        softmax_backward_from_output(y.data(), dy, dx, n, log);
        return;
    }
    // The sums in double even for float data: where dy_i - s (or dy_i - y_i sum dy) nearly
    // cancels, the error of s (of y_i) is magnified up to 2^20 times, more than float's exp
    // (2^-27 relative) can afford.
    using W = double;
    const auto sums = sum_exp_and<W>(x, dy, n, s.max, !log);
    // log: c = sum dy / S; softmax: s = sum dy_j e_j / S = <dy, y>
    const auto c = detail::divide(sums.second, sums.first);
    const batch<T> mb(s.max);
    std::array<strided<const T>, 2> in{strided<const T>{x, 1}, strided<const T>{dy, 1}};
    if (log) {
        if constexpr (std::is_same_v<T, float>) {
            // dy_i - e^(x_i - m) c in double (x_i - m exact there wherever e^(x_i - m) counts),
            // rounded to float once the cancellation is done
            const batch<W> md(static_cast<W>(s.max)), ch(c.hi);
            detail::transform_as<W>(
                [&](batch<W> v, batch<W> g) { return math::fma(math::neg(math::exp(v - md)), ch, g); }, n, {x, dy},
                dx);
        } else {
            // dy_i - (e_i c) 2^n_i, the product a double word, e_i (and S) to about 2^-76
            const auto cw = detail::splat<T>(c);
            transform<T, 2>(
                [&](batch<T> v, batch<T> g) XACT_INLINE_LAMBDA {
                    const auto e = detail::exp_shifted_precise(v, mb);
                    return detail::minus(g, detail::scale_pow2(detail::mul(e.mantissa, cw), e.n));
                },
                n, in, {dx, 1});
        }
    } else if constexpr (std::is_same_v<T, float> && math::widens_v<batch<float>>) {
        // float: e_i (dy_i - s) / S in double, rounded once: dy_i - s with s a double word errs
        // by 2^-53 (|dy_i| + |s|), 2^-33 of the result where it cancels by 2^20; e_i needs only
        // the float kernels' exponential (its error is not magnified)
        const batch<W> md(static_cast<W>(s.max)), ch(c.hi), cl(c.lo);
        const batch<W> inv(1 / (sums.first.hi + sums.first.lo));
        detail::transform_as<W>(
            [&](batch<W> v, batch<W> g) {
                return (detail::wide_shifted_exp<T>(v - md) * inv) * ((g - ch) - cl);
            },
            n, {x, dy}, dx);
    } else {
        // (e_i (dy_i - s) / S) 2^n_i with dy_i - s a double word
        const auto narrow = [](math::double_word<W> v) {
            const T hi = static_cast<T>(v.hi);
            return detail::splat<T>({hi, static_cast<T>((v.hi - static_cast<W>(hi)) + v.lo)});
        };
        const auto st = narrow(sums.first), sw = narrow(c);
        const batch<T> inv = math::div(batch<T>(T(1)), st.hi);
        transform<T, 2>(
            [&](batch<T> v, batch<T> g) XACT_INLINE_LAMBDA {
                const auto e = detail::exp_shifted(v, mb);
                const auto t = math::two_sum(g, math::neg(sw.hi));
                const detail::dword<T> diff{t.hi, t.lo - sw.lo};
                return math::detail::scale_pow2(detail::divide(detail::mul(e.mantissa, diff), st, inv), e.n);
            },
            n, in, {dx, 1});
    }
}

} // namespace xact::engine
