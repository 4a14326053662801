// softmax and log_softmax over one vector: the reductions (max, compensated sums, dot
// products) and the passes that use them. Vectors are contiguous here; the operations gather
// strided vectors into a buffer first.
//
// Every output element is rounded once from double-word intermediates, so its error is about
// half an ULP plus the exp polynomial's (measured by xact-accuracy --softmax, tests/accuracy); the
// one exception is softmax forward, which stores each e_i rounded in y and then scales it, so as
// to compute it once (within 1.5 ULP; softmax_forward_float, softmax_forward_once):
//   e_i = e^(x_i - m) = (1 + p_i) 2^n_i is kept as a double word (math::exp_split), with x_i - m
//   exact; S = sum e_i is a compensated sum of those double words (two_sum per term).
//   softmax      y_i = round(e_i) / S, by a product with 1/S.
//   log_softmax  y_i = (x_i - m) - log S, both double words (no cancellation: both <= 0).
//   softmax backward      dx_i = y_i (dy_i - s), s = <dy, y> = (sum dy_j e_j) / S: the dot
//                         product compensated (two_prod + two_sum), s and dy_i - s double words.
//   log_softmax backward  dx_i = dy_i - e_i (sum dy) / S, the product a double word.
// The backward passes in double take e_i (and S) from math::exp_split_precise, 2^-76 relative
// instead of exp_split's 2^-56: where dx_i cancels by up to 2^20 that error comes through
// magnified as much, and 4 ULP there needs about 2^-73. (Float data is computed in double.)
// Reductions run per SIMD lane in a fixed order and are combined in a fixed order: a vector's
// results depend on its length but not on alignment, and body and tail lanes compute alike.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "../math/double_word.hpp"
#include "../math/exp.hpp"
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
    XACT_INLINE void add(batch<T> v) noexcept
    {
        const auto s = math::two_sum(hi, v);
        hi = s.hi;
        lo += s.lo;
    }
    XACT_INLINE void add(dword<T> v) noexcept
    {
        const auto s = math::two_sum(hi, v.hi);
        hi = s.hi;
        lo += s.lo + v.lo;
    }
};

