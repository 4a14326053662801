// The public operations: forward, derivative, backward, backward_from_output and the
// parameter-gradient overloads of backward, on Eigen dense objects and on raw pointers.
#pragma once

#include <cstddef>
#include <type_traits>

#include <Eigen/Core>

#include "engine/eigen.hpp"
#include "engine/half.hpp"
#include "engine/operations.hpp"
#include "functors/elu.hpp"
#include "functors/swish.hpp"

namespace xact {

namespace detail {

template <class D>
using eigen_base = Eigen::DenseBase<std::remove_cv_t<std::remove_reference_t<D>>>;

template <class D>
inline constexpr bool is_eigen_v = std::is_base_of_v<eigen_base<D>, std::remove_cv_t<std::remove_reference_t<D>>>;

template <class D>
using scalar_of = typename std::remove_cv_t<std::remove_reference_t<D>>::Scalar;

template <class... D>
inline constexpr bool same_scalar_v = (std::is_same_v<scalar_of<D>, scalar_of<std::tuple_element_t<0, std::tuple<D...>>>> && ...);

template <class F, class T>
void check_types()
{
    static_assert(engine::supported_scalar_v<T> || engine::is_half_v<T>,
                  "xact: the scalar type must be float, double, Eigen::bfloat16 or Eigen::half");
}

template <class F>
void check_from_output()
{
    static_assert(engine::has_output_derivative<F>::value || engine::is_axis_v<F> || engine::is_channelwise_v<F>,
                  "xact::backward_from_output: this function's derivative is not a function of its output "
                  "(gelu, gelu_tanh, swish, silu); use xact::backward with x");
}

// A pointer argument of n elements as a view: one vector, or channels x samples for prelu
// with one alpha per channel.
template <class F, class T>
engine::view<T> pointer_view(const engine::call_site& site, const F& f, T* p, std::size_t n, const char* name)
{
    engine::check_pointer(site, p, n, name);
    if constexpr (engine::is_channelwise_v<F>) {
        const std::size_t c = f.channels();
        if (c > 1) {
            if (n % c != 0)
                fail(site.prefix() + "n = " + std::to_string(n) + " is not a multiple of the " + std::to_string(c) +
                     " channels of alpha");
            return engine::matrix_view(p, c, n / c);
        }
    }
    return engine::vector_view(p, n);
}

} // namespace detail

// ---- forward: y = f(x) ------------------------------------------------------------------------
template <class F, class XD, class YD, std::enable_if_t<detail::is_eigen_v<YD>, int> = 0>
void forward(const F& f, const Eigen::DenseBase<XD>& x, YD&& y)
{
    static_assert(detail::same_scalar_v<XD, YD>, "xact::forward: x and y must have the same scalar type");
    detail::check_types<F, typename XD::Scalar>();
    engine::with_input(x, [&](auto xv) { engine::forward(engine::call_site{"forward", F::name}, f, xv, engine::output_view(y)); });
}

template <class F, class XD>
typename XD::PlainObject forward(const F& f, const Eigen::DenseBase<XD>& x)
{
    typename XD::PlainObject y;
    y.resize(x.rows(), x.cols());
    forward(f, x, y);
    return y;
}

template <class F, class T>
void forward(const F& f, const T* x, T* y, std::size_t n)
{
    detail::check_types<F, T>();
    const engine::call_site site{"forward", F::name};
    const auto xv = detail::pointer_view(site, f, x, n, "x");
    engine::forward(site, f, xv, detail::pointer_view(site, f, y, n, "y"));
}

// softmax / log_softmax over a column-major rows x cols block.
template <class F, class T, std::enable_if_t<engine::is_axis_v<F>, int> = 0>
void forward(const F& f, const T* x, T* y, std::size_t rows, std::size_t cols)
{
    detail::check_types<F, T>();
    const engine::call_site site{"forward", F::name};
    engine::check_pointer(site, x, rows * cols, "x");
    engine::check_pointer(site, y, rows * cols, "y");
    engine::forward(site, f, engine::matrix_view(x, rows, cols), engine::matrix_view(y, rows, cols));
}

// ---- derivative: d = f'(x) --------------------------------------------------------------------
template <class F, class XD, class DD, std::enable_if_t<detail::is_eigen_v<DD>, int> = 0>
void derivative(const F& f, const Eigen::DenseBase<XD>& x, DD&& d)
{
    static_assert(detail::same_scalar_v<XD, DD>, "xact::derivative: x and d must have the same scalar type");
    detail::check_types<F, typename XD::Scalar>();
    engine::with_input(x, [&](auto xv) { engine::derivative(engine::call_site{"derivative", F::name}, f, xv, engine::output_view(d)); });
}

template <class F, class XD>
typename XD::PlainObject derivative(const F& f, const Eigen::DenseBase<XD>& x)
{
    typename XD::PlainObject d;
    d.resize(x.rows(), x.cols());
    derivative(f, x, d);
    return d;
}

template <class F, class T>
void derivative(const F& f, const T* x, T* d, std::size_t n)
{
    detail::check_types<F, T>();
    const engine::call_site site{"derivative", F::name};
    const auto xv = detail::pointer_view(site, f, x, n, "x");
    engine::derivative(site, f, xv, detail::pointer_view(site, f, d, n, "d"));
}

// ---- backward: dx = dy * f'(x), fused ---------------------------------------------------------
template <class F, class XD, class GD, class DD, std::enable_if_t<detail::is_eigen_v<DD>, int> = 0>
void backward(const F& f, const Eigen::DenseBase<XD>& x, const Eigen::DenseBase<GD>& dy, DD&& dx)
{
    static_assert(detail::same_scalar_v<XD, GD, DD>, "xact::backward: x, dy and dx must have the same scalar type");
    detail::check_types<F, typename XD::Scalar>();
    engine::with_input(x, [&](auto xv) {
        engine::with_input(dy, [&](auto gv) {
            engine::backward(engine::call_site{"backward", F::name}, f, xv, gv, engine::output_view(dx));
        });
    });
}

template <class F, class T>
void backward(const F& f, const T* x, const T* dy, T* dx, std::size_t n)
{
    detail::check_types<F, T>();
    const engine::call_site site{"backward", F::name};
    const auto xv = detail::pointer_view(site, f, x, n, "x");
    const auto gv = detail::pointer_view(site, f, dy, n, "dy");
    engine::backward(site, f, xv, gv, detail::pointer_view(site, f, dx, n, "dx"));
}

template <class F, class T, std::enable_if_t<engine::is_axis_v<F>, int> = 0>
void backward(const F& f, const T* x, const T* dy, T* dx, std::size_t rows, std::size_t cols)
{
    detail::check_types<F, T>();
    const engine::call_site site{"backward", F::name};
    for (auto [p, name] : {std::pair<const T*, const char*>{x, "x"}, {dy, "dy"}, {dx, "dx"}})
        engine::check_pointer(site, p, rows * cols, name);
    engine::backward(site, f, engine::matrix_view(x, rows, cols), engine::matrix_view(dy, rows, cols),
                     engine::matrix_view(dx, rows, cols));
}

// ---- backward_from_output: dx = dy * f'(x) from y = f(x) ----------------------------------------
template <class F, class YD, class GD, class DD, std::enable_if_t<detail::is_eigen_v<DD>, int> = 0>
void backward_from_output(const F& f, const Eigen::DenseBase<YD>& y, const Eigen::DenseBase<GD>& dy, DD&& dx)
{
    detail::check_from_output<F>();
    static_assert(detail::same_scalar_v<YD, GD, DD>, "xact::backward_from_output: y, dy and dx must have the same scalar type");
    detail::check_types<F, typename YD::Scalar>();
    engine::with_input(y, [&](auto yv) {
        engine::with_input(dy, [&](auto gv) {
            engine::backward_from_output(engine::call_site{"backward_from_output", F::name}, f, yv, gv,
                                         engine::output_view(dx));
        });
    });
}

template <class F, class T>
void backward_from_output(const F& f, const T* y, const T* dy, T* dx, std::size_t n)
{
    detail::check_from_output<F>();
    detail::check_types<F, T>();
    const engine::call_site site{"backward_from_output", F::name};
    const auto yv = detail::pointer_view(site, f, y, n, "y");
    const auto gv = detail::pointer_view(site, f, dy, n, "dy");
    engine::backward_from_output(site, f, yv, gv, detail::pointer_view(site, f, dx, n, "dx"));
}

template <class F, class T, std::enable_if_t<engine::is_axis_v<F>, int> = 0>
void backward_from_output(const F& f, const T* y, const T* dy, T* dx, std::size_t rows, std::size_t cols)
{
    detail::check_types<F, T>();
    const engine::call_site site{"backward_from_output", F::name};
    for (auto [p, name] : {std::pair<const T*, const char*>{y, "y"}, {dy, "dy"}, {dx, "dx"}})
        engine::check_pointer(site, p, rows * cols, name);
    engine::backward_from_output(site, f, engine::matrix_view(y, rows, cols), engine::matrix_view(dy, rows, cols),
                                 engine::matrix_view(dx, rows, cols));
}

// ---- parameter gradients -----------------------------------------------------------------------
namespace detail {

// elu's alpha and swish's beta: d_param = sum(dy * df/dparam).
template <class F>
auto scalar_parameter_derivative()
{
    if constexpr (std::is_same_v<F, elu>)
        return [](const auto& g, auto v) XACT_INLINE_LAMBDA { return g.derivative_alpha(v); };
    else
        return [](const auto& g, auto v) XACT_INLINE_LAMBDA { return g.derivative_beta(v); };
}

template <class F>
inline constexpr bool has_scalar_parameter_v = std::is_same_v<F, elu> || std::is_same_v<F, swish>;

} // namespace detail

// elu: d_alpha = sum(dy * d elu/d alpha); swish: d_beta = sum(dy * d swish/d beta). Overwrites
// the parameter gradient (it does not accumulate into it).
template <class F, class XD, class GD, class DD, class T,
          std::enable_if_t<detail::has_scalar_parameter_v<F> && std::is_floating_point_v<T>, int> = 0>
void backward(const F& f, const Eigen::DenseBase<XD>& x, const Eigen::DenseBase<GD>& dy, DD&& dx, T& d_param)
{
    static_assert(detail::same_scalar_v<XD, GD, DD>, "xact::backward: x, dy and dx must have the same scalar type");
    using S = typename XD::Scalar;
    detail::check_types<F, S>();
    double total = 0;
    engine::with_input(x, [&](auto xv) {
        engine::with_input(dy, [&](auto gv) {
            engine::backward_with_parameter(engine::call_site{"backward", F::name}, f, xv, gv, engine::output_view(dx),
                                            detail::scalar_parameter_derivative<F>(),
                                            [&](std::size_t, double s) { total = s; });
        });
    });
    d_param = static_cast<T>(total);
}

template <class F, class T, class P,
          std::enable_if_t<detail::has_scalar_parameter_v<F> && std::is_floating_point_v<P>, int> = 0>
void backward(const F& f, const T* x, const T* dy, T* dx, std::size_t n, P& d_param)
{
    detail::check_types<F, T>();
    const engine::call_site site{"backward", F::name};
    const auto xv = engine::vector_view(x, n), gv = engine::vector_view(dy, n);
    engine::check_pointer(site, x, n, "x");
    engine::check_pointer(site, dy, n, "dy");
    engine::check_pointer(site, dx, n, "dx");
    double total = 0;
    engine::backward_with_parameter(site, f, xv, gv, engine::vector_view(dx, n),
                                    detail::scalar_parameter_derivative<F>(), [&](std::size_t, double s) { total = s; });
    d_param = static_cast<P>(total);
}

// prelu: d_alpha[c] = sum over channel c of dy * (x <= 0 ? x : 0); one entry per alpha value.
template <class XD, class GD, class DD, class AD, std::enable_if_t<detail::is_eigen_v<AD>, int> = 0>
void backward(const prelu& f, const Eigen::DenseBase<XD>& x, const Eigen::DenseBase<GD>& dy, DD&& dx, AD&& d_alpha)
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
            engine::backward_with_parameter(site, f, xv, gv, engine::output_view(dx),
                                            [](const auto& g, auto v) XACT_INLINE_LAMBDA { return g.derivative_alpha(v); },
                                            [&](std::size_t c, double s) { sums[c] = s; });
        });
    });
    for (std::size_t c = 0; c < sums.size(); ++c)
        d_alpha.derived().coeffRef(static_cast<Eigen::Index>(c)) = static_cast<detail::scalar_of<AD>>(sums[c]);
}

template <class T>
void backward(const prelu& f, const T* x, const T* dy, T* dx, std::size_t n, T* d_alpha)
{
    detail::check_types<prelu, T>();
    const engine::call_site site{"backward", prelu::name};
    engine::check_pointer(site, d_alpha, f.channels(), "d_alpha");
    const auto xv = detail::pointer_view(site, f, x, n, "x");
    const auto gv = detail::pointer_view(site, f, dy, n, "dy");
    const auto dv = detail::pointer_view(site, f, dx, n, "dx");
    std::vector<double> sums(f.channels(), 0.0);
    engine::backward_with_parameter(site, f, xv, gv, dv, [](const auto& g, auto v) XACT_INLINE_LAMBDA { return g.derivative_alpha(v); },
                                    [&](std::size_t c, double s) { sums[c] = s; });
    for (std::size_t c = 0; c < sums.size(); ++c)
        d_alpha[c] = static_cast<T>(sums[c]);
}

} // namespace xact
