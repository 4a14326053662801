// gelu_tanh(x) = x/2 (1 + tanh u), u = sqrt(2/pi) (x + 0.044715 x^3), computed as
// x sigmoid(z) with z = 2u carried as a double word (in the tail sigmoid(z) ~ e^z, and a one-ULP
// error in z would cost |z| ULP; the constants sqrt(8/pi) and 0.044715 are split too).
// gelu_tanh'(x) = sigmoid(z) + x sigmoid'(z) z'(x), z'(x) = sqrt(8/pi) (1 + 3 * 0.044715 x^2);
// near its root x0 = -0.75246: (x - x0) P(x - x0), x0 in two parts.
// The derivative reads x (no backward_from_output).
// Limits: gelu_tanh(-inf) = -0, (inf) = inf, gelu_tanh'(-inf) = 0, (inf) = 1. NaN -> NaN.
// Measured max error (tests/functors/test_gelu_tanh.cpp, long double reference, float: every 4093rd
// bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 2.88 ULP (float), 3.00 (double); derivative 6.34, 6.02. Bounds: 4 and 8 ULP.
#pragma once

#include "../math/logistic.hpp"

namespace xact {

namespace detail {

template <class T>
struct gelu_tanh_coefficients;

template <>
struct gelu_tanh_coefficients<float> {
    static constexpr float root_hi = -0.7524614334106445f, root_lo = 1.1339627903339533e-08f;
    static constexpr float root_p[] = {0.4304001033306122f, 0.38751843571662903f, -0.015782851725816727f, -0.11394448578357697f, -0.016619417816400528f, 0.01968229003250599f, 0.005262412130832672f, -0.0024211134295910597f, -0.0009348618914373219f, 0.00025012026890181005f, 0.00013462793140206486f};
    static constexpr float limit = 20.0f; // saturated beyond; keeps x^3 finite
};

template <>
struct gelu_tanh_coefficients<double> {
    static constexpr double root_hi = -0.7524614220710163, root_lo = 3.635560509207687e-17;
    static constexpr double root_p[] = {0.4304000910248585, 0.38751844613578895, -0.01578285352184653, -0.11394448308096075, -0.01661932834318517, 0.0196823094598787, 0.005261059259471896, -0.002422731844697916, -0.0009274421009172637, 0.0002639275808335442, 0.0001242530082376537, -3.495527123204535e-05, -1.5954645694627337e-05, 5.912095918103862e-06, 2.442813691902653e-06, -9.660758330302804e-07, -4.3541989536533707e-07, 1.0269270259659771e-07, 5.7643778254556124e-08};
    static constexpr double limit = 40.0;
};

} // namespace detail

struct gelu_tanh {
    static constexpr const char* name = "gelu_tanh";

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        const auto z = argument(x);
        return math::times_sigmoid(x, math::logistic(z), z.hi < math::splat<V>(0));
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        using T = math::scalar_t<V>;
        using C = detail::gelu_tanh_coefficients<T>;
        const V xc = math::clamp(x, math::splat<V>(-C::limit), math::splat<V>(C::limit));
        const auto z = argument(x);
        const auto p = math::logistic(z);
        const V one = math::splat<V>(1);
        const V xdz = xc * (math::splat<V>(sqrt_8_over_pi) * math::fma(math::splat<V>(3 * k), xc * xc, one));
        // z < 0: sigma (1 + x z' sigma(-z)) from the scaled e (sigma is tiny in the tail)
        const V negative = p.unscale((p.es / p.d) * math::fma(xdz, one / p.d, one));
        const V positive = one / p.d + xdz * math::sigmoid_prime_from(p);
        const V r = math::select(z.hi < math::splat<V>(0), negative, positive);
        const V dr = (x - V(C::root_hi)) - V(C::root_lo);
        const auto window = (dr >= math::splat<V>(-0.75)) & (dr <= math::splat<V>(0.45));
        return math::keep_nan(x, math::select(window, dr * math::horner(dr, C::root_p), r));
    }

private:
    static constexpr long double k = 0.044715L;
    static constexpr long double sqrt_8_over_pi = 1.5957691216057307117597842397375L;

    // z = sqrt(8/pi) x (1 + k x^2) as hi + lo, from the clamped x.
    template <class V>
    XACT_INLINE static math::double_word<V> argument(V x) noexcept
    {
        using T = math::scalar_t<V>;
        using C = detail::gelu_tanh_coefficients<T>;
        const V xc = math::clamp(x, math::splat<V>(-C::limit), math::splat<V>(C::limit));
        constexpr math::split_constant<T> kk(k), c(sqrt_8_over_pi);
        const auto x2 = math::two_prod(xc, xc);
        auto t = math::two_prod(V(kk.hi), x2.hi);                     // k x^2
        t.lo = math::fma(V(kk.hi), x2.lo, math::fma(V(kk.lo), x2.hi, t.lo));
        const V wh = math::splat<V>(1) + t.hi;                       // 1 + k x^2 (two_sum)
        const V bb = wh - math::splat<V>(1);
        const V wl = ((math::splat<V>(1) - (wh - bb)) + (t.hi - bb)) + t.lo;
        auto cx = math::two_prod(xc, V(c.hi));                        // c x
        cx.lo = math::fma(xc, V(c.lo), cx.lo);
        auto z = math::two_prod(cx.hi, wh);                           // c x (1 + k x^2)
        z.lo = math::fma(cx.hi, wl, math::fma(cx.lo, wh, z.lo));
        return z;
    }
};

} // namespace xact
