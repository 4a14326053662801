// Opt-in multithreading: every operation of xact/operations.hpp, with an execution policy first.
//
//     xact::forward(xact::threads(4), xact::gelu{}, x, y);          // at most 4 threads
//     xact::backward(xact::threads(), xact::sigmoid{}, x, dy, dx);  // one per hardware thread
//
// The results are bit-identical to the one-thread call's, for any thread count: an element's
// result does not depend on its position or alignment, softmax and log_softmax are cut between
// whole vectors, and the parameter gradients (prelu, elu, swish) are summed in the one-thread
// order. The checks, and their messages, are the one-thread call's, made before any thread
// starts; nothing is written on error. A call runs on fewer threads (one below 64K elements by
// default) where each would get fewer than `min_per_thread` elements, and on one thread for a
// single softmax vector.
//
// Threads: OpenMP's where the program is compiled with XACT_USE_OPENMP (link the CMake target
// xact::threads: it adds OpenMP where found and defines that macro, else it links the platform's
// threads), std::thread otherwise. This header is not part of <xact/xact.hpp>: programs that do
// not include it need neither.
#pragma once

#include <cstddef>
#include <type_traits>
#include <vector>

#include "engine/parallel.hpp"
#include "operations.hpp"

namespace xact {

struct threads {
    std::size_t count;          // threads at most; 0: one per hardware thread
    std::size_t min_per_thread; // fewer elements than this per thread: fewer threads

