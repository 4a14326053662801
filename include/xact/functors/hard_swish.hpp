// hard_swish(x) = x relu6(x + 3) / 6: 0 for x <= -3, x for x >= 3, x (x + 3)/6 between
// (PyTorch's hardswish).
// hard_swish'(x) = 0 for x < -3, (2x + 3)/6 for -3 <= x <= 3, 1 for x > 3; at the kinks the
// middle branch, as PyTorch: hard_swish'(-3) = -1/2, hard_swish'(3) = 3/2 (f' jumps there).
// The derivative reads x (f is not invertible on [-3, -1.5]).
// x + 3 and 2x + 3 are carried exactly (two-sums), x (x + 3) as an exact product, and the sum is
// divided by 6 with an exact remainder, so both results are rounded once: correctly rounded
// but for the rounding of a correction term, including next to the root -1.5 of f' (the
// exhaustive float sweep finds the forward a hair above 0.5 ULP at rare inputs, e.g.
// x = -0x1.7d3d76p-14; the derivative is correctly rounded).
// Measured max error (tests/functors/test_hard_swish.cpp, long double reference, float: every
// 4093rd bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 0.50 ULP (float), 0.50 (double); derivative 0.50, 0.50. Bounds: 0.51 ULP.
// NaN -> NaN; hard_swish(-inf) = -0, hard_swish(inf) = inf, hard_swish(-0) = -0 (zeros carry x's
// sign); f'(-inf) = 0, f'(inf) = 1.
#pragma once

#include "hard_sigmoid.hpp"

namespace xact {

struct hard_swish {
    static constexpr const char* name = "hard_swish";

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        // c = x clamped to [-3, 3] (a NaN stays NaN, as in hard_sigmoid), so that c + 3 is a fast
        // two-sum; c = -3 gives c + 3 = 0 and y = 0, so only x >= 3 needs a select.
        const V c = math::clamp(x, math::splat<V>(-3), math::splat<V>(3));
        const auto s = math::fast_two_sum(math::splat<V>(3), c);
        // c (s.hi + s.lo) = p.hi + (p.lo + c s.lo), p.hi + p.lo = c s.hi exactly.
        const auto p = math::two_prod(c, s.hi);
        const V y = detail::divide_by_6(p.hi, math::fma(c, s.lo, p.lo));
        // hard_swish has x's sign (x relu6(x + 3) / 6, as PyTorch computes it: -0 for x <= -3 and
        // x = -0; the sums above make +0 of some of those zeros)
        return math::or_sign(math::select(x >= math::splat<V>(3), x, y), x);
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        const auto s = math::two_sum(x + x, math::splat<V>(3));
        const V d = detail::divide_by_6(s.hi, s.lo);
        return math::keep_nan(x, math::select(x < math::splat<V>(-3), math::splat<V>(0),
                                              math::select(x <= math::splat<V>(3), d, math::splat<V>(1))));
    }
};

} // namespace xact
