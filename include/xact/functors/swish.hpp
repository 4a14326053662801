// swish(x) = x sigmoid(beta x) (beta defaults to 1; silu is swish with beta = 1).
// swish'(x) = g(beta x) with g(z) = sigmoid(z) + z sigmoid'(z)
//   z >= 0: sigmoid(z) (1 + z e/d)            (no cancellation)
//   z <  0: e (1 + z + e) / d^2, e = e^z      (1 + z is exact near the root)
//   near the root z0 = -1.27846 of g: (z - z0) P(z - z0) with z0 in two parts.
// d swish / d beta = x^2 sigmoid'(beta x).
// beta x is carried as a double word, so the tail sigmoid(beta x) ~ e^(beta x) keeps its
// relative accuracy for any beta. The derivative reads x (g is not a function of y).
// Limits (beta > 0): swish(-inf) = 0, swish(inf) = inf, swish'(-inf) = 0, swish'(inf) = 1.
// Measured max error (tests/functors/test_swish.cpp, long double reference, float: every 4093rd
// bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 2.83 ULP (float), 2.81 (double); derivative 4.28, 4.28. Bounds: 4 and 8 ULP.
#pragma once

#include "../math/logistic.hpp"

namespace xact {

namespace detail {

template <class T>
struct swish_root;

template <>
struct swish_root<float> {
    static constexpr float hi = -1.2784645557403564f, lo = 1.2979282537628478e-08f;
    static constexpr float p[] = {0.2178117036819458f, 0.14664879441261292f, 0.018874799832701683f,
                                  -0.015222718939185143f, -0.00660617696121335f, 0.0001279442076338455f,
                                  0.0007945877150632441f, 0.0001750953815644607f, -2.964947998407297e-05f};
};

template <>
struct swish_root<double> {
    static constexpr double hi = -1.2784645427610737, lo = -1.0946994183093437e-16;
    static constexpr double p[] = {0.2178117057198001, 0.1466487969969469, 0.018874814223782347,
                                   -0.015222655223188159, -0.006606589138360727, 0.00012662741008843755,
                                   0.0007985218820265545, 0.00018570724346262003, -4.090534666934857e-05,
                                   -2.9733541658230057e-05, -2.942577737255788e-06, 2.3460495435168115e-06,
                                   8.595886071175548e-07, -3.080120497669148e-08, -9.126897872098826e-08,
                                   -1.7357798134810072e-08, 2.57974880883888e-09};
};

} // namespace detail

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
        return math::times_sigmoid(x, math::logistic(z), z.hi < math::splat<V>(0));
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        using T = math::scalar_t<V>;
        using R = detail::swish_root<T>;
        const V one = math::splat<V>(1);
        const auto z = scaled(x);
        const auto p = math::logistic(z);
        const V positive = (one + math::mul0(z.hi, p.e) / p.d) / p.d;
        const V n = ((one + z.hi) + z.lo) + p.e;
        const V negative = p.unscale(math::mul0(p.es, n) / (p.d * p.d));
        const V r = math::select(z.hi >= math::splat<V>(0), positive, negative);
        const V dr = (z.hi - V(R::hi)) + (z.lo - V(R::lo));
        const auto window = (dr >= math::splat<V>(-0.5)) & (dr <= math::splat<V>(0.4));
        return math::select(window, dr * math::horner(dr, R::p), r);
    }

    template <class V>
    XACT_INLINE V derivative_beta(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative_beta(v); });
        return math::times_sigmoid_prime(x * x, math::logistic(scaled(x)));
    }

private:
    // beta x as hi + lo.
    template <class V>
    XACT_INLINE math::double_word<V> scaled(V x) const noexcept
    {
        using T = math::scalar_t<V>;
        const math::split_constant<T> b(beta);
        auto z = math::two_prod(x, V(b.hi));
        const V lo = math::fma(x, V(b.lo), z.lo);
        // Far out the low part carries nothing (sigmoid has saturated), and it may be NaN: inf - inf
        // at x = +-inf, or an overflow in the split of two_prod without hardware FMA.
        z.lo = math::select(math::abs(z.hi) <= math::splat<V>(1e18), lo, math::splat<V>(0));
        return z;
    }
};

// silu(x) = x sigmoid(x): swish with beta = 1 (see swish for formulas and accuracy).
struct silu : swish {
    static constexpr const char* name = "silu";
    constexpr silu() noexcept : swish(1.0) {}
};

} // namespace xact
