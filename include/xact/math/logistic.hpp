// The logistic family, sign-split so that nothing ever forms 1 - (something tiny), and carried
// in double words so that each result is rounded once. For z = hi + lo, a = -|z|:
//   e = e^a = (1 + p) 2^n  (math/exp.hpp),  d = 1 + e,
//   sigma(z)  = 1/d (z >= 0), e/d (z < 0)
//   sigma'(z) = sigma(z) sigma(-z) = e / d^2
// A result is written as N / D 2^k with N and D double words (N carries e's mantissa, 2^k its
// power of two): `finish` divides and scales once, so the result is within about half an ULP
// plus the few 2^-p/8 of e, and stays right where e^a is denormal (x e^a may be normal again).
// The double-word argument serves callers whose z is itself a rounded product (swish's beta x,
// gelu_tanh's polynomial): in the tail sigma(z) ~ e^z, where one ULP in z would cost |z| ULP.
#pragma once

#include "double_word.hpp"
#include "exp.hpp"
#include "simd.hpp"

namespace xact::math {

template <class V>
struct logistic_parts {
    double_word<V> m; // e 2^-n, in [0.7, 1.42]
    V n;
    double_word<V> e; // e itself; 0 where it is below 2^-(2p+4) (nothing next to 1)
    double_word<V> d; // 1 + e
};

template <class V>
XACT_INLINE logistic_parts<V> logistic(double_word<V> z) noexcept
{
    using T = scalar_t<V>;
    const V zero(T(0));
    const V lim(T(-2 * std::numeric_limits<T>::digits - 4));
    const auto negative = z.hi < zero;
    const double_word<V> a{math::neg(math::abs(z.hi)), math::select(negative, z.lo, math::neg(z.lo))};
    const auto ex = math::exp_split(a);
    const auto m = ex.m();
    const V t = math::select(ex.n >= lim, math::pow2i(math::select(ex.n >= lim, ex.n, lim)), zero);
    const double_word<V> e{m.hi * t, m.lo * t};
    const V one(T(1));
    const V s = one + e.hi; // e <= 1: fast two-sum
    return {m, ex.n, e, {s, (e.hi - (s - one)) + e.lo}};
}

template <class V>
XACT_INLINE logistic_parts<V> logistic(V z) noexcept
{
    return math::logistic(double_word<V>{z, V(scalar_t<V>(0))});
}

// n / d 2^k, rounded once (a denormal result rounds twice, each time within the last place).
template <class V>
XACT_INLINE V finish(double_word<V> n, double_word<V> d, V k) noexcept
{
    return detail::scale_pow2(math::quotient(n, d), k);
}

// sigma(z); `negative` says where z < 0.
template <class V, class B>
XACT_INLINE V sigmoid_from(const logistic_parts<V>& p, const B& negative) noexcept
{
    const V zero(scalar_t<V>(0)), one(scalar_t<V>(1));
    return math::finish(math::select(negative, p.m, double_word<V>{one, zero}), p.d, math::select(negative, p.n, zero));
}

// sigma'(z) = e / d^2.
template <class V>
XACT_INLINE V sigmoid_prime_from(const logistic_parts<V>& p) noexcept
{
    return math::finish(p.m, math::square(p.d), p.n);
}

// x sigma(z). Where e^a underflowed entirely (z below exp_lo) the caller selects the limit.
template <class V, class B>
XACT_INLINE V times_sigmoid(V x, const logistic_parts<V>& p, const B& negative) noexcept
{
    const V zero(scalar_t<V>(0));
    return math::finish(math::select(negative, math::mul(p.m, x), double_word<V>{x, zero}), p.d,
                        math::select(negative, p.n, zero));
}

// w sigma'(z) for a double-word w.
template <class V>
XACT_INLINE V times_sigmoid_prime(double_word<V> w, const logistic_parts<V>& p) noexcept
{
    return math::finish(math::mul(p.m, w), math::square(p.d), p.n);
}

// sigma(z) + w sigma'(z), the shape of swish' (w = z) and gelu_tanh' (w = x z'(x)):
//   z <  0: e (1 + e + w) / d^2     (the root of the derivative lies here: 1 + e + w is summed
//                                     in double words, so it keeps its accuracy next to the root)
//   z >= 0: (d + e w) / d^2
template <class V, class B>
XACT_INLINE V sigmoid_plus_prime(double_word<V> w, const logistic_parts<V>& p, const B& negative) noexcept
{
    const V zero(scalar_t<V>(0));
    const auto below = math::mul(p.m, math::add(p.d, w));
    const auto above = math::add(p.d, math::mul(p.e, w));
    return math::finish(math::select(negative, below, above), math::square(p.d), math::select(negative, p.n, zero));
}

} // namespace xact::math
