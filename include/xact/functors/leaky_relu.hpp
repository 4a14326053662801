// leaky_relu(x) = x for x > 0, alpha x otherwise (alpha defaults to 0.01)
// leaky_relu'(x) = 1 for x > 0, alpha for x <= 0 (the x <= 0 branch at the kink).
// The derivative reads x; from the output (alpha > 0 only) it reads y.
// alpha is a double; on float data it is rounded to float first (alpha_T, as the frameworks do
// for float tensors), and the results are exact functions of alpha_T: y = alpha_T x correctly
// rounded (one multiplication), f' = alpha_T. NaN -> NaN; -inf -> -inf (alpha > 0), -0 (alpha = 0).
// Error (tests/functors/test_leaky_relu.cpp, against x alpha_T in long double): forward
// <= 0.5 ULP (correctly rounded), derivative exact.
#pragma once

#include "../math/simd.hpp"

namespace xact {

struct leaky_relu {
    static constexpr const char* name = "leaky_relu";
    double alpha = 0.01;

    constexpr leaky_relu() = default;
    constexpr explicit leaky_relu(double a) noexcept : alpha(a) {}

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        // Branch on the parameter, not on values: alpha = 0 must give 0 at x = -inf, not NaN.
        const V a = math::splat<V>(alpha);
        if (alpha == 0)
            return math::select(x > math::splat<V>(0), x, math::mul0(x, a));
        return math::select(x > math::splat<V>(0), x, x * a);
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        return math::keep_nan(x, math::select(x > math::splat<V>(0), math::splat<V>(1), math::splat<V>(alpha)));
    }

    // Valid for alpha > 0, where y > 0 exactly when x > 0 (the operations check alpha).
    template <class V>
    XACT_INLINE V derivative_from_output(V y) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(y, [this](auto v) { return this->derivative_from_output(v); });
        return derivative(y);
    }

    // d f / d alpha = x for x <= 0, else 0.
    template <class V>
    XACT_INLINE V derivative_alpha(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative_alpha(v); });
        return math::select(x > math::splat<V>(0), math::splat<V>(0), x);
    }

    // The parameter derivative_from_output is valid for.
    bool output_invertible() const noexcept { return alpha > 0; }
};

} // namespace xact
