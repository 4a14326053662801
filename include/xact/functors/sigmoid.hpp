// sigmoid(x) = 1 / (1 + e^-x), computed sign-split (never 1 - tiny).
// sigmoid'(x) = sigmoid(x) sigmoid(-x) = e^-|x| / (1 + e^-|x|)^2, accurate in both tails.
// The forward, where the target has a fused fma, in the batch's own type with an exact residual
// correction (math/fast_sigmoid.hpp, within 1.6 ULP), else: float in double (math/widen.hpp),
// double as one quotient of double words rounded once (math/logistic.hpp). The derivative, where
// the target fuses fma: the same kernel's e / (1 + e)^2 rounded once (within 1.1 ULP; its first
// half is the forward's, which glu's backward shares; float in double was 0.50 ULP but cost
// glu's float backward a second exponential and division: 0.85 -> 1.37 elem/ns), else float in
// double and double by the double-word quotient.
// The derivative reads x; from the output it reads y: y (1 - y) (which loses relative
// accuracy where y is near 1: prefer the x form when x is at hand).
// Limits: sigmoid(-inf) = 0, sigmoid(inf) = 1, sigmoid'(+-inf) = 0. NaN -> NaN.
// Measured max error (tests/functors/test_sigmoid.cpp, long double reference, float: every 4093rd
// bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 1.49 ULP (float), 1.44 (double) with a fused fma (0.50 and 0.68 without one);
// derivative 1.03, 0.92 with a fused fma (0.50 and 0.73 without). Bounds: 2 and 3 ULP.
#pragma once

#include "../math/fast_sigmoid.hpp"
#include "../math/logistic.hpp"
#include "../math/widen.hpp"

namespace xact {

struct sigmoid {
    static constexpr const char* name = "sigmoid";

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        if constexpr (math::has_fused_fma && !math::is_scalar_v<V>) {
            return math::fast_sigmoid(x); // with a fused fma: in the batch's type (math/fast_sigmoid.hpp)
        } else if constexpr (math::widens_v<V>) {
            // float without one: e/(1+e) (x < 0) or 1/(1+e), e = e^-|x|, in double (math/widen.hpp)
            const V r = math::in_double(x, [](auto xd) { return math::wide_sigmoid(xd, -double(wide_limit)); });
            return math::keep_nan(x, r);
        } else {
            return math::sigmoid_from(math::logistic(x), x < math::splat<V>(0));
        }
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        if constexpr (math::has_fused_fma && !math::is_scalar_v<V>) {
            // in the batch's own type (math/fast_sigmoid.hpp); its first half (e^-|x|, 1 + e and
            // its reciprocal) is the forward's, so where both are taken of one input (glu's
            // backward: sigma(b) and sigma'(b)) the compiler computes it once.
            return math::fast_sigmoid_prime(x);
        } else if constexpr (math::widens_v<V>) {
            // float without a fused fma: e/(1+e)^2 in double (e^-|x| and the result stay normal
            // there)
            const V a = xsimd::max(x | math::splat<V>(-0.0), math::splat<V>(wide_limit));
            const V r = math::in_double(a, [](auto ad) {
                using W = decltype(ad);
                const W e = math::wide_exp(ad);
                const W d = W(1.0) + e;
                return math::div(e, d * d);
            });
            return math::keep_nan(x, r);
        } else {
            return math::sigmoid_prime_from(math::logistic(x));
        }
    }

    template <class V>
    XACT_INLINE V derivative_from_output(V y) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(y, [this](auto v) { return this->derivative_from_output(v); });
        return y * (math::splat<V>(1) - y);
    }

private:
    // Below -200 both results are 0 in float; e^-200 is far from double's underflow.
    static constexpr float wide_limit = -200.0f;
};

} // namespace xact
