// softmax and log_softmax over one vector: the reductions (max, compensated sums, dot
// products) and the passes that use them. Vectors are contiguous here; the operations gather
// strided vectors into a buffer first.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "../math/exp.hpp"
#include "loop.hpp"

namespace xact::engine {

namespace detail {

// Kahan-compensated per-lane sum.
template <class T>
struct compensated_sum {
    batch<T> sum = batch<T>(T(0)), carry = batch<T>(T(0));
    XACT_INLINE void add(batch<T> v) noexcept
    {
        const batch<T> y = v - carry;
        const batch<T> t = sum + y;
        carry = (t - sum) - y;
        sum = t;
    }
    double total() const noexcept
    {
        alignas(64) T s[lanes<T>], c[lanes<T>];
        sum.store_aligned(s);
        carry.store_aligned(c);
        double r = 0;
        for (std::size_t j = 0; j < lanes<T>; ++j)
            r += double(s[j]) - double(c[j]);
        return r;
    }
};

// Calls f(batch of in_0, ...) over n elements of K contiguous arrays; the padded tail lanes
// hold `pad`.
template <class T, std::size_t K, class F>
XACT_INLINE void for_batches(std::size_t n, const std::array<const T*, K>& in, T pad, F&& f)
{
    constexpr std::size_t L = lanes<T>;
    std::size_t i = 0;
    for (; i + L <= n; i += L) {
        std::array<batch<T>, K> b;
        for (std::size_t k = 0; k < K; ++k)
            b[k] = batch<T>::load_unaligned(in[k] + i);
        f(b);
    }
    if (i < n) {
        alignas(64) T buf[K][L];
        std::array<batch<T>, K> b;
        for (std::size_t k = 0; k < K; ++k) {
            for (std::size_t j = 0; j < L; ++j)
                buf[k][j] = i + j < n ? in[k][i + j] : (k == 0 ? pad : T(0));
            b[k] = batch<T>::load_aligned(buf[k]);
        }
        f(b);
    }
}

// x - m exactly, as hi + lo (Knuth's two-difference). The low part is 0 where x = -inf (it
// would be inf - inf).
template <class T>
XACT_INLINE math::double_word<batch<T>> exact_difference(batch<T> x, batch<T> m) noexcept
{
    const batch<T> d = x - m;
    const batch<T> bb = d - x;
    const batch<T> lo = (x - (d - bb)) - (m + bb);
    return {d, xsimd::select(xsimd::isnan(lo), batch<T>(T(0)), lo)};
}

// e^(x - m) from the exact difference: a rounded x - m would cost |x - m|/2 ULP.
template <class T>
XACT_INLINE batch<T> exp_shifted(batch<T> x, batch<T> m) noexcept
{
    return math::exp(exact_difference(x, m));
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
    batch<T> m(-inf);
    auto nan = xsimd::isnan(batch<T>(T(0)));
    auto pinf = batch<T>(T(0));
    detail::for_batches<T, 1>(n, {x}, -inf, [&](const auto& b) {
        m = xsimd::select(b[0] > m, b[0], m);
        nan = nan | xsimd::isnan(b[0]);
        pinf = pinf + xsimd::select(b[0] == batch<T>(inf), batch<T>(T(1)), batch<T>(T(0)));
    });
    alignas(64) T lane_max[lanes<T>];
    m.store_aligned(lane_max);
    T mx = -inf;
    for (T v : lane_max)
        mx = v > mx ? v : mx;
    return {mx, xsimd::any(nan), static_cast<std::size_t>(xsimd::hadd(pinf))};
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

// sum e^(x_i - m), as the number of entries equal to m (each contributing exactly 1) plus the
// rest: log s = log1p(rest) keeps the tiny log_softmax of a dominant entry accurate.
struct exp_sum {
    double count = 0, rest = 0;
    double total() const noexcept { return count + rest; }
    double log() const noexcept { return count == 1 ? std::log1p(rest) : std::log(count + rest); }
};

template <class T>
exp_sum sum_exp(const T* x, std::size_t n, T m)
{
    detail::compensated_sum<T> rest;
    const batch<T> mb(m), zero(T(0)), one(T(1));
    batch<T> count(T(0));
    detail::for_batches<T, 1>(n, {x}, -std::numeric_limits<T>::infinity(), [&](const auto& b) {
        const auto is_max = b[0] == mb;
        rest.add(xsimd::select(is_max, zero, detail::exp_shifted(b[0], mb)));
        count += xsimd::select(is_max, one, zero);
    });
    return {static_cast<double>(xsimd::hadd(count)), rest.total()};
}

template <class T>
double dot_exp(const T* x, const T* g, std::size_t n, T m)
{
    detail::compensated_sum<T> s;
    const batch<T> mb(m);
    detail::for_batches<T, 2>(n, {x, g}, -std::numeric_limits<T>::infinity(),
                              [&](const auto& b) { s.add(b[1] * detail::exp_shifted(b[0], mb)); });
    return s.total();
}

template <class T>
double dot(const T* a, const T* b, std::size_t n)
{
    detail::compensated_sum<T> s;
    detail::for_batches<T, 2>(n, {a, b}, T(0), [&](const auto& v) { s.add(v[0] * v[1]); });
    return s.total();
}

template <class T>
double sum(const T* a, std::size_t n)
{
    detail::compensated_sum<T> s;
    detail::for_batches<T, 1>(n, {a}, T(0), [&](const auto& v) { s.add(v[0]); });
    return s.total();
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
    const exp_sum total = sum_exp(x, n, s.max);
    const batch<T> mb(s.max);
    if (log) {
        const batch<T> ls(static_cast<T>(total.log()));
        // (x - m) - log s with x - m exact: (hi - log s) + lo
        transform<T, 1>(
            [&](batch<T> v) {
                const auto d = detail::exact_difference(v, mb);
                return (d.hi - ls) + d.lo;
            },
            n, {strided<const T>{x, 1}}, {y, 1});
    } else {
        const batch<T> st(static_cast<T>(total.total()));
        transform<T, 1>([&](batch<T> v) { return detail::exp_shifted(v, mb) / st; }, n, {strided<const T>{x, 1}}, {y, 1});
    }
}

// dx from the output y and dy (dx may be y or dy).
template <class T>
void softmax_backward_from_output(const T* y, const T* dy, T* dx, std::size_t n, bool log)
{
    std::array<strided<const T>, 2> in{strided<const T>{y, 1}, strided<const T>{dy, 1}};
    if (log) {
        const batch<T> sdy(static_cast<T>(sum(dy, n)));
        transform<T, 2>([&](batch<T> v, batch<T> g) { return g - math::exp(v) * sdy; }, n, in, {dx, 1});
    } else {
        const batch<T> d(static_cast<T>(dot(y, dy, n)));
        transform<T, 2>([&](batch<T> v, batch<T> g) { return v * (g - d); }, n, in, {dx, 1});
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
    const batch<T> mb(s.max);
    const double total = sum_exp(x, n, s.max).total();
    const batch<T> st(static_cast<T>(total));
    std::array<strided<const T>, 2> in{strided<const T>{x, 1}, strided<const T>{dy, 1}};
    if (log) {
        const batch<T> sdy(static_cast<T>(sum(dy, n)));
        transform<T, 2>([&](batch<T> v, batch<T> g) { return g - (detail::exp_shifted(v, mb) / st) * sdy; }, n, in, {dx, 1});
    } else {
        const batch<T> d(static_cast<T>(dot_exp(x, dy, n, s.max) / total));
        transform<T, 2>([&](batch<T> v, batch<T> g) { return (detail::exp_shifted(v, mb) / st) * (g - d); }, n, in, {dx, 1});
    }
}

} // namespace xact::engine
