// The logistic function and its derivative, sign-split so that neither ever forms
// 1 - (something tiny): with e = exp(-|z|) and d = 1 + e,
//   sigma(z)  = 1/d (z >= 0), e/d (z < 0)     max error 2 ULP
//   sigma'(z) = e / d^2                       max error 3 ULP
// e is also returned scaled by 2^shift (es): where e is denormal, products such as
// x sigma(x) or x^2 sigma'(x) are normal again, and computing them from es then scaling back
// rounds once instead of losing the bits e lost.
// The double-word form takes z = hi + lo, for callers whose argument is itself a rounded
// product (swish's beta*x, gelu_tanh's polynomial): in the tail, sigma(z) ~ e^z, and an
// error of one ULP in z would cost |z| ULP in the result.
#pragma once

#include "exp.hpp"
#include "simd.hpp"

namespace xact::math {

template <class T>
inline constexpr int logistic_shift = sizeof(T) == 4 ? 64 : 128;

template <class V>
struct logistic_parts {
    V e;  // exp(-|z|)
    V es; // exp(-|z|) 2^logistic_shift
    V d;  // 1 + e
    // v 2^-logistic_shift: undoes the scaling of a result computed from es.
    static XACT_INLINE V unscale(V v) noexcept
    {
        using T = scalar_t<V>;
        return v * V(std::ldexp(T(1), -logistic_shift<T>));
    }
};

template <class V>
XACT_INLINE logistic_parts<V> logistic(double_word<V> z) noexcept
{
    using T = scalar_t<V>;
    const auto negative = z.hi < V(T(0));
    // e^(-|z|) for -|z| = hi + lo: e^hi (1 + lo).
    const auto p = math::exp_with_scaled(math::neg(math::abs(z.hi)), logistic_shift<T>);
    const V lo = math::select(negative, z.lo, math::neg(z.lo));
    const V e = math::fma(p.value, lo, p.value);
    return {e, math::fma(p.scaled, lo, p.scaled), V(T(1)) + e};
}

template <class V>
XACT_INLINE logistic_parts<V> logistic(V z) noexcept
{
    using T = scalar_t<V>;
    const auto p = math::exp_with_scaled(math::neg(math::abs(z)), logistic_shift<T>);
    return {p.value, p.scaled, V(T(1)) + p.value};
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

// x sigma(z) without losing x e where e is denormal.
template <class V, class B>
XACT_INLINE V times_sigmoid(V x, const logistic_parts<V>& p, const B& negative) noexcept
{
    return math::select(negative, p.unscale(math::mul0(x, p.es) / p.d), x / p.d);
}

// x sigma'(z), likewise.
template <class V>
XACT_INLINE V times_sigmoid_prime(V x, const logistic_parts<V>& p) noexcept
{
    return p.unscale((math::mul0(x, p.es) / p.d) / p.d);
}

} // namespace xact::math
