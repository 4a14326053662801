// One large operation on several threads (xact/parallel.hpp): the checks of the one-thread
// call, made once before any thread starts; the cut of the views into pieces; the threads that
// run the one-thread operation on each piece; and the parameter gradients' sums, formed in the
// one-thread order so that every result is bit-identical to the one-thread call's.
// Threads are OpenMP's with XACT_USE_OPENMP (the xact::threads CMake target defines it where
// OpenMP is found), else std::thread, created per call.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#if defined(XACT_USE_OPENMP)
#include <omp.h>
#endif

#include "operations.hpp"

namespace xact::engine {

// What the caller asked for: `count` threads at most (0: one per hardware thread), and at least
// `min_per_thread` elements for each, so that a small call runs on one thread, where threads
// would cost more than they save.
struct thread_request {
    std::size_t count = 0;
    std::size_t min_per_thread = 32768;
};

inline std::size_t hardware_threads() noexcept
{
#if defined(XACT_USE_OPENMP)
    return static_cast<std::size_t>(std::max(1, omp_get_max_threads()));
#else
    return std::max(1u, std::thread::hardware_concurrency());
#endif
}

// How many pieces a call of n elements is cut into (before the cut's own limits).
inline std::size_t pieces_for(const thread_request& t, std::size_t n) noexcept
{
    const std::size_t wanted = t.count == 0 ? hardware_threads() : t.count;
    return std::max<std::size_t>(1, std::min(wanted, n / std::max<std::size_t>(1, t.min_per_thread)));
}

// The first exception a piece throws (the checks come first, so only std::bad_alloc from a
// softmax gather buffer can), rethrown on the calling thread once every piece has finished:
// an exception must not leave a thread.
class first_error {
public:
    template <class Fn>
    void run(Fn&& fn) noexcept
    {
#if defined(__cpp_exceptions)
        try {
            fn();
        } catch (...) {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (!error_)
                error_ = std::current_exception();
        }
#else
        fn();
#endif
    }
    void rethrow() const
    {
#if defined(__cpp_exceptions)
        if (error_)
            std::rethrow_exception(error_);
#endif
    }

private:
#if defined(__cpp_exceptions)
    std::mutex mutex_;
    std::exception_ptr error_;
#endif
};

// task(i) for every i < count, each on its own thread (the caller's is one of them); returns
// when all have finished.
template <class Task>
void run_on_threads(std::size_t count, Task task)
{
    first_error error;
#if defined(XACT_USE_OPENMP)
#pragma omp parallel for num_threads(static_cast<int>(count)) schedule(static, 1)
    for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(count); ++i)
        error.run([&] { task(static_cast<std::size_t>(i)); });
#else
    std::vector<std::thread> workers;
    workers.reserve(count > 0 ? count - 1 : 0);
    std::size_t started = 1;
#if defined(__cpp_exceptions)
    try {
#endif
        for (; started < count; ++started)
            workers.emplace_back([&error, &task, started] { error.run([&] { task(started); }); });
#if defined(__cpp_exceptions)
    } catch (const std::system_error&) {
        // No more threads to be had: the caller runs the pieces not started.
    }
#endif
    if (count > 0)
        error.run([&] { task(0); });
    for (std::size_t i = started; i < count; ++i)
        error.run([&] { task(i); });
    for (auto& w : workers)
        w.join();
#endif
    error.rethrow();
}

// --- the cut ------------------------------------------------------------------------------------

// One flat run of elements (every view contiguous in one order), or ranges of rows or columns.
enum class cut { flat, rows, cols };

struct plan {
    cut how = cut::flat;
    std::vector<std::ptrdiff_t> bounds; // piece i is [bounds[i], bounds[i + 1])
    std::size_t pieces() const noexcept { return bounds.size() < 2 ? 0 : bounds.size() - 1; }
};

