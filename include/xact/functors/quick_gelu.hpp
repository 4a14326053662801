// quick_gelu(x) = x sigmoid(1.702 x) (the sigmoid approximation of GELU in Hendrycks & Gimpel,
// "Gaussian Error Linear Units", 2016, as used by CLIP): swish with beta = 1.702 (the double
// nearest 1.702, applied as hi + lo also in float).
// quick_gelu'(x) = g(1.702 x), g(z) = sigmoid(z) + z sigmoid(z) sigmoid(-z), evaluated by
// swish's derivative (root z0 = -1.27846 of g, so x0 = -0.75115).
// The derivative reads x (g is not a function of y).
// Limits: quick_gelu(-inf) = 0, quick_gelu(inf) = inf, f'(-inf) = 0, f'(inf) = 1. NaN -> NaN.
// Accuracy: swish's (tests/functors/test_quick_gelu.cpp checks forward <= 2 and derivative
// <= 3 ULP against the long double reference, with the mixed metric next to the root; float
// forward 1.17 ULP measured there, by swish's float kernel for beta >= 1).
#pragma once

#include "swish.hpp"

namespace xact {

struct quick_gelu {
    static constexpr const char* name = "quick_gelu";
    static constexpr double beta = 1.702;

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        return swish(beta)(x);
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        return swish(beta).derivative(x);
    }
};

} // namespace xact
