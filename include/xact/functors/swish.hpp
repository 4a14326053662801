// swish(x) = x sigmoid(beta x) (beta defaults to 1; silu is swish with beta = 1).
// swish'(x) = g(beta x) with g(z) = sigmoid(z) + z sigmoid'(z), e = e^-|z|, d = 1 + e:
//   z >= 0: (d + z e) / d^2                   (no cancellation)
//   z <  0: e (1 + e + z) / d^2               (1 + e + z summed in double words: near the root
//                                              z0 = -1.27846 of g the error is absolute, a few
//                                              2^-2p, which the accuracy issue's mixed metric counts)
// d swish / d beta = x^2 sigmoid'(beta x).
// beta x is carried as a double word, so the tail sigmoid(beta x) ~ e^(beta x) keeps its
// relative accuracy for any beta. The derivative reads x (g is not a function of y).
// Limits (beta > 0): swish(-inf) = 0, swish(inf) = inf, swish'(-inf) = 0, swish'(inf) = 1.
// Measured max error (tests/functors/test_swish.cpp, long double reference, float: every 4093rd
// bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 1.00 ULP (float), 1.00 (double) (both at denormal results, rounded twice); derivative
// 0.75, 0.74 (mixed metric next to the root). Bounds: 2 and 3 ULP.
#pragma once

#include "../math/exact.hpp"
#include "../math/logistic.hpp"

namespace xact {

struct swish {
    static constexpr const char* name = "swish";
    double beta = 1.0;

    constexpr swish() = default;
    constexpr explicit swish(double b) noexcept : beta(b) {}

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        const auto z = scaled(x);
        const auto negative = z.hi < math::splat<V>(0);
        const V r = math::times_sigmoid(x, math::logistic(z), negative);
        // Below the exponential's range x sigma(z) is 0 (even for the largest x): that keeps
        // x = -inf (and x e^z overflowing before its scaling) from giving inf or NaN.
        return math::select(z.hi < math::exp_range_low<V>(), math::copysign(math::splat<V>(0), x), r);
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        const auto z = scaled(x);
        const auto negative = z.hi < math::splat<V>(0);
        const V r = math::sigmoid_plus_prime(z, math::logistic(z), negative);
        // Saturated: g -> 0 below and 1 above (and z = +-inf must not reach e z = 0 inf).
        const V lo = math::exp_range_low<V>();
        return math::select(z.hi < lo, math::splat<V>(0), math::select(z.hi > math::neg(lo), math::splat<V>(1), r));
    }

    template <class V>
    XACT_INLINE V derivative_beta(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative_beta(v); });
        using T = math::scalar_t<V>;
        const auto z = scaled(x);
        const auto p = math::logistic(z);
        // x^2 as an exact double word, rounded once with sigma'(z); below 2^((min_exponent +
        // digits)/2) x^2 loses its low part to underflow, and there (sigma' ~ 1/4 is normal)
        // x (x sigma'(z)) is the accurate order instead.
        const V r = math::times_sigmoid_prime(math::two_prod(x, x), p);
        const V tiny = x * math::times_sigmoid_prime(math::double_word<V>{x, math::splat<V>(0)}, p);
        constexpr int e = (std::numeric_limits<T>::min_exponent + std::numeric_limits<T>::digits) / 2;
        const V small = math::splat<V>(std::ldexp(1.0, e));
        const V r2 = math::select(math::abs(x) < small, tiny, r);
        // x^2 e^-|z| -> 0 for |z| beyond the range (also x = +-inf with beta != 0).
        return math::select(math::abs(z.hi) > math::neg(math::exp_range_low<V>()), math::splat<V>(0), r2);
    }

private:
    // beta x as hi + lo (math/exact.hpp).
    template <class V>
    XACT_INLINE math::double_word<V> scaled(V x) const noexcept
    {
        return math::scaled_product(x, math::split_constant<math::scalar_t<V>>(beta));
    }
};

// silu(x) = x sigmoid(x): swish with beta = 1 (see swish for formulas and accuracy).
struct silu : swish {
    static constexpr const char* name = "silu";
    constexpr silu() noexcept : swish(1.0) {}
};

} // namespace xact
