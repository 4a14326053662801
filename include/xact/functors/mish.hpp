// mish(x) = x tanh(softplus(x)) (Misra, "Mish: A Self Regularized Non-Monotonic Activation
// Function", 2019). With u = e^x, tanh(log(1 + u)) = n/d, n = u(u + 2), d = n + 2, so
//   mish(x)  = x n / d                                  (no log, no tanh, one exp)
//   mish'(x) = tanh(sp) + x sech^2(sp) sigmoid(x) = u ((u + 2) d + 4x (1 + u)) / d^2.
// For x > 1 both are written in v = e^-x (u would grow): with D = 1 + 2v + 2v^2,
//   mish(x) = x (1 - 2v^2/D),  mish'(x) = 1 + (2v^2/D) (2x (1 + v)/D - 1).
// For x <= 1 e^x is kept as m 2^k (m a double word, math::exp_split) and n, d and the
// numerators are double words, each result rounded once at the end (math::finish), which also
// keeps denormal results in the left tail right.
// float: the plain formulas (u form, clamped to [-200, 40]) in double, rounded once
// (math/widen.hpp). double with a fused fma: math/fast_mish.hpp (the same forms from a short
// exponential, exact sums and one division: forward 2.0x the double-word form's speed, 1.07 ULP
// against 0.82; derivative outside the root's window 1.7x, 0.80 ULP against 0.76). double
// otherwise, as follows.
// Near the root x0 = -1.19243 of mish' (the minimum of mish), where the two terms cancel,
// mish'(x) = (x - x0) P(x - x0) with x0 in two parts and P a near-minimax fit.
// The derivative reads x (mish is not invertible on (-inf, x0]).
// Measured max error (tests/functors/test_mish.cpp, long double reference, float: every
// 4093rd bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 0.50 ULP (float), 1.04 (double; 0.82 without a fused fma); derivative 0.51, 0.81
// (0.74 without).
// Bounds: 2 and 3 ULP.
// Limits: mish(-inf) = -0, mish(inf) = inf, mish'(-inf) = 0, mish'(inf) = 1. NaN -> NaN.
// mish(-0) = -0.
#pragma once

#include "../math/double_word.hpp"
#include "../math/exp.hpp"
#include "../math/fast_mish.hpp"
#include "../math/logistic.hpp"
#include "../math/widen.hpp"

namespace xact {

namespace detail {

// The root x0 of mish' in two parts (mpmath, findroot at 60 digits), and on |t| <= 1/32
// mish'(x0 + t) = t (c0 + t Q(t)): c0 = mish''(x0) in two parts, Q a Chebyshev interpolant of
// mpmath (relative error of c0 + t Q: 2^-30 float, 2^-60 double). Outside that window the
// double-word form keeps its accuracy (measured <= 1 ULP at |t| = 1/64).
template <class T>
struct mish_constants;

template <>
struct mish_constants<float> {
    static constexpr float root_hi = -1.1924312114715576f, root_lo = -3.0439375464652585e-09f;
    static constexpr float c0_hi = 0.2669479250907898f, c0_lo = -1.1041255021382312e-08f;
    static constexpr float q[] = {0.2047312706708908f, 0.04190782085061073f, -0.02027510292828083f,
                                  -0.015820059925317764f};
};

template <>
struct mish_constants<double> {
    static constexpr double root_hi = -1.1924312145154952, root_lo = -4.8484829848031044e-17;
    static constexpr double c0_hi = 0.2669479140495345, c0_lo = 1.5332816617135587e-17;
    static constexpr double q[] = {0.20473126408010586,  0.04190782104360987,   -0.020271822716694025,
                                   -0.01582112656174638, -0.003360684876965025, 0.001092405607495861,
                                   0.000989736100721644, 0.0002540203254866529};
};

} // namespace detail

struct mish {
    static constexpr const char* name = "mish";

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        if constexpr (math::widens_v<V>) {
            // float: x n / d in double, rounded once (math/widen.hpp); for x > 40 n/d is 1 to
            // double precision (u stays at e^40), below -200 the result rounds to -0 (x there too)
            const V r = math::in_double(x, [](auto xd) {
                using W = decltype(xd);
                const W xl = xsimd::max(xd, W(-200.0));
                const W u = math::wide_exp(xsimd::min(xl, W(40.0)));
                const W n = u * (u + W(2.0));
                return math::div(xl * n, n + W(2.0));
            });
            return math::keep_nan(x, r);
        }
        if constexpr (math::has_fused_fma && !math::is_scalar_v<V>)
            return math::fast_mish(x); // double with a fused fma (math/fast_mish.hpp)
        const V one = math::splat<V>(1);
        const auto right = x > one;
        const auto e = exponential(math::select(right, math::neg(x), x));

        // x <= 1: x n / d = x m (u + 2) / d 2^k, rounded once.
        const V left = math::finish(math::mul(math::mul(e.m, math::add(e.u, math::splat<V>(2))), x), e.d, e.k);