// Flat pieces are whole multiples of 16 KiB of the output, from near the first address that is
// a multiple of 16 KiB (page-sized runs that a prefetcher streams, at most one cache line shared
// at a cut). Every cut lies a whole number of loop steps from the start (loop_step_bytes: two
// batches of the widest target): engine::transform takes two batches a step, and its two copies
// of the batch code may order a commutative operation differently, which shows in the sign of a
// NaN made from two NaNs; cut at whole steps, each element goes through the same copy as in the
// one-thread walk, so results are bit-identical, NaN payloads included.
inline constexpr std::size_t grain_bytes = 16384;
inline constexpr std::size_t loop_step_bytes = 128;

template <class T>
std::vector<std::ptrdiff_t> flat_bounds(const T* out, std::size_t n, std::size_t pieces)
{
    const std::size_t grain = grain_bytes / sizeof(T);
    const auto address = reinterpret_cast<std::uintptr_t>(out);
    constexpr std::size_t step = loop_step_bytes / sizeof(T);
    std::size_t head = address % sizeof(T) != 0 ? 0 : (grain_bytes - address % grain_bytes) % grain_bytes / sizeof(T);
    head = std::min((head + step - 1) / step * step, n);
    const std::size_t grains = (n - head + grain - 1) / grain;
    std::vector<std::ptrdiff_t> bounds{0};
    for (std::size_t k = 1; k < pieces; ++k) {
        const std::size_t b = std::min(n, head + k * grains / pieces * grain);
        if (b > static_cast<std::size_t>(bounds.back()))
            bounds.push_back(static_cast<std::ptrdiff_t>(b));
    }
    if (n > static_cast<std::size_t>(bounds.back()))
        bounds.push_back(static_cast<std::ptrdiff_t>(n));
    return bounds;
}

inline std::vector<std::ptrdiff_t> even_bounds(std::ptrdiff_t extent, std::size_t pieces)
{
    pieces = std::min<std::size_t>(pieces, static_cast<std::size_t>(extent));
    std::vector<std::ptrdiff_t> bounds{0};
    for (std::size_t k = 1; k <= pieces; ++k)
        bounds.push_back(static_cast<std::ptrdiff_t>(k * static_cast<std::size_t>(extent) / pieces));
    return bounds;
}

// The cut of an operation writing `out` from inputs `in`: softmax by whole vectors; prelu with
// one alpha per channel by whole columns (every channel in every piece); other element-wise
// functors flat where every view is one contiguous run in the same order, else by the output's
// lines (along its contiguous dimension), or across its lines when there are too few of them.
template <class F, class T, class... In>
plan plan_for(const thread_request& t, const F& f, const view<T>& out, const In&... in)
{
    const auto n = static_cast<std::size_t>(out.size());
    const std::size_t pieces = pieces_for(t, n);
    if (pieces <= 1)
        return {};
    if constexpr (is_axis_v<F>) {
        if (out.is_vector || (in.is_vector || ...))
            return {}; // one vector: its reductions run on one thread
        const cut how = f.rowwise() ? cut::rows : cut::cols;
        return {how, even_bounds(how == cut::rows ? out.rows : out.cols, pieces)};
    } else {
        bool channels_by_row = false;
        if constexpr (is_channelwise_v<F>)
            channels_by_row = f.channels() > 1;
        if (channels_by_row)
            return {cut::cols, even_bounds(out.cols, pieces)};
        const bool by_columns = out.contiguous_by_columns() && (in.contiguous_by_columns() && ...);
        const bool by_rows = out.contiguous_by_rows() && (in.contiguous_by_rows() && ...);
        if (by_columns || by_rows)
            return {cut::flat, flat_bounds(out.data, n, pieces)};
        const bool lines_are_columns = along_rows(out);
        const std::ptrdiff_t lines = lines_are_columns ? out.cols : out.rows;
        const cut how = (lines >= static_cast<std::ptrdiff_t>(pieces)) == lines_are_columns ? cut::cols : cut::rows;
        return {how, even_bounds(how == cut::rows ? out.rows : out.cols, pieces)};
    }
}