// The total of several per-lane sums, in a fixed order (accumulator by accumulator, lane by
// lane), as a normalised double word of T.
template <class T, std::size_t U>
math::double_word<T> total(const std::array<dw_sum<T>, U>& acc) noexcept
{
    T hi = 0, lo = 0;
    for (const auto& a : acc) {
        alignas(64) T h[lanes<T>], l[lanes<T>];
        a.hi.store_aligned(h);
        a.lo.store_aligned(l);
        for (std::size_t j = 0; j < lanes<T>; ++j) {
            const auto s = math::two_sum(hi, h[j]);
            hi = s.hi;
            lo += s.lo + l[j];
        }
    }
    return math::fast_two_sum(hi, lo);
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
    if (i < n) {
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
    std::size_t i = 0;
    for (; i + L <= n; i += L)
        f(V::load_unaligned(in[0] + i), V::load_unaligned(in[1] + i)).store_unaligned(out + i);
    if (i < n) {
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
// denormal result is rounded once.
template <class T>
XACT_INLINE dword<T> scale_pow2(dword<T> v, batch<T> n) noexcept
{
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

// e^(x - m) as a double word for the sums (0 below sum_limit and at x = -inf); Precise: by
// exp_shifted_precise (T = double).
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
    const batch<T> zero(T(0));
    const auto v = scale_pow2(mant, n);
    const auto drop = d.hi < batch<T>(sum_limit<T>);
    return {xsimd::select(drop, zero, v.hi), xsimd::select(drop, zero, v.lo)};
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
    std::size_t infinite; // entries equal to +inf
};

template <class T>
vector_summary<T> summarize(const T* x, std::size_t n)
{
    const T inf = std::numeric_limits<T>::infinity();
    struct acc_t {
        batch<T> m = batch<T>(-std::numeric_limits<T>::infinity());
        batch<T> pinf = batch<T>(T(0));
        xsimd::batch_bool<T> nan = batch<T>(T(0)) != batch<T>(T(0));
    };
    std::array<acc_t, 1> acc;
    detail::accumulate<T, T, 1>(n, {x}, -inf, acc, [&](acc_t& a, const auto& b) {
        a.m = xsimd::select(b[0] > a.m, b[0], a.m);
        a.nan = a.nan | xsimd::isnan(b[0]);
        a.pinf = a.pinf + xsimd::select(b[0] == batch<T>(inf), batch<T>(T(1)), batch<T>(T(0)));
    });
    alignas(64) T lane_max[lanes<T>];
    acc[0].m.store_aligned(lane_max);
    T mx = -inf;
    for (T v : lane_max)
        mx = v > mx ? v : mx;
    return {mx, xsimd::any(acc[0].nan), static_cast<std::size_t>(xsimd::hadd(acc[0].pinf))};
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
    if (s.infinite > 0) { // the limit: the +inf entries share the mass
        const T share = T(1) / T(s.infinite);
        for (std::size_t i = 0; i < n; ++i)
            y[i] = x[i] == inf ? (log ? std::log(share) : share) : (log ? -inf : T(0));
        return true;
    }
    return false;
}

// S = sum e^(x_i - m) as a double word (>= 1: the maximum contributes exactly 1).
template <class T>
math::double_word<T> sum_exp(const T* x, std::size_t n, T m)
{
    std::array<detail::dw_sum<T>, 1> acc;
    const batch<T> mb(m);
    detail::accumulate<T, T, 1>(n, {x}, -std::numeric_limits<T>::infinity(), acc,
                             [&](detail::dw_sum<T>& a, const auto& b) { a.add(detail::exp_term(b[0], mb)); });
    return detail::total(acc);
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

// log S for S >= 1 as a double word of T: log1p(S - 1) in long double, so that a dominant
// entry's tiny log_softmax keeps its digits (S - 1 is exact in long double).
template <class T>
math::double_word<T> log_of_sum(math::double_word<T> s)
{
    const long double l = std::log1p((static_cast<long double>(s.hi) - 1) + static_cast<long double>(s.lo));
    const T hi = static_cast<T>(l);
    return {hi, static_cast<T>(l - hi)};
}

// The sum of every lane of U batches, accumulator by accumulator, lane by lane (a fixed order).
template <class W, std::size_t U>
W sum_lanes(const std::array<batch<W>, U>& acc) noexcept
{
    alignas(64) W lane_values[lanes<W>];
    W s = 0;
    for (const auto& a : acc) {
        a.store_aligned(lane_values);
        for (W v : lane_values)
            s += v;
    }
    return s;
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
    if (i < n) {
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

// float data, forward: the exponentials in double, one rounding to float per output. A double
// word of float carries no more than a double does, at a quarter of the speed; double's 2^-53 per
// operation and the float kernels' exponential (2^-32, math/widen.hpp) leave each e_i within
// 2^-31 or so. The pass below computes e_i = e^(x_i - m) (x_i - m exact in double; x_i = -inf
// gives e^-200, which adds nothing a float result can hold), sums the e_i in double, four
// accumulators in a fixed order, and, for softmax, stores each rounded to float in y (the
// exponential is computed once: the output pass only scales). For log_softmax the k entries
// equal to the maximum are counted apart from the sum s of the others, so that
// log S = log1p((k - 1) + s) keeps a dominant entry's tiny log_softmax (-s) to its last digit.
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
    const auto step = [&](V v, T* out, std::size_t u) XACT_INLINE_LAMBDA {
        if constexpr (Log) { // the maxima counted in k, left out of s
            const auto top = v == mf;
            k += xsimd::select(top, one, V(T(0)));
            v = xsimd::select(top, V(-std::numeric_limits<T>::infinity()), v);
        }
        const auto w = math::widen(v);
        const batch<W> lo = math::wide_exp(xsimd::max(w.lo - mb, low));
        const batch<W> hi = math::wide_exp(xsimd::max(w.hi - mb, low));
        acc[2 * u] += lo;
        acc[2 * u + 1] += hi;
        if constexpr (!Log)
            math::narrow(lo, hi).store_unaligned(out);
    };
    paired_pass(Log ? nullptr : y, n, -std::numeric_limits<T>::infinity(), step, x);
    return {sum_lanes(acc), static_cast<W>(xsimd::hadd(k))}; // k: exact (an integer below 2^24 per lane)
}

// float softmax: e_i from the pass above, rounded to float in y, then y_i = e_i / S: e_i times
// 1/S in double, rounded to float (once but where the double product lies within 2^-29 ULP of a
// float midpoint). The stored e_i's rounding is half an ULP of e_i, up to one ULP of y_i: within
// 1.5 ULP in all, at nearly twice the speed of computing e_i again for the output (0.5 ULP).
// (A double word of float and an fma would spare the conversions, but its low word turns a
// last-bit difference of S, whose lanes an AVX-512 build adds in another order than an AVX2
// build, into a different result 64 times as often.)
template <class T>
void softmax_forward_float(const T* x, T* y, std::size_t n, T m)
{
    const batch<double> inv(1 / float_exp_pass<false>(x, y, n, m).first);
    detail::transform_as<double>([&](batch<double> v, batch<double>) XACT_INLINE_LAMBDA { return v * inv; }, n,
                                 {y, y}, y);
}

// float log_softmax: (x_i - m) - log S in double (x_i - m exact), rounded once: 0.5 ULP plus a
// few hundredths.
template <class T>
void log_softmax_forward_float(const T* x, T* y, std::size_t n, T m)
{
    using W = double;
    const auto [s, k] = float_exp_pass<true>(x, y, n, m);
    const batch<W> mb(static_cast<W>(m)), ls(std::log1p((k - 1) + s));
    detail::transform_as<W>([&](batch<W> v, batch<W>) XACT_INLINE_LAMBDA { return (v - mb) - ls; }, n, {x, x}, y);
}

// softmax of data computed in its own type (double, and float without a double batch): e_i =
// e^(x_i - m) as a double word (exp_term: 2^-56 relative, 0 below sum_limit), summed
// compensated, and stored rounded in y; then y_i = e_i / S with 1/S a double word (one fma).
// As softmax_forward_float: e_i's rounding costs up to one ULP of y_i, within 1.5 ULP in all,
// for one exponential per element instead of two.
template <class T>
void softmax_forward_once(const T* x, T* y, std::size_t n, T m)
{
    using V = batch<T>;
    const V mb(m);
    std::array<detail::dw_sum<T>, 2> acc;
    const auto step = [&](const V& v, T* out, std::size_t u) XACT_INLINE_LAMBDA {
        const auto e = detail::exp_term(v, mb);
        acc[u].add(e);
        (e.hi + e.lo).store_unaligned(out);
    };
    paired_pass(y, n, -std::numeric_limits<T>::infinity(), step, x);
    const auto s = detail::total(acc); // >= 1
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
    const batch<T> mb(s.max);
    const auto ls = detail::splat<T>(log_of_sum(sum_exp(x, n, s.max)));
    // (x - m) - log S: x - m exact, both terms <= 0, one rounding at the end
    transform<T, 1>(
        [&](batch<T> v) XACT_INLINE_LAMBDA {
            const auto d = detail::exact_difference(v, mb);
            const auto r = math::two_sum(d.hi, math::neg(ls.hi));
            // x - m = -inf (x = -inf, or x - m beyond T's range, as -max - max): -inf, the
            // correctly rounded result (r.lo is NaN there)
            return xsimd::select(d.hi == batch<T>(-std::numeric_limits<T>::infinity()), d.hi,
                                 r.hi + ((r.lo + d.lo) - ls.lo));
        },
        n, {strided<const T>{x, 1}}, {y, 1});
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
    if constexpr (std::is_same_v<T, float> && math::widens_v<batch<float>> && math::has_fused_fma) {
        if (!log) {
            // y_i (dy_i - s): dy_i - s_hi = t + e exactly (two_sum), s = s_hi + s_lo, and
            // y_i t + y_i (e - s_lo) with one rounding (the fma)
            using V = batch<T>;
            const double s = wide_dot(y, dy, n);
            const T sh = static_cast<T>(s), sl = static_cast<T>(s - sh);
            detail::transform_as<T>(
                [&](V v, V g) XACT_INLINE_LAMBDA {
                    const auto t = math::two_sum(g, V(-sh));
                    return math::fma(v, t.hi, v * (t.lo - V(sl)));
                },
                n, {y, dy}, dx);
            return;
        }
    }
    std::array<strided<const T>, 2> in{strided<const T>{y, 1}, strided<const T>{dy, 1}};
    if (log) {
        // dy_i - e^(y_i) sum dy, with e^(y_i) and the product kept as double words
        const auto sdy = detail::splat<T>(dot<T>(dy, nullptr, n));
        transform<T, 2>(
            [&](batch<T> v, batch<T> g) XACT_INLINE_LAMBDA {
                const auto e = math::exp_split(v);
                return detail::minus(g, detail::scale_pow2(detail::mul(e.m(), sdy), e.n));
            },
            n, in, {dx, 1});
    } else {
        // y_i (dy_i - s) with dy_i - s a double word
        const auto sd = detail::splat<T>(dot(y, dy, n));
        transform<T, 2>(
            [&](batch<T> v, batch<T> g) XACT_INLINE_LAMBDA {
                const auto t = math::two_sum(g, math::neg(sd.hi));
                const auto p = math::two_prod(v, t.hi);
                return p.hi + math::fma(v, t.lo - sd.lo, p.lo);
            },
            n, in, {dx, 1});
    }
}

// dx from x and dy (dx may be x or dy).
template <class T>
void softmax_backward(const T* x, const T* dy, T* dx, std::size_t n, bool log, bool masked_zero)
{
    if (n == 0)
        return;
    const auto s = summarize(x, n);
    // Special vectors: y is known in closed form; take it from the forward pass.
    const bool special = s.has_nan || s.max == -std::numeric_limits<T>::infinity() || s.infinite > 0;
    if (special) {
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