        // x > 1: x (1 - w), w = 2v^2 / D (w <= 0.14: its rounding hardly shows).
        const V v = e.u.hi + e.u.lo; // e^-x
        const V vv2 = math::splat<V>(2) * (v * v);
        const V w = math::div(vv2, (one + (v + v)) + vv2);
        const V right_value = math::select(x > math::splat<V>(64), x, math::fma(math::neg(x), w, x));

        // Below exp's range e^x is 0 to every precision: the limit -0.
        const V below = math::select(x < math::exp_range_low<V>(), math::splat<V>(-0.0), left);
        // mish has x's sign (the double words above make +0 of -0)
        return math::or_sign(math::select(right, right_value, below), x);
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        if constexpr (math::widens_v<V>) {
            // float: u ((u + 2) d + 4x (1 + u)) / d^2 in double, rounded once; beyond 40 the
            // result rounds to 1, below -200 to -0. Next to the root the terms cancel and the
            // exponential's 2^-32 comes through as 2^-33 absolute: there (|t| <= 1/32) the
            // float polynomial t (c0 + t Q(t)), in double, keeps the relative accuracy.
            using C = detail::mish_constants<float>;
            const V r = math::in_double(x, [](auto xd) {
                using W = decltype(xd);
                const W xc = xsimd::min(xsimd::max(xd, W(-200.0)), W(40.0));
                const W u = math::wide_exp(xc);
                const W d = math::fma(u, u + W(2.0), W(2.0));
                const W num = u * math::fma(u + W(2.0), d, (W(4.0) * xc) * (W(1.0) + u));
                const W t = (xd - W(double(C::root_hi))) - W(double(C::root_lo));
                const W c0 = W(double(C::c0_hi) + double(C::c0_lo));
                const W near_root = t * math::fma(t, math::horner(t, C::q), c0);
                return math::select(math::abs(t) <= W(1.0 / 32), near_root, math::div(num, d * d));
            });
            return math::keep_nan(x, r);
        }
        using T = math::scalar_t<V>;
        using C = detail::mish_constants<T>;
        // next to the root x0: t (c0 + t Q(t)), t = x - x0
        // (th + tl)(c0_hi + c0_lo + q), th = x - root_hi exact there, the leading product fused.
        const V th = x - V(C::root_hi), tl(-C::root_lo);
        const V t = th + tl;
        const auto window = math::abs(t) <= math::splat<V>(1.0 / 32);
        const V q = t * math::horner(t, C::q);
        const V near_root = math::fma(th, V(C::c0_hi), math::fma(t, q + V(C::c0_lo), tl * V(C::c0_hi)));
        if constexpr (math::has_fused_fma && !math::is_scalar_v<V>)
            return math::select(window, near_root, math::fast_mish_prime(x)); // math/fast_mish.hpp

        const V one = math::splat<V>(1), two = math::splat<V>(2);
        const auto right = x > one;
        const auto e = exponential(math::select(right, math::neg(x), x));

        // x <= 1: u b / d^2, b = (u + 2) d + 4x (1 + u) in double words (b cancels towards the root).
        const auto b = math::add(math::mul(math::add(e.u, two), e.d), math::mul(math::add(e.u, one), math::splat<V>(4) * x));
        const V left = math::finish(math::mul(e.m, b), math::square(e.d), e.k);

        // x > 1: 1 + (2v^2/D) (2x (1 + v)/D - 1)
        const V v = e.u.hi + e.u.lo; // e^-x
        const V vv2 = two * (v * v);
        const V dd = (one + (v + v)) + vv2;
        const V c = math::div(vv2, dd) * (math::div((two * x) * (one + v), dd) - one);
        const V right_value = math::select(x > math::splat<V>(64), one, one + c);

        const V below = math::select(x < math::exp_range_low<V>(), math::splat<V>(-0.0), left);
        return math::select(right, right_value, math::select(window, near_root, below));
    }

private:
    // e^a = m 2^k (m a double word in [0.7, 1.42]), u = e^a as a double word (0 where it is
    // below 2^-(2p+4), negligible next to 2), and d = u^2 + 2u + 2.
    template <class V>
    struct exponential_parts {
        math::double_word<V> m, u, d;
        V k;
    };

    template <class V>
    static XACT_INLINE exponential_parts<V> exponential(V a) noexcept
    {
        using T = math::scalar_t<V>;
        const V zero(T(0));
        const V lim(T(-2 * std::numeric_limits<T>::digits - 4));
        const auto ex = math::exp_split(a);
        const auto m = ex.m();
        const V p = math::select(ex.n >= lim, math::pow2i(math::select(ex.n >= lim, ex.n, lim)), zero);
        const math::double_word<V> u{m.hi * p, m.lo * p};
        const auto d = math::add(math::add(math::square(u), math::double_word<V>{u.hi + u.hi, u.lo + u.lo}), V(T(2)));
        return {m, u, d, ex.n};
    }
};

} // namespace xact
