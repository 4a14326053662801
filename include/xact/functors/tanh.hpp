// tanh(x) = sign(x) m / (m + 2) with m = e^(2|x|) - 1 (expm1: no cancellation near 0).
// float: on AVX-512, |x| P(|x| - c) from a table of 30 polynomials, no exponential and no
// division (math/tanh_table.hpp, within 0.74 ULP); elsewhere in float where the target has a
// fused fma (math/fast_tanh.hpp, the quotient with m = e^(-2|x|) - 1, within 1.11 ULP), else in
// double and rounded once (math/widen.hpp); double with a fused fma: math/fast_tanh.hpp's kernel
// in double (1.06 ULP over 10^7 samples, 1.9x the speed of the double-word one), without: m is
// a double word and the quotient is rounded once. The derivative with a fused fma: the logistic
// kernel of the batch's type (math/fast_sigmoid.hpp), float and double.
// tanh'(x) = 1 / cosh^2 x = 4 e / (1 + e)^2 = 4 sigmoid'(2x) with e = e^(-2|x|): accurate where
// 1 - tanh^2 would cancel to 0.
// The derivative reads x; from the output it reads y: 1 - y^2.
// Limits: tanh(+-inf) = +-1, tanh'(+-inf) = 0, tanh(-0) = -0. NaN -> NaN.
// Measured max error (tests/functors/test_tanh.cpp, long double reference, float: every 4093rd
// bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 0.65 ULP (float, AVX-512; 0.93 with a fused fma elsewhere, 0.51 in double without
// one), 1.02 (double with a fused fma; 0.61 without); derivative
// 1.03, 0.96 with a fused fma (0.50, 0.59 without). Bounds: 2 and 3 ULP.
#pragma once

#include "../math/fast_tanh.hpp"
#include "../math/logistic.hpp"
#include "../math/tanh_table.hpp"
#include "../math/widen.hpp"

namespace xact {

struct tanh {
    static constexpr const char* name = "tanh";

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>) {
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        } else if constexpr (math::has_slot_tables_v<V>) {
            return math::table_tanh(x); // float on AVX-512: a table of polynomials (math/tanh_table.hpp)
        } else if constexpr (math::has_fused_fma) {
            return math::fast_tanh(x); // in the batch's own type (math/fast_tanh.hpp)
        } else if constexpr (math::widens_v<V>) {
            // float without one: m / (m + 2), m = e^(2|x|) - 1, in double (math/widen.hpp); tanh is 1 in
            // float beyond |x| = 9.1
            const V a = xsimd::min(math::abs(x), math::splat<V>(20));
            const V r = math::in_double(a, [](auto ad) {
                using W = decltype(ad);
                const W m = math::wide_expm1(ad + ad);
                return math::div(m, m + W(2.0));
            });
            return math::keep_nan(x, math::copysign(r, x));
        } else {
            // double without one: beyond |x| = 20, tanh is 1 in double; clamping keeps expm1 finite
            const V a = math::select(math::abs(x) > math::splat<V>(20), math::splat<V>(20), math::abs(x));
            const auto m = math::expm1_split(a + a);
            return math::copysign(math::quotient(m, math::add(m, math::splat<V>(2))), x);
        }
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        if constexpr (math::widens_v<V> && math::has_fused_fma) {
            return math::fast_tanh_prime(x); // float with a fused fma: in float (math/fast_tanh.hpp)
        } else if constexpr (math::widens_v<V>) {
            // float without one: E / (1 + E/4)^2 with E = 4 e^(-2|x|) = e^(-2|x| + ln 4), in double (the
            // result stays normal there until it is rounded to float; 0 in float beyond 100)
            const V a = xsimd::max(x | math::splat<V>(-0.0), math::splat<V>(-100));
            const V r = math::in_double(a, [](auto ad) {
                using W = decltype(ad);
                const W e4 = math::wide_exp(math::fma(ad, W(2.0), W(1.3862943611198906)));
                const W d = math::fma(e4, W(0.25), W(1.0));
                return math::div(e4, d * d);
            });
            return math::keep_nan(x, r);
        } else if constexpr (math::has_fused_fma && !math::is_scalar_v<V>) {
            // double with a fused fma: the logistic kernel (math/fast_sigmoid.hpp), 4 sigma'(2x)
            // rounded once (0 beyond |x| = 380: 4 e^-760 < denorm_min / 2)
            using T = math::scalar_t<V>;
            return math::fast_sigmoid_prime(x + x, T(760), T(4));
        } else {
            // 4 sigma'(2x): 2x and the factor 4 are exact (4 goes in before the one rounding,
            // which may be to a denormal)
            const math::double_word<V> four{math::splat<V>(4), math::splat<V>(0)};
            return math::times_sigmoid_prime(four, math::logistic(x + x));
        }
    }

    template <class V>
    XACT_INLINE V derivative_from_output(V y) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(y, [this](auto v) { return this->derivative_from_output(v); });
        return math::fma(math::neg(y), y, math::splat<V>(1));
    }
};

} // namespace xact
