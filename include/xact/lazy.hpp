// Activations inside Eigen expressions, evaluated lazily: the activation becomes one more node
// of the expression, so `Y = xact::lazy(f, A * x + b)` makes one pass with no temporary for
// the activation's input (Eigen still evaluates a matrix product into its own buffer, as it
// does in any expression). Eigen drives the loop and hands the activation its packets, which
// run through the same SIMD kernel as xact::forward: the result is bit-identical to
// xact::forward(f, input) on the materialised input, element for element.
//
//   xact::lazy(f, x)                 the expression f(x)
//   xact::lazy_derivative(f, x)      the expression f'(x)
//   xact::lazy_backward(f, x, dy)    the expression dy * f'(x)
//   x.unaryExpr(xact::lazy_op(f))    the same as lazy(f, x), for chains of Eigen calls
//
// Element-wise functors only, float and double. softmax and log_softmax (not element-wise) are
// rejected at compile time; prelu needs a single alpha (a coefficient of an Eigen expression
// does not know its row, hence its channel). Like every Eigen expression, the result refers to
// the plain objects it reads: evaluate it before they go away.
#pragma once

#include <type_traits>

#include <Eigen/Core>

#include "engine/eigen_lazy.hpp"
#include "engine/operations.hpp"
#include "functors/prelu.hpp"

namespace xact {

namespace detail {

template <class F>
void check_lazy()
{
    static_assert(!engine::is_axis_v<F>, "xact::lazy: softmax and log_softmax normalise along an axis and are not "
                                         "element-wise; use xact::forward or xact::backward");
}

template <class F>
using lazy_element_t = std::conditional_t<engine::is_channelwise_v<F>, leaky_relu, F>;

// The element functor of f: f itself, or the math of prelu's one alpha.
template <class F>
lazy_element_t<F> lazy_element(const F& f, const char* operation)
{
    check_lazy<F>();
    if constexpr (engine::is_channelwise_v<F>) {
        if (f.channels() != 1)
            fail(engine::call_site{operation, F::name}.prefix() + "alpha has " + std::to_string(f.channels()) +
                 " entries; in an Eigen expression prelu takes one alpha (a coefficient does not know its "
                 "channel): use xact::forward for one alpha per channel");
        return f.channel(0);
    } else {
        return f;
    }
}

template <class D>
void check_lazy_scalar()
{
    engine::check_scalar<typename D::Scalar>();
}

} // namespace detail

// The Eigen unary functor of f (operator() and packetOp), for expr.unaryExpr(xact::lazy_op(f)).
template <class F>
engine::eigen_unary_op<engine::forward_kernel<detail::lazy_element_t<F>>> lazy_op(const F& f)
{
    return {{detail::lazy_element(f, "lazy_op")}};
}

// The Eigen unary functor of f', for expr.unaryExpr(xact::lazy_derivative_op(f)).
template <class F>
engine::eigen_unary_op<engine::derivative_kernel<detail::lazy_element_t<F>>> lazy_derivative_op(const F& f)
{
    return {{detail::lazy_element(f, "lazy_derivative_op")}};
}

// The Eigen binary functor (x, dy) -> dy * f'(x), for x.binaryExpr(dy, xact::lazy_backward_op(f)).
template <class F>
engine::eigen_binary_op<engine::backward_kernel<detail::lazy_element_t<F>>> lazy_backward_op(const F& f)
{
    return {{detail::lazy_element(f, "lazy_backward_op")}};
}

// f(x) as an Eigen expression of x's kind (Array or Matrix) and shape.
template <class F, class D>
auto lazy(const F& f, const Eigen::DenseBase<D>& x)
{
    detail::check_lazy_scalar<D>();
    using op = engine::eigen_unary_op<engine::forward_kernel<detail::lazy_element_t<F>>>;
    return Eigen::CwiseUnaryOp<op, const D>(x.derived(), op{{detail::lazy_element(f, "lazy")}});
}

// f'(x) as an Eigen expression.
template <class F, class D>
auto lazy_derivative(const F& f, const Eigen::DenseBase<D>& x)
{
    detail::check_lazy_scalar<D>();
    using op = engine::eigen_unary_op<engine::derivative_kernel<detail::lazy_element_t<F>>>;
    return Eigen::CwiseUnaryOp<op, const D>(x.derived(), op{{detail::lazy_element(f, "lazy_derivative")}});
}

// dy * f'(x) as an Eigen expression (x and dy of one kind, one scalar type, one shape: a shape
// mismatch throws here, as xact::backward's would).
template <class F, class D, class E>
auto lazy_backward(const F& f, const Eigen::DenseBase<D>& x, const Eigen::DenseBase<E>& dy)
{
    detail::check_lazy_scalar<D>();
    static_assert(std::is_same_v<typename D::Scalar, typename E::Scalar>,
                  "xact::lazy_backward: x and dy must have the same scalar type");
    using op = engine::eigen_binary_op<engine::backward_kernel<detail::lazy_element_t<F>>>;
    const op o{{detail::lazy_element(f, "lazy_backward")}};
    if (x.rows() != dy.rows() || x.cols() != dy.cols())
        detail::fail(engine::call_site{"lazy_backward", F::name}.prefix() + "dy has shape " +
                     engine::shape(dy.rows(), dy.cols()) + ", expected " + engine::shape(x.rows(), x.cols()) +
                     " (x's shape)");
    return Eigen::CwiseBinaryOp<op, const D, const E>(x.derived(), dy.derived(), o);
}

} // namespace xact
