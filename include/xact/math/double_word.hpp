// Double-word arithmetic: a value carried as an unevaluated sum hi + lo, |lo| <= ulp(hi)/2,
// roughly twice T's precision. The kernels carry their intermediate results this way and round
// once, at the end, in `quotient`: that is what holds them to about half an ULP more than the
// error of their polynomial, instead of one rounding error per operation.
// Every operation here is error-free (two_sum, two_prod) or loses only terms below
// 2^-2p relative; none is exact at overflow (callers select their limits separately).
#pragma once

#include "simd.hpp"

namespace xact::math {

// a + b = s + e exactly (Knuth).
template <class V>
XACT_INLINE double_word<V> two_sum(V a, V b) noexcept
{
    const V s = a + b;
    const V bb = s - a;
    return {s, (a - (s - bb)) + (b - bb)};
}

// a + b = s + e exactly, for |a| >= |b| (or a = 0) (Dekker).
template <class V>
XACT_INLINE double_word<V> fast_two_sum(V a, V b) noexcept
{
    const V s = a + b;
    return {s, b - (s - a)};
}

template <class V>
XACT_INLINE double_word<V> add(double_word<V> a, V b) noexcept
{
    const auto s = math::two_sum(a.hi, b);
    return math::fast_two_sum(s.hi, s.lo + a.lo);
}

template <class V>
XACT_INLINE double_word<V> add(double_word<V> a, double_word<V> b) noexcept
{
    const auto s = math::two_sum(a.hi, b.hi);
    return math::fast_two_sum(s.hi, s.lo + (a.lo + b.lo));
}

template <class V>
XACT_INLINE double_word<V> mul(double_word<V> a, V b) noexcept
{
    const auto p = math::two_prod(a.hi, b);
    return math::fast_two_sum(p.hi, math::fma(a.lo, b, p.lo));
}

template <class V>
XACT_INLINE double_word<V> mul(double_word<V> a, double_word<V> b) noexcept
{
    const auto p = math::two_prod(a.hi, b.hi);
    return math::fast_two_sum(p.hi, math::fma(a.hi, b.lo, math::fma(a.lo, b.hi, p.lo)));
}

template <class V, class B>
XACT_INLINE double_word<V> select(const B& c, double_word<V> a, double_word<V> b) noexcept
{
    return {math::select(c, a.hi, b.hi), math::select(c, a.lo, b.lo)};
}

template <class V>
XACT_INLINE double_word<V> square(double_word<V> a) noexcept
{
    const auto p = math::two_prod(a.hi, a.hi);
    const V twice = a.hi + a.hi;
    return math::fast_two_sum(p.hi, math::fma(twice, a.lo, p.lo));
}

// n / d rounded once (error <= 0.5 ULP + about 2^-2p relative): one division for 1/d.hi, a
// first quotient q = n.hi / d.hi, its remainder n - q d computed exactly (two_prod), and one
// correction step. A zero, huge, infinite or NaN quotient is returned as the plain q.
template <class V>
XACT_INLINE V quotient(double_word<V> n, double_word<V> d) noexcept
{
    const V inv = math::div(V(scalar_t<V>(1)), d.hi);
    const V q = n.hi * inv;
    const auto qd = math::two_prod(q, d.hi);
    const V r = ((n.hi - qd.hi) - qd.lo) + math::fma(math::neg(q), d.lo, n.lo);
    const V corrected = math::fma(r, inv, q);
    // q itself where it is zero (keeps the sign of a zero n), infinite (r would be NaN) or too
    // large for the remainder (Dekker's split in two_prod overflows without hardware FMA; the
    // callers' quotients of that size are exact: x / 1).
    using T = scalar_t<V>;
    const V aq = math::abs(q);
    const V big(std::ldexp(T(1), std::numeric_limits<T>::max_exponent - std::numeric_limits<T>::digits / 2 - 3));
    return math::select((aq < big) & (aq > V(T(0))), corrected, q);
}

} // namespace xact::math
