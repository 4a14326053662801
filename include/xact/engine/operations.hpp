// The operations on views: shape and overlap checks first, then the element-wise walk, the
// per-channel walk (prelu), or the per-vector walk (softmax, log_softmax). This is where the
// kinds of functor meet the loops; the Eigen and pointer entry points both end here.
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../functors/prelu.hpp"
#include "../functors/softmax.hpp"
#include "dispatch_hook.hpp"
#include "softmax.hpp"
#include "view.hpp"

namespace xact::engine {

template <class F>
inline constexpr bool is_axis_v =
    std::is_base_of_v<xact::detail::softmax_base<false>, F> || std::is_base_of_v<xact::detail::softmax_base<true>, F>;

template <class F>
inline constexpr bool is_channelwise_v = std::is_same_v<F, prelu>;

template <class F, class = void>
struct has_output_derivative : std::false_type {};
template <class F>
struct has_output_derivative<F, std::void_t<decltype(std::declval<const F&>().derivative_from_output(0.0f))>>
    : std::true_type {};

// Functors whose output determines the derivative only for some parameters say so.
template <class F, class = void>
struct has_invertibility_check : std::false_type {};
template <class F>
struct has_invertibility_check<F, std::void_t<decltype(std::declval<const F&>().output_invertible())>>
    : std::true_type {};

template <class T>
inline constexpr bool supported_scalar_v = std::is_same_v<T, float> || std::is_same_v<T, double>;

// --- element-wise and per-channel -----------------------------------------------------------

// The element loops' operation op(g, batches...), holding the element functor g by value where it
// is trivially copyable: the loop then owns g's parameters, which no store to the output can
// alias, and keeps them in registers; through a reference the compiler reloads them after every
// store (leaky_relu forward, float, 65536: 7.2 -> 9.1 elem/ns on a Zen 3). Others by reference.
template <class G, class Op>
XACT_INLINE auto element_op(const G& g, Op op)
{
    if constexpr (std::is_trivially_copyable_v<G>)
        return [g, op](auto... v) XACT_INLINE_LAMBDA { return op(g, v...); };
    else
        return [&g, op](auto... v) XACT_INLINE_LAMBDA { return op(g, v...); };
}

// Calls g(element functor, views restricted to it...) once for an element-wise functor, and once
// per channel (row) for prelu with one alpha per channel.
template <class F, class G, class... Views>
void per_channel(const call_site& site, const F& f, G&& g, const Views&... views)
{
    if constexpr (is_channelwise_v<F>) {
        const auto& first = std::get<0>(std::forward_as_tuple(views...));
        if (f.channels() == 0)
            xact::detail::fail(site.prefix() + "alpha is empty");
        if (f.channels() == 1)
            return g(f.channel(0), views...);
        if (static_cast<std::ptrdiff_t>(f.channels()) != first.rows)
            xact::detail::fail(site.prefix() + "alpha has " + std::to_string(f.channels()) +
                               " entries, expected 1 or " + std::to_string(first.rows) + " (x's rows, shape " +
                               shape(first.rows, first.cols) + ")");
        for (std::ptrdiff_t r = 0; r < first.rows; ++r)
            g(f.channel(static_cast<std::size_t>(r)), row_of(views, r)...);
    } else {
        g(f, views...);
    }
}

// Checks a per-channel parameter count before anything is written (per_channel repeats it).
template <class F, class T>
void check_channels(const call_site& site, const F& f, const view<T>& x)
{
    // A dry walk over x's own layout: the walk only forms pointers into x, never reads them.
    per_channel(site, f, [](const auto&, const auto&) {}, x.as_const());
}

template <class F, class T>
void run_elementwise_checks(const call_site& site, const F& f, const view<const T>& x, const view<T>& out,
                            const char* out_name)
{
    check_shape(site, x, "x", out, out_name);
    check_overlap(site, out, out_name, x, "x");
    if constexpr (is_channelwise_v<F>)
        check_channels(site, f, x);
}

// --- per vector (softmax) ---------------------------------------------------------------------

// The vectors of a view for an axis functor: (start, length, stride) of each. `one_vector`
// is x's: a 1-D x is one vector whatever its orientation, and every other argument (of x's
// shape, checked before) is walked the same way, 1-D object or not.
template <class F, class T>
void for_each_vector(const F& f, const view<T>& v, bool one_vector, std::vector<strided<T>>& out, std::size_t& length)
{
    out.clear();
    if (one_vector) {
        length = static_cast<std::size_t>(v.size());
        if (length > 0)
            out.push_back({v.data, v.rows == 1 ? v.sc : v.sr});
        return;
    }
    const bool by_rows = f.rowwise();
    length = static_cast<std::size_t>(by_rows ? v.cols : v.rows);
    const auto count = by_rows ? v.rows : v.cols;
    if (length == 0)
        return;
    for (std::ptrdiff_t i = 0; i < count; ++i)
        out.push_back(by_rows ? strided<T>{v.at(i, 0), v.sc} : strided<T>{v.at(0, i), v.sr});
}

// Runs kernel(contiguous inputs..., contiguous output, n) on every vector, gathering strided
// vectors into buffers and scattering the result back.
template <class F, class T, std::size_t K, class Kernel>
void run_vectors(const F& f, const std::array<view<const T>, K>& in, view<T> out, Kernel kernel)
{
    std::size_t n = 0;
    std::array<std::vector<strided<const T>>, K> vin;
    std::vector<strided<T>> vout;
    const bool one_vector = in[0].is_vector;
    for (std::size_t k = 0; k < K; ++k)
        for_each_vector(f, in[k], one_vector, vin[k], n);
    for_each_vector(f, out, one_vector, vout, n);
    std::array<std::vector<T>, K + 1> buffers;
    for (std::size_t v = 0; v < vout.size(); ++v) {
        std::array<const T*, K> src;
        for (std::size_t k = 0; k < K; ++k) {
            if (vin[k][v].stride == 1) {
                src[k] = vin[k][v].p;
            } else {
                buffers[k].resize(n);
                for (std::size_t i = 0; i < n; ++i)
                    buffers[k][i] = vin[k][v].p[static_cast<std::ptrdiff_t>(i) * vin[k][v].stride];
                src[k] = buffers[k].data();
            }
        }
        T* dst = vout[v].p;
        if (vout[v].stride != 1) {
            buffers[K].resize(n);
            dst = buffers[K].data();
        }
        std::apply([&](auto... p) { kernel(p..., dst, n); }, src);
        if (vout[v].stride != 1)
            for (std::size_t i = 0; i < n; ++i)
                vout[v].p[static_cast<std::ptrdiff_t>(i) * vout[v].stride] = dst[i];
    }
}

// --- the operations ---------------------------------------------------------------------------

template <class F, class T>
void forward(const call_site& site, const F& f, view<const T> x, view<T> y)
{
    run_elementwise_checks(site, f, x, y, "y");
    if (XACT_DISPATCHED(forward, site, f, x, x, y))
        return;
    if constexpr (is_axis_v<F>) {
        run_vectors<F, T, 1>(f, {x}, y, [&](const T* xv, T* yv, std::size_t n) {
            softmax_forward(xv, yv, n, F::is_log, f.masked_zero());
        });
    } else {
        per_channel(site, f, [](const auto& g, const view<const T>& xv, const view<T>& yv) {
            for_each_element<T, 1>(element_op(g, [](const auto& h, auto v) XACT_INLINE_LAMBDA { return h(v); }), {xv}, yv);
        }, x, y);
    }
}

template <class F, class T>
void derivative(const call_site& site, const F& f, view<const T> x, view<T> d)
{
    static_assert(!is_axis_v<F>, "xact::derivative: softmax and log_softmax have a Jacobian, not an "
                                 "element-wise derivative; use xact::backward");
    run_elementwise_checks(site, f, x, d, "d");
    if (XACT_DISPATCHED(derivative, site, f, x, x, d))
        return;
    per_channel(site, f, [](const auto& g, const view<const T>& xv, const view<T>& dv) {
        for_each_element<T, 1>(element_op(g, [](const auto& h, auto v) XACT_INLINE_LAMBDA { return h.derivative(v); }), {xv}, dv);
    }, x, d);
}

template <class F, class T>
void backward(const call_site& site, const F& f, view<const T> x, view<const T> dy, view<T> dx)
{
    run_elementwise_checks(site, f, x, dx, "dx");
    check_shape(site, x, "x", dy, "dy");
    check_overlap(site, dx, "dx", dy, "dy");
    if (XACT_DISPATCHED(backward, site, f, x, dy, dx))
        return;
    if constexpr (is_axis_v<F>) {
        run_vectors<F, T, 2>(f, {x, dy}, dx, [&](const T* xv, const T* g, T* out, std::size_t n) {
            softmax_backward(xv, g, out, n, F::is_log, f.masked_zero());
        });
    } else {
        per_channel(site, f, [](const auto& g, const view<const T>& xv, const view<const T>& gv, const view<T>& out) {
            for_each_element<T, 2>(element_op(g, [](const auto& h, auto v, auto w) XACT_INLINE_LAMBDA { return w * h.derivative(v); }), {xv, gv}, out);
        }, x, dy, dx);
    }
}

template <class F, class T>
void backward_from_output(const call_site& site, const F& f, view<const T> y, view<const T> dy, view<T> dx)
{
    check_shape(site, y, "y", dx, "dx");
    check_shape(site, y, "y", dy, "dy");
    check_overlap(site, dx, "dx", y, "y");
    check_overlap(site, dx, "dx", dy, "dy");
    if constexpr (is_axis_v<F>) {
        if (XACT_DISPATCHED(backward_from_output, site, f, y, dy, dx))
            return;
        run_vectors<F, T, 2>(f, {y, dy}, dx, [&](const T* yv, const T* g, T* out, std::size_t n) {
            softmax_backward_from_output(yv, g, out, n, F::is_log);
        });
    } else {
        if constexpr (is_channelwise_v<F>)
            check_channels(site, f, y);
        if constexpr (has_invertibility_check<F>::value)
            if (!f.output_invertible())
                xact::detail::fail(site.prefix() + "needs alpha > 0: with alpha <= 0 the output does not "
                                   "determine the derivative; use xact::backward with x");
        if (XACT_DISPATCHED(backward_from_output, site, f, y, dy, dx))
            return;
        per_channel(site, f, [](const auto& g, const view<const T>& yv, const view<const T>& gv, const view<T>& out) {
            for_each_element<T, 2>(element_op(g, [](const auto& h, auto v, auto w) XACT_INLINE_LAMBDA { return w * h.derivative_from_output(v); }), {yv, gv}, out);
        }, y, dy, dx);
    }
}

// dx = dy f'(x) and the parameter gradient sum(dy df/dparam), per channel for prelu.
// `param_derivative(g, x)` gives df/dparam of the element functor g.
template <class F, class T, class P, class Store>
void backward_with_parameter(const call_site& site, const F& f, view<const T> x, view<const T> dy, view<T> dx,
                             P param_derivative, Store store)
{
    run_elementwise_checks(site, f, x, dx, "dx");
    check_shape(site, x, "x", dy, "dy");
    check_overlap(site, dx, "dx", dy, "dy");
    std::size_t channel = 0;
    per_channel(site, f, [&](const auto& g, const view<const T>& xv, const view<const T>& gv, const view<T>& out) {
        const double s = for_each_element_sum<T, 2>(
            element_op(g, [&param_derivative](const auto& h, auto v, auto w) XACT_INLINE_LAMBDA {
                return std::make_pair(w * h.derivative(v), w * param_derivative(h, v));
            }),
            {xv, gv}, out);
        store(channel++, s);
    }, x, dy, dx);
}

} // namespace xact::engine
