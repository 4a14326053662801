// log1p(t) = log(1 + t) for 0 <= t <= 1 (softplus and log_sigmoid need it at t = e^-|z|).
//
// Reduction without rounding: for t < 1/2, f = t; above, 1 + t = 2 (1 + f) with
// f = t/2 - 1/2 (exact there, by Sterbenz). So log1p(t) = k ln2 + log1p(f), k in {0, 1}, f in
// [-0.25, 0.5). Then with s = f/(2 + f) (|s| <= 0.2):
//   log1p(f) = 2 atanh(s) = f - s (f - R),  R = s^2 P(s^2),
// P a near-minimax fit of (2 atanh(s) - 2s)/s^3 (scripts: see the doc of the coefficients).
// The leading f is exact and the rounding of s only reaches the correction s (f - R); k ln2 + f
// is summed exactly (Fast2Sum), so the result is rounded about once.
// Measured max error (tests/math/test_log.cpp, against long double log1p: 2^22 floats in
// [0, 1] by ordinal; 2^22 doubles by ordinal and 2^22 uniform): 0.92 ULP (float), 0.94
// (double). Bound 1 ULP.
// NaN -> NaN; outside [0, 1] the result is not specified.
#pragma once

#include "simd.hpp"

namespace xact::math {

namespace detail {

template <class T>
struct log1p_constants;

// P(z) ~ (2 atanh(sqrt z) - 2 sqrt z)/z^(3/2) on [0, 1.02 * 0.2^2], Chebyshev interpolants of
// mpmath (50 digits), relative error 2^-20.3 (float) and 2^-54 (double): enough, as R enters
// the result multiplied by s^2/3 < 0.014.
template <>
struct log1p_constants<float> {
    static constexpr float ln2_hi = 0.693147182464599609375f, ln2_lo = -1.9046542121259336e-09f;
    static constexpr float p[] = {0.6666671633720398f, 0.3997814953327179f, 0.2998436391353607f};
};

template <>
struct log1p_constants<double> {
    static constexpr double ln2_hi = 0.6931471805599453, ln2_lo = 2.3190468138462996e-17;
    static constexpr double p[] = {0.6666666666666666,  0.4000000000000899,  0.2857142856680967,
                                   0.2222222312530122,  0.1818173164090507,  0.1538910477945013,
                                   0.1320508877046769,  0.13644194446437688};
};

} // namespace detail

// log1p(t) before its last rounding, as a double word (hi + lo, not renormalised), for kernels
// that go on to add or multiply and round once at the end.
template <class V>
XACT_INLINE double_word<V> log1p_unit_split(V t) noexcept
{
    using T = scalar_t<V>;
    using C = detail::log1p_constants<T>;
    const auto upper = t >= V(T(0.5));
    const V f = math::select(upper, math::fma(t, V(T(0.5)), V(T(-0.5))), t); // exact
    const V k_hi = math::select(upper, V(C::ln2_hi), V(T(0)));
    const V k_lo = math::select(upper, V(C::ln2_lo), V(T(0)));
    const V s = math::div(f, V(T(2)) + f);
    const V z = s * s;
    const V r = z * math::horner(z, C::p);
    // k ln2_hi + f exactly as hi + lo (|ln2| > |f| where k = 1; hi = f, lo = 0 where k = 0).
    const V hi = k_hi + f;
    const V lo = (k_hi - hi) + f;
    return {hi, lo + math::fma(math::neg(s), f - r, k_lo)};
}

template <class V>
XACT_INLINE V log1p_unit(V t) noexcept
{
    const auto l = math::log1p_unit_split(t);
    return l.hi + l.lo;
}

} // namespace xact::math
