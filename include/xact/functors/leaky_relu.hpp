// leaky_relu(x) = x for x > 0, alpha x otherwise (alpha defaults to 0.01)
// leaky_relu'(x) = 1 for x > 0, alpha for x <= 0 (the x <= 0 branch at the kink).
// The derivative reads x; from the output (alpha > 0 only) it reads y.
// alpha is kept in double and applied as hi + lo, so float results are within 1 ULP of the
// product with the double alpha (0.5 ULP with hardware FMA away from the underflow threshold;
// measured 1.2 ULP without FMA just above it); exact branch selection. NaN -> NaN; -inf -> -inf (alpha > 0),
// 0 (alpha = 0).
// Measured max error (tests/functors/test_leaky_relu.cpp, long double reference, float: every 4093rd
// bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 0.84 ULP (float), 0.68 (double); derivative 0.24, 0.12 (the rounding of alpha). Bounds: 2 and 0.5 ULP.
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
        using T = math::scalar_t<V>;
        return math::select(x > math::splat<V>(0), x, math::scale(x, math::split_constant<T>(alpha)));
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
