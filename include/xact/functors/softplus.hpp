// softplus(x) = log(1 + e^(beta x)) / beta, and x where beta x > threshold (PyTorch's
// semantics; defaults beta = 1, threshold = 20; beta > 0).
// Computed as (max(z, 0) + log1p(e^-|z|)) / beta with z = beta x: never overflows, and keeps
// full relative accuracy in the left tail, where softplus ~ e^(beta x) / beta.
// softplus'(x) = sigmoid(beta x), and 1 where beta x > threshold (PyTorch's softplus_backward).
// With a fused fma, sigmoid's own kernel of the batch's type fed beta x as hi + lo
// (math/fast_sigmoid.hpp); without one, float in double (math/widen.hpp), double as a quotient
// of double words.
// The derivative reads x; from the output it reads y: -expm1(-beta y) = 1 - e^(-beta y)
// (accurate where y is small; 1 - e^-threshold rather than 1 just past the threshold).
// beta x is carried as hi + lo (exact product), so the test against the threshold is exact
// and e^-|z| is not hurt by the rounding of z. For beta != 1 the forward result is rounded
// once: e^-|z| as a double word (math::exp_split), log1p of it and the sum with z as double
// words, and the product with 1/beta (hi + lo) rounded at the end (a third slower than beta =
// 1, whose cheaper kernel rounds log1p and e^-|z| on the way). The threshold is used as
// T(threshold).
// Measured max error (tests/functors/test_softplus.cpp, long double reference, float: every
// 4093rd bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid;
// beta = 1: forward 1.69 ULP (float), 1.62 (double); derivative 1.49, 1.44 (0.50, 0.68 without
// a fused fma). beta in {2, 0.5, 1.5, 3} (sweeps only): forward 1.18 (float), 0.94 (double);
// derivative <= 1.43.
// Bounds 2 and 3.
// Limits: softplus(-inf) = 0, softplus(inf) = inf, f'(-inf) = 0, f'(inf) = 1. NaN -> NaN.
#pragma once

#include "../math/exact.hpp"
#include "../math/exp.hpp"
#include "../math/fast_sigmoid.hpp"
#include "../math/log.hpp"
#include "../math/logistic.hpp"
#include "../math/widen.hpp"

namespace xact {

struct softplus {
    static constexpr const char* name = "softplus";
    double beta = 1.0;
    double threshold = 20.0;

    constexpr softplus() = default;
    constexpr explicit softplus(double b, double t = 20.0) noexcept : beta(b), threshold(t) {}

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        using T = math::scalar_t<V>;
        const auto z = math::scaled_product(x, math::split_constant<T>(beta));
        // beta = 1: log(1 + e^z) rounded as it comes (1.7 ULP) is the cheaper kernel, the one
        // log_sigmoid uses; otherwise 1/beta is applied before the last rounding.
        const V sp = beta == 1.0 ? log1p_exp(z) : log1p_exp(z, math::reciprocal_constant<T>(beta));
        return math::select(linear(z), x, sp);
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        using T = math::scalar_t<V>;
        const auto z = math::scaled_product(x, math::split_constant<T>(beta));
        if constexpr (math::has_fused_fma && !math::is_scalar_v<V>) {
            // sigmoid's kernel of the batch's own type (math/fast_sigmoid.hpp), fed z's low part
            // (0 beyond the kernel's clamp, where sigmoid is 0 or 1 whatever it is)
            constexpr T limit = math::detail::fast_constants<T>::sigmoid_limit;
            const V lo = math::select(math::abs(z.hi) < math::splat<V>(limit), z.lo, math::splat<V>(0));
            return math::select(linear(z), math::splat<V>(1), math::fast_sigmoid<true>(z.hi, lo));
        } else if constexpr (math::widens_v<V>) {
            // float: sigmoid(beta x) in double (beta x rounded to 2^-53 costs |beta x| 2^-53 of the
            // result), as sigmoid's kernel; the threshold still decided on the exact product
            const double b = beta;
            const V s = math::in_double(x, [b](auto xd) { return math::wide_sigmoid(decltype(xd)(b) * xd, 200.0); });
            return math::select(linear(z), math::splat<V>(1), math::keep_nan(x, s));
        } else {
            const V s = math::sigmoid_from(math::logistic(z), z.hi < math::splat<V>(0));
            return math::select(linear(z), math::splat<V>(1), s);
        }
    }

    // sigmoid(beta x) = 1 - e^(-beta y), since e^(beta y) = 1 + e^(beta x).
    template <class V>
    XACT_INLINE V derivative_from_output(V y) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(y, [this](auto v) { return this->derivative_from_output(v); });
        using T = math::scalar_t<V>;
        return math::neg(math::expm1(math::neg(math::scale(y, math::split_constant<T>(beta)))));
    }

    // log(1 + e^z) = max(z, 0) + log1p(e^-|z|) for z = hi + lo; NaN stays NaN.
    template <class V>
    static XACT_INLINE V log1p_exp(const math::double_word<V>& z) noexcept
    {
        const auto positive = z.hi > math::splat<V>(0);
        // e^-|z| = e^(-|hi|) (1 -+ lo)
        const V e = math::exp(math::neg(math::abs(z.hi)));
        const V t = math::fma(e, math::select(positive, math::neg(z.lo), z.lo), e);
        const V l = math::log1p_unit(t);
        return math::select(positive, z.hi + (z.lo + l), l);
    }

    // c log(1 + e^z) = c (max(z, 0) + log1p(t)), t = e^-|z|, for z = hi + lo and a constant c,
    // rounded once: t = m 2^n (m a double word, math::exp_split), log1p(t) and the sum as double
    // words, the product with c rounded at the end. Far left (n < -(2p + 4), z < 0) log1p(t) = t
    // to below 2^-2p and the result is (m c) 2^n, scaled in two exact steps so that a denormal
    // result is rounded once. NaN stays NaN.
    template <class V>
    static XACT_INLINE V log1p_exp(const math::double_word<V>& z,
                                   const math::split_constant<math::scalar_t<V>>& c) noexcept
    {
        using T = math::scalar_t<V>;
        const V zero(T(0)), one(T(1));
        const auto positive = z.hi > zero;
        const math::double_word<V> minus_abs{math::neg(math::abs(z.hi)), math::select(positive, math::neg(z.lo), z.lo)};
        const auto e = math::exp_split(minus_abs);
        const auto m = e.m();
        const V lim(T(-2 * std::numeric_limits<T>::digits - 4));
        const auto far = e.n < lim;
        // t = m 2^n exactly (0 far out, where it is below z's last place)
        const V p = math::select(far, zero, math::pow2i(math::select(far, lim, e.n)));
        const V t = m.hi * p;
        auto l = math::log1p_unit_split(t);
        l.lo = l.lo + math::div(m.lo * p, one + t); // log1p(t + dt) = log1p(t) + dt/(1 + t)
        const V near = math::scale(math::select(positive, math::add(z, l), l), c);
        const V tail = math::detail::scale_pow2(math::scale(m, c), e.n);
        // z beyond 1e18 (z.lo is 0 there): log1p(t) is below z's last place
        const V huge = math::scale(z.hi, c);
        return math::select(z.hi > V(T(1e18)), huge, math::select(far & !positive, tail, near));
    }

private:
    // beta x > threshold, decided on the exact product hi + lo.
    template <class V>
    XACT_INLINE auto linear(const math::double_word<V>& z) const noexcept
    {
        const V t = math::splat<V>(threshold);
        return (z.hi > t) | ((z.hi == t) & (z.lo > math::splat<V>(0)));
    }
};

} // namespace xact
