// Eigen dense objects as views: direct-access objects (Array, Matrix, Map, Block, Ref, fixed or
// dynamic, either storage order) are used in place; expressions are evaluated once into a
// plain object first.
#pragma once

#include <type_traits>
#include <utility>

#include <Eigen/Core>

#include "view.hpp"

namespace xact::engine {

template <class D>
inline constexpr bool has_direct_access_v = (Eigen::internal::traits<D>::Flags & Eigen::DirectAccessBit) != 0;

template <class D>
inline constexpr bool is_writable_v =
    has_direct_access_v<D> && (Eigen::internal::traits<D>::Flags & Eigen::LvalueBit) != 0;

template <class D>
view<std::remove_const_t<typename D::Scalar>> output_view(D& y)
{
    static_assert(is_writable_v<D>, "xact: an output must be a writable Eigen object with direct access "
                                    "(Array, Matrix, Map, Block, Ref), not an expression");
    using T = typename D::Scalar;
    const std::ptrdiff_t inner = y.innerStride(), outer = y.outerStride();
    return {const_cast<T*>(y.data()), y.rows(), y.cols(), D::IsRowMajor ? outer : inner, D::IsRowMajor ? inner : outer,
            D::IsVectorAtCompileTime != 0};
}

template <class D>
view<const typename D::Scalar> input_view(const D& x)
{
    const std::ptrdiff_t inner = x.innerStride(), outer = x.outerStride();
    return {x.data(), x.rows(), x.cols(), D::IsRowMajor ? outer : inner, D::IsRowMajor ? inner : outer,
            D::IsVectorAtCompileTime != 0};
}

// Calls fn(view of x), evaluating an expression once into a temporary.
template <class D, class Fn>
decltype(auto) with_input(const Eigen::DenseBase<D>& x, Fn&& fn)
{
    if constexpr (has_direct_access_v<D>) {
        return fn(input_view(x.derived()));
    } else {
        const typename D::PlainObject plain = x.derived();
        return fn(input_view(plain));
    }
}

} // namespace xact::engine
