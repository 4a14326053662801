// elu(x) = x for x > 0, alpha (e^x - 1) otherwise (alpha defaults to 1), with expm1 so that
// small |x| keeps full relative accuracy.
// elu'(x) = 1 for x > 0, alpha e^x for x <= 0 (the x <= 0 branch at 0, where it is alpha).
// The derivative reads x; from the output (alpha > 0) it reads y: 1 for y > 0, y + alpha.
// d elu / d alpha = e^x - 1 for x <= 0, else 0.
// Limits: elu(-inf) = -alpha, elu'(-inf) = 0. NaN -> NaN.
// Measured max error (tests/functors/test_elu.cpp, long double reference, float: every 4093rd
// bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 1.03 ULP (float; 1.09 over every input: docs/accuracy/exhaustive/elu.md), 1.06
// (double); derivative 1.04, 0.96. Bounds: 2 and 3 ULP. The negative branch, where the target
// fuses fma, is math/fast_exp.hpp's (x <= 0 only); else expm1 and exp (math/exp.hpp).
#pragma once

#include "../math/fast_exp.hpp"

namespace xact {

struct elu {
    static constexpr const char* name = "elu";
    double alpha = 1.0;

    constexpr elu() = default;
    constexpr explicit elu(double a) noexcept : alpha(a) {}

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        using T = math::scalar_t<V>;
        return math::select(x > math::splat<V>(0), x,
                            math::scale(math::expm1_nonpositive(x), math::split_constant<T>(alpha)));
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        using T = math::scalar_t<V>;
        return math::select(x > math::splat<V>(0), math::splat<V>(1),
                            math::scale(math::exp_nonpositive(x), math::split_constant<T>(alpha)));
    }

    // alpha e^x = y + alpha on the x <= 0 branch; valid for alpha > 0.
    template <class V>
    XACT_INLINE V derivative_from_output(V y) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(y, [this](auto v) { return this->derivative_from_output(v); });
        return math::select(y > math::splat<V>(0), math::splat<V>(1), y + math::splat<V>(alpha));
    }

    template <class V>
    XACT_INLINE V derivative_alpha(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative_alpha(v); });
        return math::select(x > math::splat<V>(0), math::splat<V>(0), math::expm1_nonpositive(x));
    }

    bool output_invertible() const noexcept { return alpha > 0; }
};

} // namespace xact
