// hard_tanh(x) = min(max(x, min_val), max_val) (defaults -1 and 1; min_val <= max_val).
// hard_tanh'(x) = 1 for min_val < x < max_val, 0 elsewhere (0 at both kinks, as PyTorch).
// The derivative reads x; from the output it reads y (y is strictly inside exactly where x is).
// The bounds are used as T(min_val), T(max_val) (rounded to nearest): the forward result is
// then the correctly rounded clamp with the double bounds, and both derivatives test against
// the same rounded bounds.
// Exact (0 ULP) for float and double, forward and derivative, measured over the sweeps of
// tests/functors/test_hard_tanh.cpp. NaN -> NaN; +-inf -> max_val, min_val.
#pragma once

#include "../math/simd.hpp"

namespace xact {

struct hard_tanh {
    static constexpr const char* name = "hard_tanh";
    double min_val = -1.0;
    double max_val = 1.0;

    constexpr hard_tanh() = default;
    constexpr hard_tanh(double lo, double hi) noexcept : min_val(lo), max_val(hi) {}

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        return math::clamp(x, math::splat<V>(min_val), math::splat<V>(max_val));
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        const auto inside = (x > math::splat<V>(min_val)) & (x < math::splat<V>(max_val));
        return math::keep_nan(x, math::select(inside, math::splat<V>(1), math::splat<V>(0)));
    }

    template <class V>
    XACT_INLINE V derivative_from_output(V y) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(y, [this](auto v) { return this->derivative_from_output(v); });
        return derivative(y);
    }
};

} // namespace xact
