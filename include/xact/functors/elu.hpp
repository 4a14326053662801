// elu(x) = x for x > 0, alpha (e^x - 1) otherwise (alpha defaults to 1), with expm1 so that
// small |x| keeps full relative accuracy.
// elu'(x) = 1 for x > 0, alpha e^x for x <= 0 (the x <= 0 branch at 0, where it is alpha).
// The derivative reads x; from the output (alpha > 0) it reads y: 1 for y > 0, y + alpha.
// d elu / d alpha = e^x - 1 for x <= 0, else 0.
// Limits: elu(-inf) = -alpha, elu'(-inf) = 0. NaN -> NaN.
// Measured max error (tests/functors/test_elu.cpp, long double reference, float: every 4093rd
// bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 1.09 ULP (float, every input: docs/accuracy/exhaustive/elu.md), 1.09 (double);
// derivative 0.96, 0.97. Bounds: 2 and 3 ULP. The negative branch, where the target fuses fma,
// is math/fast_exp.hpp (x <= 0 only); else expm1 (math/exp.hpp).
#pragma once

#include "../math/exp.hpp"
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
        return math::select(x > math::splat<V>(0), x, math::scale(negative_branch(x), math::split_constant<T>(alpha)));
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        using T = math::scalar_t<V>;
        return math::select(x > math::splat<V>(0), math::splat<V>(1),
                            math::scale(negative_exp(x), math::split_constant<T>(alpha)));
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
        return math::select(x > math::splat<V>(0), math::splat<V>(0), negative_branch(x));
    }

    bool output_invertible() const noexcept { return alpha > 0; }

private:
    // e^x - 1 and e^x where x <= 0 (other lanes are selected away): with a fused fma by the
    // short kernels for that side (math/fast_exp.hpp), else math/exp.hpp's.
    template <class V>
    XACT_INLINE static V negative_branch(V x) noexcept
    {
        if constexpr (math::has_fused_fma && !math::is_scalar_v<V>)
            return math::fast_expm1_nonpositive(x);
        else
            return math::expm1(x);
    }

    template <class V>
    XACT_INLINE static V negative_exp(V x) noexcept
    {
        if constexpr (math::has_fused_fma && !math::is_scalar_v<V>)
            return math::fast_exp_nonpositive(x);
        else
            return math::exp(x);
    }
};

} // namespace xact