    explicit threads(std::size_t max_threads = 0, std::size_t min_elements_per_thread = 32768) noexcept
        : count(max_threads), min_per_thread(min_elements_per_thread)
    {
    }
    engine::thread_request request() const noexcept { return {count, min_per_thread}; }
};

// ---- forward ------------------------------------------------------------------------------------
template <class F, class XD, class YD, std::enable_if_t<detail::is_eigen_v<YD>, int> = 0>
void forward(const threads& t, const F& f, const Eigen::DenseBase<XD>& x, YD&& y)
{
    static_assert(detail::same_scalar_v<XD, YD>, "xact::forward: x and y must have the same scalar type");
    detail::check_types<F, typename XD::Scalar>();
    engine::with_input(x, [&](auto xv) {
        engine::threaded_forward(t.request(), engine::call_site{"forward", F::name}, f, xv, engine::output_view(y));
    });
}

template <class F, class XD>
typename XD::PlainObject forward(const threads& t, const F& f, const Eigen::DenseBase<XD>& x)
{
    typename XD::PlainObject y;
    y.resize(x.rows(), x.cols());
    forward(t, f, x, y);
    return y;
}

template <class F, class T>
void forward(const threads& t, const F& f, const T* x, T* y, std::size_t n)
{
    detail::check_types<F, T>();
    const engine::call_site site{"forward", F::name};
    const auto xv = detail::pointer_view(site, f, x, n, "x");
    engine::threaded_forward(t.request(), site, f, xv, detail::pointer_view(site, f, y, n, "y"));
}

template <class F, class T, std::enable_if_t<engine::is_axis_v<F>, int> = 0>
void forward(const threads& t, const F& f, const T* x, T* y, std::size_t rows, std::size_t cols)
{
    detail::check_types<F, T>();
    const engine::call_site site{"forward", F::name};
    engine::check_pointer(site, x, rows * cols, "x");
    engine::check_pointer(site, y, rows * cols, "y");
    engine::threaded_forward(t.request(), site, f, engine::matrix_view(x, rows, cols), engine::matrix_view(y, rows, cols));
}

// ---- derivative -----------------------------------------------------------------------------------
template <class F, class XD, class DD, std::enable_if_t<detail::is_eigen_v<DD>, int> = 0>
void derivative(const threads& t, const F& f, const Eigen::DenseBase<XD>& x, DD&& d)
{
    static_assert(detail::same_scalar_v<XD, DD>, "xact::derivative: x and d must have the same scalar type");
    detail::check_types<F, typename XD::Scalar>();
    engine::with_input(x, [&](auto xv) {
        engine::threaded_derivative(t.request(), engine::call_site{"derivative", F::name}, f, xv, engine::output_view(d));
    });
}

template <class F, class XD>
typename XD::PlainObject derivative(const threads& t, const F& f, const Eigen::DenseBase<XD>& x)
{
    typename XD::PlainObject d;
    d.resize(x.rows(), x.cols());
    derivative(t, f, x, d);
    return d;
}

template <class F, class T>
void derivative(const threads& t, const F& f, const T* x, T* d, std::size_t n)
{
    detail::check_types<F, T>();
    const engine::call_site site{"derivative", F::name};
    const auto xv = detail::pointer_view(site, f, x, n, "x");
    engine::threaded_derivative(t.request(), site, f, xv, detail::pointer_view(site, f, d, n, "d"));
}

// ---- backward -------------------------------------------------------------------------------------
template <class F, class XD, class GD, class DD, std::enable_if_t<detail::is_eigen_v<DD>, int> = 0>
void backward(const threads& t, const F& f, const Eigen::DenseBase<XD>& x, const Eigen::DenseBase<GD>& dy, DD&& dx)
{
    static_assert(detail::same_scalar_v<XD, GD, DD>, "xact::backward: x, dy and dx must have the same scalar type");
    detail::check_types<F, typename XD::Scalar>();
    engine::with_input(x, [&](auto xv) {
        engine::with_input(dy, [&](auto gv) {
            engine::threaded_backward(t.request(), engine::call_site{"backward", F::name}, f, xv, gv,
                                      engine::output_view(dx));
        });
    });
}

template <class F, class T>
void backward(const threads& t, const F& f, const T* x, const T* dy, T* dx, std::size_t n)
{
    detail::check_types<F, T>();
    const engine::call_site site{"backward", F::name};
    const auto xv = detail::pointer_view(site, f, x, n, "x");
    const auto gv = detail::pointer_view(site, f, dy, n, "dy");
    engine::threaded_backward(t.request(), site, f, xv, gv, detail::pointer_view(site, f, dx, n, "dx"));
}

template <class F, class T, std::enable_if_t<engine::is_axis_v<F>, int> = 0>
void backward(const threads& t, const F& f, const T* x, const T* dy, T* dx, std::size_t rows, std::size_t cols)
{
    detail::check_types<F, T>();
    const engine::call_site site{"backward", F::name};
    for (auto [p, name] : {std::pair<const T*, const char*>{x, "x"}, {dy, "dy"}, {dx, "dx"}})
        engine::check_pointer(site, p, rows * cols, name);
    engine::threaded_backward(t.request(), site, f, engine::matrix_view(x, rows, cols),
                              engine::matrix_view(dy, rows, cols), engine::matrix_view(dx, rows, cols));
}

// ---- backward_from_output -------------------------------------------------------------------------
template <class F, class YD, class GD, class DD, std::enable_if_t<detail::is_eigen_v<DD>, int> = 0>
void backward_from_output(const threads& t, const F& f, const Eigen::DenseBase<YD>& y, const Eigen::DenseBase<GD>& dy,
                          DD&& dx)
{
    detail::check_from_output<F>();
    static_assert(detail::same_scalar_v<YD, GD, DD>,
                  "xact::backward_from_output: y, dy and dx must have the same scalar type");
    detail::check_types<F, typename YD::Scalar>();
    engine::with_input(y, [&](auto yv) {
        engine::with_input(dy, [&](auto gv) {
            engine::threaded_backward_from_output(t.request(), engine::call_site{"backward_from_output", F::name}, f,
                                                  yv, gv, engine::output_view(dx));
        });
    });
}

template <class F, class T>
void backward_from_output(const threads& t, const F& f, const T* y, const T* dy, T* dx, std::size_t n)
{
    detail::check_from_output<F>();
    detail::check_types<F, T>();
    const engine::call_site site{"backward_from_output", F::name};
    const auto yv = detail::pointer_view(site, f, y, n, "y");
    const auto gv = detail::pointer_view(site, f, dy, n, "dy");
    engine::threaded_backward_from_output(t.request(), site, f, yv, gv, detail::pointer_view(site, f, dx, n, "dx"));
}

template <class F, class T, std::enable_if_t<engine::is_axis_v<F>, int> = 0>
void backward_from_output(const threads& t, const F& f, const T* y, const T* dy, T* dx, std::size_t rows,
                          std::size_t cols)
{
    detail::check_types<F, T>();
    const engine::call_site site{"backward_from_output", F::name};
    for (auto [p, name] : {std::pair<const T*, const char*>{y, "y"}, {dy, "dy"}, {dx, "dx"}})
        engine::check_pointer(site, p, rows * cols, name);
    engine::threaded_backward_from_output(t.request(), site, f, engine::matrix_view(y, rows, cols),
                                          engine::matrix_view(dy, rows, cols), engine::matrix_view(dx, rows, cols));
}

// ---- parameter gradients (bit-identical to one thread's sums) ---------------------------------------
template <class F, class XD, class GD, class DD, class T,
          std::enable_if_t<detail::has_scalar_parameter_v<F> && std::is_floating_point_v<T>, int> = 0>
void backward(const threads& t, const F& f, const Eigen::DenseBase<XD>& x, const Eigen::DenseBase<GD>& dy, DD&& dx,
              T& d_param)
{
    static_assert(detail::same_scalar_v<XD, GD, DD>, "xact::backward: x, dy and dx must have the same scalar type");
    detail::check_types<F, typename XD::Scalar>();
    double total = 0;
    engine::with_input(x, [&](auto xv) {
        engine::with_input(dy, [&](auto gv) {
            engine::threaded_backward_with_parameter(t.request(), engine::call_site{"backward", F::name}, f, xv, gv,
                                                     engine::output_view(dx), detail::scalar_parameter_derivative<F>(),
                                                     [&](std::size_t, double s) { total = s; });
        });
    });
    d_param = static_cast<T>(total);
}

template <class F, class T, class P,
          std::enable_if_t<detail::has_scalar_parameter_v<F> && std::is_floating_point_v<P>, int> = 0>
void backward(const threads& t, const F& f, const T* x, const T* dy, T* dx, std::size_t n, P& d_param)
{
    detail::check_types<F, T>();
    const engine::call_site site{"backward", F::name};
    engine::check_pointer(site, x, n, "x");
    engine::check_pointer(site, dy, n, "dy");
    engine::check_pointer(site, dx, n, "dx");
    double total = 0;
    engine::threaded_backward_with_parameter(t.request(), site, f, engine::vector_view(x, n), engine::vector_view(dy, n),
                                             engine::vector_view(dx, n), detail::scalar_parameter_derivative<F>(),
                                             [&](std::size_t, double s) { total = s; });
    d_param = static_cast<P>(total);
}

template <class XD, class GD, class DD, class AD, std::enable_if_t<detail::is_eigen_v<AD>, int> = 0>
void backward(const threads& t, const prelu& f, const Eigen::DenseBase<XD>& x, const Eigen::DenseBase<GD>& dy, DD&& dx,
              AD&& d_alpha)
{
    static_assert(detail::same_scalar_v<XD, GD, DD>, "xact::backward: x, dy and dx must have the same scalar type");
    detail::check_types<prelu, typename XD::Scalar>();
    const engine::call_site site{"backward", prelu::name};
    if (static_cast<std::size_t>(d_alpha.size()) != f.channels())
        detail::fail(site.prefix() + "d_alpha has " + std::to_string(d_alpha.size()) + " entries, expected " +
                     std::to_string(f.channels()) + " (alpha's size)");
    std::vector<double> sums(f.channels(), 0.0);
    engine::with_input(x, [&](auto xv) {
        engine::with_input(dy, [&](auto gv) {
            engine::threaded_backward_with_parameter(t.request(), site, f, xv, gv, engine::output_view(dx),
                                                     [](const auto& g, auto v) XACT_INLINE_LAMBDA { return g.derivative_alpha(v); },
                                                     [&](std::size_t c, double s) { sums[c] = s; });
        });
    });
    for (std::size_t c = 0; c < sums.size(); ++c)
        d_alpha.derived().coeffRef(static_cast<Eigen::Index>(c)) = static_cast<detail::scalar_of<AD>>(sums[c]);
}

template <class T>
void backward(const threads& t, const prelu& f, const T* x, const T* dy, T* dx, std::size_t n, T* d_alpha)
{
    detail::check_types<prelu, T>();
    const engine::call_site site{"backward", prelu::name};
    engine::check_pointer(site, d_alpha, f.channels(), "d_alpha");
    const auto xv = detail::pointer_view(site, f, x, n, "x");
    const auto gv = detail::pointer_view(site, f, dy, n, "dy");
    const auto dv = detail::pointer_view(site, f, dx, n, "dx");
    std::vector<double> sums(f.channels(), 0.0);
    engine::threaded_backward_with_parameter(t.request(), site, f, xv, gv, dv,
                                             [](const auto& g, auto v) XACT_INLINE_LAMBDA { return g.derivative_alpha(v); },
                                             [&](std::size_t c, double s) { sums[c] = s; });
    for (std::size_t c = 0; c < sums.size(); ++c)
        d_alpha[c] = static_cast<T>(sums[c]);
}

} // namespace xact
