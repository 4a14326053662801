// The logistic function and its derivative, sign-split so that neither ever forms
// 1 - (something tiny): with e = exp(-|z|) and d = 1 + e,
//   sigma(z)  = 1/d (z >= 0), e/d (z < 0)     max error 2 ULP
//   sigma'(z) = e / d^2                       max error 3 ULP
// The double-word form takes z = hi + lo, for callers whose argument is itself a rounded
// product (swish's beta*x, gelu_tanh's polynomial): in the tail, sigma(z) ~ e^z, and an
// error of one ULP in z would cost |z| ULP in the result.
#pragma once

#include "exp.hpp"
#include "simd.hpp"

namespace xact::math {

template <class V>
struct logistic_parts {
    V e; // math::exp(-|z|)
    V d; // 1 + e
};

template <class V>
XACT_INLINE logistic_parts<V> logistic(double_word<V> z) noexcept
{
    using T = scalar_t<V>;
    const auto negative = z.hi < V(T(0));
    // -|z| as a double word.
    const V e = math::exp(double_word<V>{math::neg(math::abs(z.hi)), math::select(negative, z.lo, math::neg(z.lo))});
    return {e, V(T(1)) + e};
}

template <class V>
XACT_INLINE logistic_parts<V> logistic(V z) noexcept
{
    using T = scalar_t<V>;
    const V e = math::exp(math::neg(math::abs(z)));
    return {e, V(T(1)) + e};
}

// sigma(z) from its parts; `negative` says where z < 0.
template <class V, class B>
XACT_INLINE V sigmoid_from(const logistic_parts<V>& p, const B& negative) noexcept
{
    using T = scalar_t<V>;
    return math::select(negative, p.e, V(T(1))) / p.d;
}

// sigma'(z) = sigma(z) sigma(-z) = e / d^2.
template <class V>
XACT_INLINE V sigmoid_prime_from(const logistic_parts<V>& p) noexcept
{
    return (p.e / p.d) / p.d;
}

} // namespace xact::math
