// A 2-D strided view of memory (element (r, c) at data[r * sr + c * sc]), the checks the entry
// points make once (shapes, null pointers, partial overlap) and the walk of element-wise
// operations over views. Raw pointers and Eigen objects both become views.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "../config.hpp"
#include "loop.hpp"

namespace xact::engine {

template <class T>
struct view {
    T* data = nullptr;
    std::ptrdiff_t rows = 0, cols = 0;
    std::ptrdiff_t sr = 1, sc = 1; // strides between rows and between columns
    bool is_vector = false;        // a 1-D object (one softmax vector whatever its orientation)

    std::ptrdiff_t size() const noexcept { return rows * cols; }
    view<const T> as_const() const noexcept { return {data, rows, cols, sr, sc, is_vector}; }
    T* at(std::ptrdiff_t r, std::ptrdiff_t c) const noexcept { return data + r * sr + c * sc; }
    // Whether the elements, taken column by column (or row by row), are one contiguous run.
    bool contiguous_by_columns() const noexcept { return (rows <= 1 || sr == 1) && (cols <= 1 || sc == rows); }
    bool contiguous_by_rows() const noexcept { return (cols <= 1 || sc == 1) && (rows <= 1 || sr == cols); }
};

// A contiguous run of n elements as a column view.
template <class T>
view<T> vector_view(T* p, std::size_t n) noexcept
{
    const auto m = static_cast<std::ptrdiff_t>(n);
    return {p, m, 1, 1, m, true};
}

// A column-major rows x cols block.
template <class T>
view<T> matrix_view(T* p, std::size_t rows, std::size_t cols) noexcept
{
    const auto r = static_cast<std::ptrdiff_t>(rows);
    return {p, r, static_cast<std::ptrdiff_t>(cols), 1, r, false};
}

inline std::string shape(std::ptrdiff_t rows, std::ptrdiff_t cols)
{
    return std::to_string(rows) + "x" + std::to_string(cols);
}

// Names the call in messages: "xact::backward(gelu)".
struct call_site {
    const char* operation;
    const char* function;
    std::string prefix() const { return std::string("xact::") + operation + "(" + function + "): "; }
};

template <class T, class U>
void check_shape(const call_site& site, const view<T>& x, const char* x_name, const view<U>& other,
                 const char* other_name)
{
    if (x.rows != other.rows || x.cols != other.cols)
        xact::detail::fail(site.prefix() + other_name + " has shape " + shape(other.rows, other.cols) + ", expected " +
                     shape(x.rows, x.cols) + " (" + x_name + "'s shape)");
}

template <class T>
void check_pointer(const call_site& site, const T* p, std::size_t n, const char* name)
{
    if (p == nullptr && n > 0)
        xact::detail::fail(site.prefix() + name + " is a null pointer with n = " + std::to_string(n));
}

// The bytes a view touches, as [first, last).
template <class T>
std::pair<std::uintptr_t, std::uintptr_t> extent(const view<T>& v) noexcept
{
    if (v.size() == 0)
        return {0, 0};
    std::ptrdiff_t lo = 0, hi = 0;
    for (std::ptrdiff_t s : {(v.rows - 1) * v.sr, (v.cols - 1) * v.sc})
        (s < 0 ? lo : hi) += s;
    const auto base = reinterpret_cast<std::uintptr_t>(v.data);
    return {base + static_cast<std::uintptr_t>(lo * std::ptrdiff_t(sizeof(T))),
            base + static_cast<std::uintptr_t>((hi + 1) * std::ptrdiff_t(sizeof(T)))};
}

// Whether two views of one stride pattern share an element: element (r, c) of a is element
// (r - dr, c - dc) of b when dr sr + dc sc = b - a. With other strides, any shared byte counts.
template <class T, class U>
bool share_elements(const view<T>& a, const view<U>& b)
{
    const auto ea = extent(a), eb = extent(b);
    if (!(ea.first < eb.second && eb.first < ea.second))
        return false;
    const auto bytes = static_cast<std::ptrdiff_t>(reinterpret_cast<std::uintptr_t>(b.data) -
                                                    reinterpret_cast<std::uintptr_t>(a.data));
    // A stride along a dimension of extent 1 is never used: make it agree.
    const bool one_col = a.cols == 1 && b.cols == 1, one_row = a.rows == 1 && b.rows == 1;
    const std::ptrdiff_t sr = one_row ? 1 : a.sr, sc = one_col ? 1 : a.sc;
    if ((!one_row && b.sr != sr) || (!one_col && b.sc != sc) || sr <= 0 || sc <= 0 ||
        bytes % std::ptrdiff_t(sizeof(T)) != 0)
        return true;
    const std::ptrdiff_t d = bytes / std::ptrdiff_t(sizeof(T));
    // element (r_a, c_a) of a is (r_b, c_b) of b when (r_a - r_b) sr + (c_a - c_b) sc = d
    for (std::ptrdiff_t dc = -(b.cols - 1); dc <= a.cols - 1; ++dc) {
        const std::ptrdiff_t rem = d - dc * sc;
        if (rem % sr == 0 && rem / sr >= -(b.rows - 1) && rem / sr <= a.rows - 1)
            return true;
    }
    return false;
}

// An output may be exactly an input (in-place) or share no element with it; anything in
// between would read elements already overwritten.
template <class T, class U>
void check_overlap(const call_site& site, const view<T>& out, const char* out_name, const view<U>& in,
                   const char* in_name)
{
    const bool same = static_cast<const void*>(out.data) == static_cast<const void*>(in.data) &&
                      (out.rows <= 1 || out.sr == in.sr) && (out.cols <= 1 || out.sc == in.sc);
    if (!same && share_elements(out, in))
        xact::detail::fail(site.prefix() + out_name + " (" + shape(out.rows, out.cols) + ") partially overlaps " +
                     in_name + " (" + shape(in.rows, in.cols) + "); outputs must be the same memory as an "
                     "input or not overlap it");
}

// Whether to walk a view with the inner loop over rows (down its columns).
template <class T>
bool along_rows(const view<T>& v) noexcept
{
    return v.rows > 1 && (v.cols == 1 || std::abs(v.sr) <= std::abs(v.sc));
}

// Calls f({r, c} of a line's start, line length, whether the line runs down a column) for every
// line of v along its contiguous dimension.
template <class T, class F>
void walk(const view<T>& v, F&& f)
{
    if (v.size() == 0)
        return;
    const bool by_rows = along_rows(v);
    const auto outer = by_rows ? v.cols : v.rows;
    const auto inner = static_cast<std::size_t>(by_rows ? v.rows : v.cols);
    for (std::ptrdiff_t o = 0; o < outer; ++o)
        f(by_rows ? std::make_pair(std::ptrdiff_t(0), o) : std::make_pair(o, std::ptrdiff_t(0)), inner, by_rows);
}

// out = op(in...) element by element, for views of one shape: one flat pass when every view is
// one contiguous run in the same order, else along the output's contiguous dimension.
template <class T, std::size_t K, class Op>
void for_each_element(Op op, const std::array<view<const T>, K>& in, view<T> out)
{
    if (out.size() == 0)
        return;
    auto all = [&](auto pred) {
        bool ok = pred(out);
        for (const auto& v : in)
            ok = ok && pred(v);
        return ok;
    };
    const auto n = static_cast<std::size_t>(out.size());
    std::array<strided<const T>, K> flat;
    if (all([](const auto& v) { return v.contiguous_by_columns(); }) ||
        all([](const auto& v) { return v.contiguous_by_rows(); })) {
        for (std::size_t k = 0; k < K; ++k)
            flat[k] = {in[k].data, 1};
        transform<T, K>(op, n, flat, strided<T>{out.data, 1});
        return;
    }
    walk(out, [&](auto start, std::size_t inner, bool by_rows) {
        for (std::size_t k = 0; k < K; ++k)
            flat[k] = {in[k].at(start.first, start.second), by_rows ? in[k].sr : in[k].sc};
        transform<T, K>(op, inner, flat, strided<T>{out.at(start.first, start.second), by_rows ? out.sr : out.sc});
    });
}

// As for_each_element, with op returning {output batch, batch to sum}; returns the sum.
template <class T, std::size_t K, class Op>
double for_each_element_sum(Op op, const std::array<view<const T>, K>& in, view<T> out)
{
    double total = 0;
    std::array<strided<const T>, K> flat;
    walk(out, [&](auto start, std::size_t inner, bool by_rows) {
        for (std::size_t k = 0; k < K; ++k)
            flat[k] = {in[k].at(start.first, start.second), by_rows ? in[k].sr : in[k].sc};
        total += transform_and_sum<T, K>(
            op, inner, flat, strided<T>{out.at(start.first, start.second), by_rows ? out.sr : out.sc});
    });
    return total;
}

// One row of a view as a 1 x cols view (an empty view's rows keep its pointer, which may be
// null: no offset is applied to it).
template <class T>
view<T> row_of(const view<T>& v, std::ptrdiff_t r) noexcept
{
    return {v.size() == 0 ? v.data : v.at(r, 0), 1, v.cols, v.sr, v.sc, false};
}

} // namespace xact::engine