template <class T>
view<T> piece_of(const view<T>& v, cut how, std::ptrdiff_t begin, std::ptrdiff_t end) noexcept
{
    const std::ptrdiff_t m = end - begin;
    switch (how) {
    case cut::flat: return {v.data + begin, m, 1, 1, m, true};
    case cut::rows: return {v.at(begin, 0), m, v.cols, v.sr, v.sc, false};
    default: return {v.at(0, begin), v.rows, m, v.sr, v.sc, false};
    }
}

// op(piece of each view) for every piece, one piece per thread.
template <class Op, class... V>
void run_plan(const plan& p, Op op, const V&... views)
{
    run_on_threads(p.pieces(), [&](std::size_t i) { op(piece_of(views, p.how, p.bounds[i], p.bounds[i + 1])...); });
}

// --- the operations -----------------------------------------------------------------------------
// Each makes the one-thread operation's checks on the whole views (so the messages are the same
// and nothing is written on error), then runs the one-thread operation on every piece.

template <class F, class T>
void threaded_forward(const thread_request& t, const call_site& site, const F& f, view<const T> x, view<T> y)
{
    run_elementwise_checks(site, f, x, y, "y");
    const plan p = plan_for(t, f, y, x);
    if (p.pieces() <= 1)
        return forward(site, f, x, y);
    run_plan(p, [&](const view<const T>& xp, const view<T>& yp) { forward(site, f, xp, yp); }, x, y);
}

template <class F, class T>
void threaded_derivative(const thread_request& t, const call_site& site, const F& f, view<const T> x, view<T> d)
{
    run_elementwise_checks(site, f, x, d, "d");
    const plan p = plan_for(t, f, d, x);
    if (p.pieces() <= 1)
        return derivative(site, f, x, d);
    run_plan(p, [&](const view<const T>& xp, const view<T>& dp) { derivative(site, f, xp, dp); }, x, d);
}

template <class F, class T>
void threaded_backward(const thread_request& t, const call_site& site, const F& f, view<const T> x,
                       view<const T> dy, view<T> dx)
{
    run_elementwise_checks(site, f, x, dx, "dx");
    check_shape(site, x, "x", dy, "dy");
    check_overlap(site, dx, "dx", dy, "dy");
    const plan p = plan_for(t, f, dx, x, dy);
    if (p.pieces() <= 1)
        return backward(site, f, x, dy, dx);
    run_plan(p, [&](const view<const T>& xp, const view<const T>& gp, const view<T>& dp) { backward(site, f, xp, gp, dp); },
             x, dy, dx);
}

template <class F, class T>
void threaded_backward_from_output(const thread_request& t, const call_site& site, const F& f, view<const T> y,
                                   view<const T> dy, view<T> dx)
{
    check_shape(site, y, "y", dx, "dx");
    check_shape(site, y, "y", dy, "dy");
    check_overlap(site, dx, "dx", y, "y");
    check_overlap(site, dx, "dx", dy, "dy");
    if constexpr (!is_axis_v<F>) {
        if constexpr (is_channelwise_v<F>)
            check_channels(site, f, y);
        if constexpr (has_invertibility_check<F>::value)
            if (!f.output_invertible())
                xact::detail::fail(site.prefix() + "needs alpha > 0: with alpha <= 0 the output does not "
                                   "determine the derivative; use xact::backward with x");
    }
    const plan p = plan_for(t, f, dx, y, dy);
    if (p.pieces() <= 1)
        return backward_from_output(site, f, y, dy, dx);
    run_plan(p,
             [&](const view<const T>& yp, const view<const T>& gp, const view<T>& dp) {
                 backward_from_output(site, f, yp, gp, dp);
             },
             y, dy, dx);
}

// --- parameter gradients --------------------------------------------------------------------------
// The one-thread sum (for_each_element_sum, transform_and_sum) adds, line by line, the per-lane
// partial sums (in T) of blocks of sum_block elements from the line's start into a double, and
// the lines' doubles into the channel's. Here the blocks run on threads, each leaving its lane
// partials, and the doubles are then formed on the calling thread in that same order: the
// gradient, not only dx, is bit-identical to the one-thread call's, for any thread count.
inline constexpr std::size_t sum_block = 4096; // transform_and_sum's block

