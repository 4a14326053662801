// exp and expm1 over scalars and batches, and exp_split / expm1_split: the same before their
// last rounding, as double words, for kernels that round once at the end.
//
// Range reduction x = n ln2 + r, |r| <= ln2/2 (Cody-Waite, ln2 in two parts), then
// expm1(r) = r + r^2 q(r) with a near-minimax q (scripts/gen_coefficients.py).
// exp:   max error 1 ULP (float and double); underflows gradually into denormals.
// expm1: max error 2 ULP; exact for x = 0 and returns -1 below the float/double limit.
// NaN in gives NaN out; +inf gives +inf, -inf gives 0 (exp) and -1 (expm1).
#pragma once

#include "double_word.hpp"
#include "simd.hpp"

namespace xact::math {

namespace detail {

template <class T>
struct exp_constants;

template <>
struct exp_constants<float> {
    static constexpr float ln2_hi = 0.693145751953125f; // 15 significant bits: n * ln2_hi is exact
    static constexpr float ln2_lo = 1.42860682030941723212e-06f;
    static constexpr float log2e = 1.44269504088896341f;
    // Below exp_lo even e^x 2^64 (exp_with_scaled) is 0; above exp_hi e^x is inf.
    static constexpr float exp_lo = -150.0f, exp_hi = 89.0f;
    static constexpr float expm1_lo = -26.0f, expm1_hi = 89.0f;    // beyond: -1 and inf
    static constexpr float scale_down = -100.0f;                   // second scaling step
    static constexpr float q[] = {0.5f, 0.1666666716337204f, 0.04166645556688309f, 0.00833331048488617f,
                                  0.0013934532180428505f, 0.00019891970441676676f};
};

template <>
struct exp_constants<double> {
    static constexpr double ln2_hi = 6.93147180369123816490e-01; // 0x3fe62e42fee00000
    static constexpr double ln2_lo = 1.90821492927058770002e-10;
    static constexpr double log2e = 1.44269504088896338700e+00;
    static constexpr double exp_lo = -840.0, exp_hi = 710.0;
    static constexpr double expm1_lo = -60.0, expm1_hi = 710.0;
    static constexpr double scale_down = -512.0;
    static constexpr double q[] = {0.5, 0.1666666666666667, 0.04166666666666667, 0.008333333333325551,
                                   0.0013888888888883332, 0.00019841269876840357, 2.480158732699005e-05,
                                   2.755725286336732e-06, 2.755727183153613e-07, 2.5106262550879078e-08,
                                   2.0915433598076003e-09};
};

// x = n ln2 + r; returns expm1(r) and n.
template <class V>
XACT_INLINE V reduce_expm1(V x, V& n) noexcept
{
    using T = scalar_t<V>;
    using C = exp_constants<T>;
    n = math::round_nearest(x * V(C::log2e));
    V r = math::fma(n, V(-C::ln2_hi), x);
    r = math::fma(n, V(-C::ln2_lo), r);
    return math::fma(r * r, math::horner(r, C::q), r);
}

} // namespace detail

namespace detail {

// y 2^n in two exact steps, so that a denormal result is rounded once, at the end.
template <class V>
XACT_INLINE V scale_pow2(V y, V n) noexcept
{
    using T = scalar_t<V>;
    const V k = math::select(n < V(T(0)), V(exp_constants<T>::scale_down), V(T(1)));
    return (y * math::pow2i(n - k)) * math::pow2i(k);
}

} // namespace detail

// e^x.
template <class V>
XACT_INLINE V exp(V x) noexcept
{
    using T = scalar_t<V>;
    using C = detail::exp_constants<T>;
    V n;
    const V p = detail::reduce_expm1(math::clamp(x, V(C::exp_lo), V(C::exp_hi)), n);
    return detail::scale_pow2(V(T(1)) + p, n);
}

// e^x - 1, without cancellation near 0.
template <class V>
XACT_INLINE V expm1(V x) noexcept
{
    using T = scalar_t<V>;
    using C = detail::exp_constants<T>;
    V n;
    const V p = detail::reduce_expm1(math::clamp(x, V(C::expm1_lo), V(C::expm1_hi)), n);
    // 2^n (1 + p) - 1 = 2 (t p + (t - 1/2)) with t = 2^(n-1): t - 1/2 is exact where it
    // matters and 2^(n-1) cannot overflow before the result does.
    const V t = math::pow2i(n - V(T(1)));
    const V r = V(T(2)) * math::fma(t, p, t - V(T(0.5)));
    // Below 2^-digits, expm1(x) rounds to x (this also keeps denormal x exact).
    return math::select(math::abs(x) < V(std::ldexp(T(1), -std::numeric_limits<T>::digits)), x, r);
}

// The argument below which exp_split clamps (e^x is then below every result's last place).
template <class V>
XACT_INLINE V exp_range_low() noexcept
{
    return V(detail::exp_constants<scalar_t<V>>::exp_lo);
}

// e^x before its last rounding: e^x = (1 + p) 2^n, p = expm1(r) in [-0.3, 0.42] carried as a
// double word. Kernels that go on to multiply or divide e^x keep it this way and round once at
// the end (relative error of 1 + p: about 2^-p/8, plus the polynomial's). x is clamped to
// [exp_lo, exp_hi]; callers select the limits beyond.
template <class V>
struct exp_parts {
    double_word<V> p; // expm1 of the reduced argument
    V n;              // the power of two
    // 1 + p as a double word (the mantissa of e^x, in [0.7, 1.42]).
    XACT_INLINE double_word<V> m() const noexcept
    {
        const V one(scalar_t<V>(1));
        const V s = one + p.hi; // |p| < 1: fast two-sum
        return {s, (p.hi - (s - one)) + p.lo};
    }
};

template <class V>
XACT_INLINE exp_parts<V> exp_split(V x) noexcept
{
    using T = scalar_t<V>;
    using C = detail::exp_constants<T>;
    const V xc = math::clamp(x, V(C::exp_lo), V(C::exp_hi));
    const V n = math::round_nearest(xc * V(C::log2e));
    // r = x - n ln2 as a double word: n ln2_hi has few bits, so the first step is exact
    const auto r = math::two_sum(math::fma(n, V(-C::ln2_hi), xc), n * V(-C::ln2_lo));
    const V s = (r.hi * r.hi) * math::horner(r.hi, C::q); // expm1(r.hi) - r.hi, |s| < |r.hi|
    const V hi = r.hi + s;
    // e^(r.hi + r.lo) - 1 = p + r.lo (1 + p)
    const V lo = (s - (hi - r.hi)) + math::fma(r.lo, hi, r.lo);
    return {{hi, lo}, n};
}

// e^(hi + lo) for a double-word argument: e^hi (1 + lo), lo folded into p. lo is dropped where
// hi lies outside [exp_lo, exp_hi]: there hi is clamped, and the low word of a huge hi is huge
// itself (x - m for x = -2.7e68, m = 2.9e207 has lo = -2.7e68), so that folding it in would
// turn e^hi = 0 into a huge mantissa whose products overflow.
template <class V>
XACT_INLINE exp_parts<V> exp_split(double_word<V> x) noexcept
{
    using C = detail::exp_constants<scalar_t<V>>;
    exp_parts<V> e = math::exp_split(x.hi);
    const V lo = math::select((x.hi >= V(C::exp_lo)) & (x.hi <= V(C::exp_hi)), x.lo, V(scalar_t<V>(0)));
    // (1 + p)(1 + lo) - 1 = p + lo (1 + p)
    e.p.lo = e.p.lo + math::fma(lo, e.p.hi, lo);
    return e;
}

// e^x - 1 as a double word, for x in [expm1_lo, exp_hi]: 2^n (1 + p) - 1 = (2^n - 1) + 2^n p,
// where 2^n - 1 is exact for the n that matter (beyond, -1 or 2^n dominates).
template <class V>
XACT_INLINE double_word<V> expm1_split(V x) noexcept
{
    const auto e = math::exp_split(x);
    const V t = math::pow2i(e.n);
    const auto s = math::two_sum(t - V(scalar_t<V>(1)), t * e.p.hi);
    return math::fast_two_sum(s.hi, s.lo + t * e.p.lo);
}

// -x^2 / 2 as an exact double word, the argument of gelu's e^(-x^2/2): rounding x^2 first
// would cost about x^2/2 ULP in the tail.
template <class V>
XACT_INLINE double_word<V> neg_half_square(V x) noexcept
{
    using T = scalar_t<V>;
    const auto sq = math::two_prod(x, x);
    return {sq.hi * V(T(-0.5)), sq.lo * V(T(-0.5))};
}

} // namespace xact::math
