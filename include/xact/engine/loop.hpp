// The element-wise loop: walks K input arrays and one output in SIMD batches, contiguous or
// strided, and finishes the tail with the same batch code on a zero-padded buffer, so that an
// element's result never depends on its position, the length or the alignment.
// Knows nothing of activations: `op` maps K batches to one batch.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

#include <xsimd/xsimd.hpp>

#include "../config.hpp"

namespace xact::engine {

template <class T>
using batch = xsimd::batch<T>;

template <class T>
inline constexpr std::size_t lanes = batch<T>::size;

// A 1-D strided array: element i is at p[i * stride].
template <class T>
struct strided {
    T* p;
    std::ptrdiff_t stride;
};

namespace detail {

template <class T, std::size_t K, class Op, std::size_t... I>
XACT_INLINE batch<T> apply_loaded(Op& op, const std::array<strided<const T>, K>& in, std::size_t i,
                                  std::index_sequence<I...>)
{
    return op(batch<T>::load_unaligned(in[I].p + i)...);
}

template <class T, std::size_t K, class Op, std::size_t... I>
XACT_INLINE batch<T> apply_buffered(Op& op, const T (&buf)[K ? K : 1][lanes<T>], std::index_sequence<I...>)
{
    return op(batch<T>::load_unaligned(buf[I])...);
}

} // namespace detail

// out[i] = op(in_0[i], ..., in_{K-1}[i]) for i < n.
template <class T, std::size_t K, class Op>
void transform(Op op, std::size_t n, const std::array<strided<const T>, K>& in, strided<T> out)
{
    constexpr std::size_t L = lanes<T>;
    const auto seq = std::make_index_sequence<K>{};
    bool contiguous = out.stride == 1;
    for (const auto& a : in)
        contiguous = contiguous && a.stride == 1;

    std::size_t i = 0;
    if (contiguous) {
        // Local copies: the stores below may alias anything (the intrinsics' types), which
        // would make the compiler reload the pointers from `in` every batch.
        const std::array<strided<const T>, K> src = in;
        T* const dst = out.p;
        for (; i + 2 * L <= n; i += 2 * L) {
            const batch<T> a = detail::apply_loaded<T, K>(op, src, i, seq);
            const batch<T> b = detail::apply_loaded<T, K>(op, src, i + L, seq);
            a.store_unaligned(dst + i);
            b.store_unaligned(dst + i + L);
        }
        for (; i + L <= n; i += L)
            detail::apply_loaded<T, K>(op, src, i, seq).store_unaligned(dst + i);
    } else {
        // Gather a batch per input, compute, scatter: vectorized math on strided memory.
        alignas(64) T buf[K ? K : 1][L];
        alignas(64) T res[L];
        for (; i + L <= n; i += L) {
            for (std::size_t k = 0; k < K; ++k)
                for (std::size_t j = 0; j < L; ++j)
                    buf[k][j] = in[k].p[static_cast<std::ptrdiff_t>(i + j) * in[k].stride];
            detail::apply_buffered<T, K>(op, buf, seq).store_aligned(res);
            for (std::size_t j = 0; j < L; ++j)
                out.p[static_cast<std::ptrdiff_t>(i + j) * out.stride] = res[j];
        }
    }
    if (i < n) {
        // The tail: the same batch code on a zero-padded copy.
        alignas(64) T buf[K ? K : 1][L] = {};
        alignas(64) T res[L];
        const std::size_t m = n - i;
        for (std::size_t k = 0; k < K; ++k)
            for (std::size_t j = 0; j < m; ++j)
                buf[k][j] = in[k].p[static_cast<std::ptrdiff_t>(i + j) * in[k].stride];
        detail::apply_buffered<T, K>(op, buf, seq).store_aligned(res);
        for (std::size_t j = 0; j < m; ++j)
            out.p[static_cast<std::ptrdiff_t>(i + j) * out.stride] = res[j];
    }
}

// Sum over i < n of op(in_0[i], ...) (op of zero-padded lanes must give 0), and write
// out[i] = first(...) as transform does: for fused backward passes with a parameter gradient.
// Returns the sum of the second result, accumulated per lane in T and across lanes in double.
template <class T, std::size_t K, class Op>
double transform_and_sum(Op op, std::size_t n, const std::array<strided<const T>, K>& in, strided<T> out)
{
    batch<T> acc(T(0));
    double total = 0;
    std::size_t done = 0;
    // Flush the per-lane accumulator every few thousand elements to bound float's error growth.
    constexpr std::size_t block = 4096;
    while (done < n) {
        const std::size_t m = std::min(block, n - done);
        std::array<strided<const T>, K> part = in;
        for (auto& a : part)
            a.p += static_cast<std::ptrdiff_t>(done) * a.stride;
        transform<T, K>(
            [&](auto... v) XACT_INLINE_LAMBDA {
                auto r = op(v...);
                acc += r.second;
                return r.first;
            },
            m, part, strided<T>{out.p + static_cast<std::ptrdiff_t>(done) * out.stride, out.stride});
        alignas(64) T lanes_acc[lanes<T>];
        acc.store_aligned(lanes_acc);
        for (T v : lanes_acc)
            total += static_cast<double>(v);
        acc = batch<T>(T(0));
        done += m;
    }
    return total;
}

} // namespace xact::engine