template <class T>
struct sum_line {
    std::size_t channel;
    std::array<strided<const T>, 2> in;
    strided<T> out;
    std::size_t n;
    std::size_t first_block;
};

// The element functor of a channel, as per_channel passes it.
template <class F>
decltype(auto) element_functor(const F& f, std::size_t channel)
{
    if constexpr (is_channelwise_v<F>)
        return f.channel(f.channels() == 1 ? 0 : channel);
    else
        return (f);
}

template <class F, class T, class P, class Store>
void threaded_backward_with_parameter(const thread_request& t, const call_site& site, const F& f, view<const T> x,
                                      view<const T> dy, view<T> dx, P param_derivative, Store store)
{
    run_elementwise_checks(site, f, x, dx, "dx");
    check_shape(site, x, "x", dy, "dy");
    check_overlap(site, dx, "dx", dy, "dy");
    const std::size_t pieces = pieces_for(t, static_cast<std::size_t>(dx.size()));
    if (pieces <= 1)
        return backward_with_parameter(site, f, x, dy, dx, param_derivative, store);

    // The lines of the one-thread walk, channel by channel, and their blocks.
    std::vector<sum_line<T>> lines;
    std::size_t channels = 0, blocks = 0;
    per_channel(site, f, [&](const auto&, const view<const T>& xv, const view<const T>& gv, const view<T>& ov) {
        walk(ov, [&](auto start, std::size_t inner, bool by_rows) {
            const auto [r, c] = start;
            lines.push_back({channels,
                             {strided<const T>{xv.at(r, c), by_rows ? xv.sr : xv.sc},
                              strided<const T>{gv.at(r, c), by_rows ? gv.sr : gv.sc}},
                             strided<T>{ov.at(r, c), by_rows ? ov.sr : ov.sc},
                             inner,
                             blocks});
            blocks += (inner + sum_block - 1) / sum_block;
        });
        ++channels;
    }, x, dy, dx);

    constexpr std::size_t L = lanes<T>;
    std::vector<T> partial(blocks * L);
    const auto bounds = even_bounds(static_cast<std::ptrdiff_t>(blocks), pieces);
    run_on_threads(bounds.size() - 1, [&](std::size_t piece) {
        for (auto b = static_cast<std::size_t>(bounds[piece]); b < static_cast<std::size_t>(bounds[piece + 1]); ++b) {
            const auto& line = *(std::upper_bound(lines.begin(), lines.end(), b,
                                                  [](std::size_t v, const sum_line<T>& l) { return v < l.first_block; }) -
                                 1);
            const auto& g = element_functor(f, line.channel);
            const std::size_t done = (b - line.first_block) * sum_block, m = std::min(sum_block, line.n - done);
            std::array<strided<const T>, 2> part = line.in;
            for (auto& a : part)
                a.p += static_cast<std::ptrdiff_t>(done) * a.stride;
            batch<T> acc(T(0));
            transform<T, 2>(
                [&](auto v, auto w) XACT_INLINE_LAMBDA {
                    const auto r = std::make_pair(w * g.derivative(v), w * param_derivative(g, v));
                    acc += r.second;
                    return r.first;
                },
                m, part, strided<T>{line.out.p + static_cast<std::ptrdiff_t>(done) * line.out.stride, line.out.stride});
            acc.store_unaligned(partial.data() + b * L);
        }
    });

    std::vector<double> sums(channels, 0.0);
    for (const auto& line : lines) {
        double total = 0;
        const std::size_t end = line.first_block + (line.n + sum_block - 1) / sum_block;
        for (std::size_t b = line.first_block; b < end; ++b)
            for (std::size_t j = 0; j < L; ++j)
                total += static_cast<double>(partial[b * L + j]);
        sums[line.channel] += total;
    }
    for (std::size_t c = 0; c < channels; ++c)
        store(c, sums[c]);
}

} // namespace xact::engine
