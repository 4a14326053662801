// tanh(x) = sign(x) m / (m + 2) with m = e^(2|x|) - 1 (expm1: no cancellation near 0).
// tanh'(x) = 1 / cosh^2 x = 4 e / (1 + e)^2 with e = e^(-2|x|): accurate where 1 - tanh^2
// would cancel to 0.
// The derivative reads x; from the output it reads y: 1 - y^2.
// Limits: tanh(+-inf) = +-1, tanh'(+-inf) = 0, tanh(-0) = -0. NaN -> NaN.
// Measured max error (tests/functors/test_tanh.cpp, long double reference, float: every 4093rd
// bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 2.27 ULP (float), 2.31 (double); derivative 3.51, 3.49. Bounds: 4 and 8 ULP.
#pragma once

#include "../math/exp.hpp"

namespace xact {

struct tanh {
    static constexpr const char* name = "tanh";

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        // Beyond |x| = 20, tanh is 1 in double; clamping keeps expm1 finite.
        const V a = math::select(math::abs(x) > math::splat<V>(20), math::splat<V>(20), math::abs(x));
        const V m = math::expm1(a + a);
        return math::copysign(m / (m + math::splat<V>(2)), x);
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        const V e = math::exp(math::splat<V>(-2) * math::abs(x));
        const V d = math::splat<V>(1) + e;
        return (math::splat<V>(4) * e / d) / d;
    }

    template <class V>
    XACT_INLINE V derivative_from_output(V y) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(y, [this](auto v) { return this->derivative_from_output(v); });
        return math::fma(math::neg(y), y, math::splat<V>(1));
    }
};

} // namespace xact
