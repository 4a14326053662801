// hard_sigmoid(x) = relu6(x + 3) / 6: 0 for x <= -3, 1 for x >= 3, (x + 3)/6 between (PyTorch's
// hardsigmoid).
// hard_sigmoid'(x) = 1/6 for -3 < x < 3, 0 elsewhere (0 at both kinks, as PyTorch).
// The derivative reads x; from the output it reads y (0 < y < 1 exactly where -3 < x < 3).
// x, clamped to [-3, 3], plus 3 is carried exactly (a fast two-sum) and divided by 6 with an
// exact remainder, so the result is rounded once: correctly rounded but for the rounding of a
// correction term.
// Measured max error (tests/functors/test_hard_sigmoid.cpp, long double reference, float: every
// 4093rd bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 0.50 ULP (float), 0.50 (double); derivative 0.33, 0.33 (the rounding of 1/6).
// Bounds: 0.51 and 0.5 ULP. NaN -> NaN; hard_sigmoid(-inf) = 0, hard_sigmoid(inf) = 1.
#pragma once

#include "../math/exact.hpp"

namespace xact {

namespace detail {

// (s + e) / 6 rounded once (up to the rounding of a correction of about an ulp), for s + e
// exact with |e| <= ulp(s): q = s/6 to within an ulp, r = s - 6 q exactly, then
// (s + e)/6 = q + (r + e)/6.
template <class V>
XACT_INLINE V divide_by_6(V s, V e) noexcept
{
    using T = math::scalar_t<V>;
    const V sixth(T(1) / T(6));
    const V q = s * sixth;
    V r;
    if constexpr (math::has_fused_fma) {
        r = math::fma(q, V(T(-6)), s);
    } else {
        const auto p = math::two_prod(q, V(T(6)));
        r = (s - p.hi) - p.lo; // s - p.hi is exact (Sterbenz)
    }
    return math::fma(r + e, sixth, q);
}

} // namespace detail

struct hard_sigmoid {
    static constexpr const char* name = "hard_sigmoid";

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        // x clamped to [-3, 3] (a NaN stays NaN), so that 3 >= |x| and x + 3 is carried exactly
        // by a fast two-sum; the ends give 0/6 and 6/6 exactly.
        const V c = math::clamp(x, math::splat<V>(-3), math::splat<V>(3));
        const auto s = math::fast_two_sum(math::splat<V>(3), c);
        return detail::divide_by_6(s.hi, s.lo);
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        const auto inside = (x > math::splat<V>(-3)) & (x < math::splat<V>(3));
        return math::keep_nan(x, math::select(inside, math::splat<V>(1.0 / 6), math::splat<V>(0)));
    }

    template <class V>
    XACT_INLINE V derivative_from_output(V y) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(y, [this](auto v) { return this->derivative_from_output(v); });
        const auto inside = (y > math::splat<V>(0)) & (y < math::splat<V>(1));
        return math::keep_nan(y, math::select(inside, math::splat<V>(1.0 / 6), math::splat<V>(0)));
    }
};

} // namespace xact
