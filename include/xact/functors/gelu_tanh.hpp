// gelu_tanh(x) = x/2 (1 + tanh u), u = sqrt(2/pi) (x + 0.044715 x^3), computed as
// x sigmoid(z) with z = 2u carried as a double word (in the tail sigmoid(z) ~ e^z, and a one-ULP
// error in z would cost |z| ULP; the constants sqrt(8/pi) and 0.044715 are split too).
// gelu_tanh'(x) = sigmoid(z) + x sigmoid'(z) z'(x), z'(x) = sqrt(8/pi) (1 + 3 * 0.044715 x^2),
// with w = x z'(x) a double word: math::sigmoid_plus_prime (as swish', whose shape it shares;
// near the root x0 = -0.75246 the error is absolute, the accuracy issue's mixed metric).
// That is double's kernel without a fused fma; with one, double takes swish's kernels in double,
// fed the same z and w: math/fast_sigmoid.hpp for the forward, math/fast_sigmoid_plus_prime.hpp
// for the derivative (1.3x the double-word one's speed). Float computes the same formulas in
// plain double arithmetic, rounded once (math/widen.hpp). The derivative reads x (no
// backward_from_output).
// Limits: gelu_tanh(-inf) = -0, (inf) = inf, gelu_tanh'(-inf) = 0, (inf) = 1. NaN -> NaN.
// Measured max error (tests/functors/test_gelu_tanh.cpp, long double reference, float: every 4093rd
// bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 0.50 ULP (float), 1.31 (double; 1.00 without a fused fma); derivative 0.51, 1.28
// (0.78 without).
// Bounds: 2 and 3 ULP.
#pragma once

#include "../math/fast_sigmoid.hpp"
#include "../math/fast_sigmoid_plus_prime.hpp"
#include "../math/logistic.hpp"
#include "../math/widen.hpp"

namespace xact {

namespace detail {

template <class T>
struct gelu_tanh_coefficients;

template <>
struct gelu_tanh_coefficients<float> {
    static constexpr float limit = 20.0f; // saturated beyond; keeps x^3 finite
};

template <>
struct gelu_tanh_coefficients<double> {
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
        if constexpr (math::widens_v<V>) {
            // float: x/(1 + e) (z >= 0) or x e/(1 + e) (z < 0), e = e^-|z|, in double
            // (math/widen.hpp): z's rounding costs |z| 2^-53 relative, nothing in float
            const V r = math::in_double(x, [](auto xd) {
                using W = decltype(xd);
                const W z = wide_argument(xd);
                const W e = math::wide_exp_neg_abs(z, wide_limit);
                const W y = math::div(math::select(z < W(0.0), xd * e, xd), W(1.0) + e);
                return math::select(z < W(-wide_limit), W(0.0), y);
            });
            // the result has x's sign, zeros included
            return math::keep_nan(x, math::or_sign(r, x));
        }
        const auto z = argument(x);
        if constexpr (math::has_fused_fma && !math::is_scalar_v<V> && !math::widens_v<V>) {
            // double with a fused fma: swish's kernel (math/fast_sigmoid.hpp; |z| >= 1.59 |x|),
            // fed z's low part where |z| is below its clamp
            const V limit(math::detail::fast_constants<math::scalar_t<V>>::swish_limit);
            return math::fast_times_sigmoid<true>(x, z.hi, math::select(math::abs(z.hi) < limit, z.lo, math::splat<V>(0)));
        }
        const V r = math::times_sigmoid(x, math::logistic(z), z.hi < math::splat<V>(0));
        // Below the exponential's range the result is 0 (this also keeps x = -inf finite).
        return math::select(z.hi < math::exp_range_low<V>(), math::copysign(math::splat<V>(0), x), r);
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        if constexpr (math::widens_v<V>) {
            // float: (d + e w) / d^2 (z >= 0) or e (d + w) / d^2 (z < 0), d = 1 + e,
            // w = x z'(x), in double: next to the root d + w errs by about 2^-33 absolute
            const V r = math::in_double(x, [](auto xd) {
                using W = decltype(xd);
                const W x2 = xd * xd;
                const W z = wide_argument(xd);
                const W w = (W(double(sqrt_8_over_pi)) * xd) * math::fma(W(double(3 * k)), x2, W(1.0));
                const W e = math::wide_exp_neg_abs(z, wide_limit);
                const W d = W(1.0) + e;
                const W g = math::div(math::select(z < W(0.0), e * (d + w), math::fma(w, e, d)), d * d);
                return math::select(z < W(-wide_limit), W(0.0), math::select(z > W(wide_limit), W(1.0), g));
            });
            return math::keep_nan(x, r);
        }
        using T = math::scalar_t<V>;
        using C = detail::gelu_tanh_coefficients<T>;
        const V xc = math::clamp(x, math::splat<V>(-C::limit), math::splat<V>(C::limit));
        const auto z = argument(x);
        // w = x z'(x) = sqrt(8/pi) (x + 3k x^3), as a double word (it nearly cancels 1 + e at the root)
        constexpr math::split_constant<T> k3(3 * k), c(sqrt_8_over_pi);
        const auto x2 = math::two_prod(xc, xc);
        const auto u = math::add(math::mul(math::mul(x2, math::double_word<V>{V(k3.hi), V(k3.lo)}), xc), xc);
        const auto w = math::mul(u, math::double_word<V>{V(c.hi), V(c.lo)});
        if constexpr (math::has_fused_fma && !math::is_scalar_v<V>) {
            // double with a fused fma: swish''s kernel in double (math/fast_sigmoid_plus_prime.hpp),
            // fed z's low part where |z| is below its clamp; beyond it g is 0 (z < 0) or, with
            // e = 0 and w finite (x is clamped), 1
            const V limit(math::detail::fast_constants<T>::swish_limit);
            const V r = math::fast_sigmoid_plus_prime<true>(z.hi, math::select(math::abs(z.hi) < limit, z.lo, math::splat<V>(0)), w);
            return math::keep_nan(x, math::select(z.hi < math::neg(limit), math::splat<V>(0), r));
        }
        const V r = math::sigmoid_plus_prime(w, math::logistic(z), z.hi < math::splat<V>(0));
        return math::keep_nan(x, math::select(z.hi < math::exp_range_low<V>(), math::splat<V>(0), r));
    }

private:
    static constexpr long double k = 0.044715L;
    static constexpr long double sqrt_8_over_pi = 1.5957691216057307117597842397375L;

    // Beyond |z| = 300, e^-|z| times any float x is 0 in float.
    static constexpr double wide_limit = 300.0;

    // z = sqrt(8/pi) x (1 + k x^2) in double (finite for every finite float x).
    template <class W>
    XACT_INLINE static W wide_argument(W x) noexcept
    {
        return (W(double(sqrt_8_over_pi)) * x) * math::fma(W(double(k)), x * x, W(1.0));
    }

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
