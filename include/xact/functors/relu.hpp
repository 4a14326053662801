// relu(x) = max(x, 0)
// relu'(x) = 1 for x > 0, 0 for x <= 0 (the x <= 0 branch at the kink, as PyTorch).
// The derivative reads x; from the output it reads y (y > 0 exactly where x > 0).
// Exact (0 ULP) for float and double, measured over the sweeps of tests/functors/test_relu.cpp.
// relu(NaN) = NaN, relu(-0) = +0, relu(+-inf) = inf, 0.
#pragma once

#include "../math/simd.hpp"

namespace xact {

struct relu {
    static constexpr const char* name = "relu";

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        // max(+0, x) keeps a NaN and -0 (x86 returns the second operand for both; NEON the NaN
        // and +0); adding +0 turns -0 into +0 and changes nothing else.
        return xsimd::max(math::splat<V>(0), x) + math::splat<V>(0);
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        return math::keep_nan(x, math::select(x > math::splat<V>(0), math::splat<V>(1), math::splat<V>(0)));
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
