// The gated linear units' operations on views (xact/glu.hpp): the split of an input into its
// halves, the shape and overlap checks, and the fused walks. Forward reads a and b and writes
// y; backward reads a, b and dy and writes da and db in the same pass, with a loop of two
// outputs that, like engine::transform, finishes the tail with the same batch code on a
// zero-padded buffer (an element's result never depends on its position, the length or the
// alignment).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

#include "loop.hpp"
#include "view.hpp"

namespace xact::engine {

// A gated unit type: G::name, G::gate_second (which half goes through the activation) and
// g.activation() (an element-wise functor).
template <class G, class = void>
struct is_gated : std::false_type {};
template <class G>
struct is_gated<G, std::void_t<decltype(G::name), decltype(bool(G::gate_second)),
                               decltype(std::declval<const G&>().activation())>> : std::true_type {};
template <class G>
inline constexpr bool is_gated_v = is_gated<G>::value;

// ---- the loop of two outputs ----------------------------------------------------------------

namespace glu_detail {

template <class T, std::size_t K, class Op, std::size_t... I>
XACT_INLINE auto apply(Op& op, const T (&buf)[K][lanes<T>], std::index_sequence<I...>)
{
    return op(batch<T>::load_unaligned(buf[I])...);
}

template <class T, std::size_t K, class Op, std::size_t... I>
XACT_INLINE auto apply_at(Op& op, const std::array<strided<const T>, K>& in, std::size_t i, std::index_sequence<I...>)
{
    return op(batch<T>::load_unaligned(in[I].p + i)...);
}

} // namespace glu_detail

// {out_0[i], out_1[i]} = op(in_0[i], ..., in_{K-1}[i]) for i < n; op returns a pair of batches.
// Every input of an element is loaded before its outputs are stored, so an output may be
// exactly an input.
template <class T, std::size_t K, class Op>
void transform_pair(Op op, std::size_t n, const std::array<strided<const T>, K>& in, const std::array<strided<T>, 2>& out)
{
    static_assert(K > 0, "transform_pair needs an input");
    constexpr std::size_t L = lanes<T>;
    const auto seq = std::make_index_sequence<K>{};
    bool contiguous = out[0].stride == 1 && out[1].stride == 1;
    for (const auto& a : in)
        contiguous = contiguous && a.stride == 1;

    alignas(64) T buf[K][L];
    alignas(64) T res[2][L];
    auto gather = [&](std::size_t i, std::size_t m) {
        for (std::size_t k = 0; k < K; ++k)
            for (std::size_t j = 0; j < m; ++j)
                buf[k][j] = in[k].p[static_cast<std::ptrdiff_t>(i + j) * in[k].stride];
    };
    auto compute_and_scatter = [&](std::size_t i, std::size_t m) {
        const auto r = glu_detail::apply<T, K>(op, buf, seq);
        r.first.store_aligned(res[0]);
        r.second.store_aligned(res[1]);
        for (std::size_t o = 0; o < 2; ++o)
            for (std::size_t j = 0; j < m; ++j)
                out[o].p[static_cast<std::ptrdiff_t>(i + j) * out[o].stride] = res[o][j];
    };

    std::size_t i = 0;
    if (contiguous) {
        for (; i + L <= n; i += L) {
            const auto r = glu_detail::apply_at<T, K>(op, in, i, seq);
            r.first.store_unaligned(out[0].p + i);
            r.second.store_unaligned(out[1].p + i);
        }
    } else {
        for (; i + L <= n; i += L) {
            gather(i, L);
            compute_and_scatter(i, L);
        }
    }
    if (i < n) {
        // The tail: the same batch code on a zero-padded copy.
        for (std::size_t k = 0; k < K; ++k)
            for (std::size_t j = 0; j < L; ++j)
                buf[k][j] = T(0);
        gather(i, n - i);
        compute_and_scatter(i, n - i);
    }
}

// transform_pair over views of one shape: one flat pass when every view is one contiguous run
// in the same order, else line by line along the first output's contiguous dimension.
template <class T, std::size_t K, class Op>
void for_each_element_pair(Op op, const std::array<view<const T>, K>& in, const std::array<view<T>, 2>& out)
{
    if (out[0].size() == 0)
        return;
    auto all = [&](auto pred) {
        bool ok = pred(out[0]) && pred(out[1]);
        for (const auto& v : in)
            ok = ok && pred(v);
        return ok;
    };
    std::array<strided<const T>, K> flat_in;
    std::array<strided<T>, 2> flat_out;
    if (all([](const auto& v) { return v.contiguous_by_columns(); }) ||
        all([](const auto& v) { return v.contiguous_by_rows(); })) {
        for (std::size_t k = 0; k < K; ++k)
            flat_in[k] = {in[k].data, 1};
        for (std::size_t o = 0; o < 2; ++o)
            flat_out[o] = {out[o].data, 1};
        transform_pair<T, K>(op, static_cast<std::size_t>(out[0].size()), flat_in, flat_out);
        return;
    }
    walk(out[0], [&](auto start, std::size_t inner, bool by_rows) {
        for (std::size_t k = 0; k < K; ++k)
            flat_in[k] = {in[k].at(start.first, start.second), by_rows ? in[k].sr : in[k].sc};
        for (std::size_t o = 0; o < 2; ++o)
            flat_out[o] = {out[o].at(start.first, start.second), by_rows ? out[o].sr : out[o].sc};
        transform_pair<T, K>(op, inner, flat_in, flat_out);
    });
}

// ---- halves and checks ------------------------------------------------------------------------

// Whether a view splits along its columns: a 1-D row object (1 x 2n) splits along its length;
// everything else splits its rows (channels), Eigen's column-per-sample convention.
template <class T>
bool splits_columns(const view<T>& x) noexcept
{
    return x.is_vector && x.rows == 1;
}

// Throws unless x (the split form's input or its gradient) has an even number of rows (of
// elements, for a 1-D row object).
template <class T>
void check_even(const call_site& site, const view<T>& x, const char* name)
{
    if (splits_columns(x)) {
        if (x.cols % 2 != 0)
            xact::detail::fail(site.prefix() + name + " has " + std::to_string(x.cols) + " elements (shape " +
                               shape(x.rows, x.cols) + "), expected an even number: a is its first half, b its second");
    } else if (x.rows % 2 != 0) {
        xact::detail::fail(site.prefix() + name + " has shape " + shape(x.rows, x.cols) + ": " +
                           std::to_string(x.rows) + " rows, expected an even number (a is the first half of the "
                           "rows, b the second)");
    }
}

// The halves {a, b} of a view with an even number of rows (elements).
template <class T>
std::pair<view<T>, view<T>> halves(const view<T>& x) noexcept
{
    view<T> a = x, b = x;
    if (splits_columns(x)) {
        a.cols = b.cols = x.cols / 2;
        b.data = x.data + a.cols * x.sc;
    } else {
        a.rows = b.rows = x.rows / 2;
        b.data = x.data + a.rows * x.sr;
    }
    return {a, b};
}

// other must have the shape of x's halves.
template <class T, class U>
void check_half_shape(const call_site& site, const view<T>& x, const char* x_name, const view<U>& other,
                      const char* other_name)
{
    const auto a = halves(x).first;
    if (a.rows != other.rows || a.cols != other.cols)
        xact::detail::fail(site.prefix() + other_name + " has shape " + shape(other.rows, other.cols) + ", expected " +
                           shape(a.rows, a.cols) + " (half of " + x_name + "'s shape " + shape(x.rows, x.cols) + ")");
}

// Two outputs written in one pass must not share an element, not even all of them.
template <class T>
void check_disjoint(const call_site& site, const view<T>& p, const char* p_name, const view<T>& q, const char* q_name)
{
    if (share_elements(p, q))
        xact::detail::fail(site.prefix() + p_name + " (" + shape(p.rows, p.cols) + ") and " + q_name + " (" +
                           shape(q.rows, q.cols) + ") share memory; the two gradients must be separate");
}

// ---- the operations ---------------------------------------------------------------------------

// y = act(a) b (gate first) or a act(b) (gate second), element by element.
template <class G, class T>
void glu_forward(const call_site& site, const G& g, view<const T> a, view<const T> b, view<T> y,
                 const char* a_name = "a", const char* b_name = "b")
{
    check_shape(site, a, a_name, b, b_name);
    check_shape(site, a, a_name, y, "y");
    check_overlap(site, y, "y", a, a_name);
    check_overlap(site, y, "y", b, b_name);
    const auto act = g.activation(); // captured by value: see element_op (operations.hpp)
    if constexpr (G::gate_second)
        for_each_element<T, 2>([act](auto u, auto v) XACT_INLINE_LAMBDA { return u * act(v); }, {a, b}, y);
    else
        for_each_element<T, 2>([act](auto u, auto v) XACT_INLINE_LAMBDA { return act(u) * v; }, {a, b}, y);
}

// With gate z and value w (y = act(z) w): d_gate = (dy w) act'(z), d_value = dy act(z), in
// that order of products (the composition backward(act, z, dy * w) and dy * forward(act, z)).
template <class G, class T>
void glu_backward(const call_site& site, const G& g, view<const T> a, view<const T> b, view<const T> dy, view<T> da,
                  view<T> db, const char* a_name = "a", const char* b_name = "b", const char* da_name = "da",
                  const char* db_name = "db")
{
    check_shape(site, a, a_name, b, b_name);
    check_shape(site, a, a_name, dy, "dy");
    check_shape(site, a, a_name, da, da_name);
    check_shape(site, a, a_name, db, db_name);
    auto check_output = [&](const view<T>& out, const char* out_name) {
        check_overlap(site, out, out_name, a, a_name);
        check_overlap(site, out, out_name, b, b_name);
        check_overlap(site, out, out_name, dy, "dy");
    };
    check_output(da, da_name);
    check_output(db, db_name);
    check_disjoint(site, da, da_name, db, db_name);
    const auto act = g.activation();
    if constexpr (G::gate_second)
        for_each_element_pair<T, 3>(
            [act](auto u, auto v, auto d) XACT_INLINE_LAMBDA { return std::make_pair(d * act(v), (d * u) * act.derivative(v)); },
            {a, b, dy}, {da, db});
    else
        for_each_element_pair<T, 3>(
            [act](auto u, auto v, auto d) XACT_INLINE_LAMBDA { return std::make_pair((d * v) * act.derivative(u), d * act(u)); },
            {a, b, dy}, {da, db});
}

// The split forms: x = [a; b] (2C x N, or 1-D of 2n), y of a's shape; dx of x's shape.
template <class G, class T>
void glu_forward_split(const call_site& site, const G& g, view<const T> x, view<T> y)
{
    check_even(site, x, "x");
    check_half_shape(site, x, "x", y, "y");
    const auto [a, b] = halves(x);
    glu_forward(site, g, a, b, y, "x's first half", "x's second half");
}

template <class G, class T>
void glu_backward_split(const call_site& site, const G& g, view<const T> x, view<const T> dy, view<T> dx)
{
    check_even(site, x, "x");
    check_shape(site, x, "x", dx, "dx");
    check_half_shape(site, x, "x", dy, "dy");
    const auto [a, b] = halves(x);
    const auto [da, db] = halves(dx);
    glu_backward(site, g, a, b, dy, da, db, "x's first half", "x's second half", "dx's first half",
                 "dx's second half");
}

} // namespace xact::engine
