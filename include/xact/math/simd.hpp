// The few primitives the kernels are written in, overloaded so that one body serves a
// scalar T and an xsimd::batch<T, A> alike: select, fma, bit casts, exact products.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "../config.hpp"

namespace xact::math {

template <class V>
struct scalar_of {
    using type = V;
};
template <class T, class A>
struct scalar_of<xsimd::batch<T, A>> {
    using type = T;
};
// The element type of a scalar or a batch.
template <class V>
using scalar_t = typename scalar_of<V>::type;

// Same-width integer type for bit manipulation.
template <class T>
using bits_t = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

// --- select ---------------------------------------------------------------------------
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
XACT_INLINE T select(bool c, T a, T b) noexcept { return c ? a : b; }

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> select(const xsimd::batch_bool<T, A>& c, const xsimd::batch<T, A>& a,
                                      const xsimd::batch<T, A>& b) noexcept
{
    return xsimd::select(c, a, b);
}

// --- fused multiply-add ------------------------------------------------------------------
// The scalar form fuses exactly when the batch form does (hardware FMA), so a lane and the
// scalar path round identically: std::fma would be fused on an SSE2 build while the batch
// falls back to a*b+c.
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
XACT_INLINE T fma(T a, T b, T c) noexcept
{
#if defined(__FMA__) || defined(__AVX512F__) || defined(__aarch64__) || defined(__ARM_FEATURE_FMA)
    return std::fma(a, b, c);
#else
    return a * b + c;
#endif
}

// xsimd 8.1 has no fused fma for its AVX-512 targets (it falls back to a*b+c there), so those
// call the intrinsic; the FMA3 and NEON targets already fuse.
template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fma(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b,
                                   const xsimd::batch<T, A>& c) noexcept
{
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        if constexpr (std::is_same_v<T, float>)
            return _mm512_fmadd_ps(a, b, c);
        else
            return _mm512_fmadd_pd(a, b, c);
    } else
#endif
    {
        return xsimd::fma(a, b, c);
    }
}

// c - a b and a b - c, each rounded once where fma() fuses: one instruction on x86's FMA3 and
// AVX-512 (xsimd 8.1 has them for FMA3 only, and not fused on NEON under -ffp-contract=off),
// fma() with a negated operand elsewhere (NEON fuses that; without a fused fma it rounds twice,
// as fma() does). The same values as fma(neg(a), b, c) and fma(a, b, neg(c)) on every target.
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
XACT_INLINE T fnma(T a, T b, T c) noexcept
{
    return math::fma(-a, b, c);
}

template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
XACT_INLINE T fms(T a, T b, T c) noexcept
{
    return math::fma(a, b, -c);
}

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fnma(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b,
                                    const xsimd::batch<T, A>& c) noexcept
{
    constexpr bool is_float = std::is_same_v<T, float>;
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        if constexpr (is_float)
            return _mm512_fnmadd_ps(a, b, c);
        else
            return _mm512_fnmadd_pd(a, b, c);
    } else
#endif
#if defined(__FMA__)
    if constexpr (std::is_base_of_v<xsimd::avx, A>) {
        if constexpr (is_float)
            return _mm256_fnmadd_ps(a, b, c);
        else
            return _mm256_fnmadd_pd(a, b, c);
    } else if constexpr (std::is_base_of_v<xsimd::sse2, A>) {
        if constexpr (is_float)
            return _mm_fnmadd_ps(a, b, c);
        else
            return _mm_fnmadd_pd(a, b, c);
    } else
#endif
    {
        return math::fma(xsimd::batch<T, A>(T(-0.0)) - a, b, c);
    }
}

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fms(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b,
                                   const xsimd::batch<T, A>& c) noexcept
{
    constexpr bool is_float = std::is_same_v<T, float>;
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        if constexpr (is_float)
            return _mm512_fmsub_ps(a, b, c);
        else
            return _mm512_fmsub_pd(a, b, c);
    } else
#endif
#if defined(__FMA__)
    if constexpr (std::is_base_of_v<xsimd::avx, A>) {
        if constexpr (is_float)
            return _mm256_fmsub_ps(a, b, c);
        else
            return _mm256_fmsub_pd(a, b, c);
    } else if constexpr (std::is_base_of_v<xsimd::sse2, A>) {
        if constexpr (is_float)
            return _mm_fmsub_ps(a, b, c);
        else
            return _mm_fmsub_pd(a, b, c);
    } else
#endif
    {
        return math::fma(a, b, xsimd::batch<T, A>(T(-0.0)) - c);
    }
}

// --- division -------------------------------------------------------------------------------
// xsimd 8.1 divides float batches on NEON by a reciprocal estimate and two Newton steps, which
// is not the correctly rounded quotient (1 ULP off for some inputs), so every kernel division
// goes through div: the IEEE division instruction on each target, and the same bits in every lane
// as in the scalar path.
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
XACT_INLINE T div(T a, T b) noexcept
{
    return a / b;
}

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> div(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b) noexcept
{
#if XSIMD_WITH_NEON64
    if constexpr (std::is_same_v<T, float> && std::is_base_of_v<xsimd::neon64, A>)
        return vdivq_f32(a, b);
    else
#endif
    {
        return a / b;
    }
}

template <class V>
inline constexpr bool is_scalar_v = std::is_floating_point_v<V>;

// f at a scalar, evaluated as lane 0 of a broadcast batch. The functors route scalar calls
// through here so that a scalar result and every lane of a batch result are the same bits: the
// compiler may contract a*b+c into an fma differently in scalar and in vector code.
template <class T, class F>
XACT_INLINE T lane0(T x, F&& f) noexcept
{
    return f(xsimd::batch<T>(x)).get(0);
}

// Whether fma() above is a true fused operation (exact products below depend on it).
inline constexpr bool has_fused_fma =
#if defined(__FMA__) || defined(__AVX512F__) || defined(__aarch64__) || defined(__ARM_FEATURE_FMA)
    true;
#else
    false;
#endif

// --- bits ---------------------------------------------------------------------------------
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
XACT_INLINE bits_t<T> to_bits(T x) noexcept
{
    bits_t<T> b;
    std::memcpy(&b, &x, sizeof b);
    return b;
}

template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
XACT_INLINE T from_bits(bits_t<T> b) noexcept
{
    T x;
    std::memcpy(&x, &b, sizeof x);
    return x;
}

template <class T, class A>
XACT_INLINE auto to_bits(const xsimd::batch<T, A>& x) noexcept
{
    using I = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
    return xsimd::bitwise_cast<xsimd::batch<I, A>>(x);
}

template <class T, class A, class I>
XACT_INLINE xsimd::batch<T, A> from_bits_as(const xsimd::batch<I, A>& b) noexcept
{
    return xsimd::bitwise_cast<xsimd::batch<T, A>>(b);
}

// 2^n for an integer-valued n with 2^n a normal number. Adding 1.5*2^mantissa puts n in the
// low bits, so no float-to-int conversion is needed (a NaN n gives a garbage power, never UB;
// callers make sure the NaN survives elsewhere).
template <class V>
XACT_INLINE V pow2i(V n) noexcept
{
    using T = scalar_t<V>;
    constexpr int mant = std::numeric_limits<T>::digits - 1;
    constexpr int bias = std::numeric_limits<T>::max_exponent - 1;
    const V magic(T(1.5) * T(bits_t<T>(1) << mant));
    auto b = math::to_bits(n + magic);
    b = (b + decltype(b)(bias)) << mant;
    if constexpr (std::is_floating_point_v<V>)
        return math::from_bits<T>(b);
    else
        return math::from_bits_as<T>(b);
}

// Round to the nearest integer (ties to even), as a value of V; |x| < 2^(mantissa-1).
template <class V>
XACT_INLINE V round_nearest(V x) noexcept
{
    using T = scalar_t<V>;
    constexpr int mant = std::numeric_limits<T>::digits - 1;
    const V magic(T(1.5) * T(bits_t<T>(1) << mant));
    return (x + magic) - magic;
}

// --- small helpers ------------------------------------------------------------------------
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
XACT_INLINE T abs(T x) noexcept { return std::fabs(x); }
template <class T, class A>
XACT_INLINE xsimd::batch<T, A> abs(const xsimd::batch<T, A>& x) noexcept { return xsimd::abs(x); }

// x with its sign bit replaced by the sign bit of s.
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
XACT_INLINE T copysign(T x, T s) noexcept { return std::copysign(x, s); }
template <class T, class A>
XACT_INLINE xsimd::batch<T, A> copysign(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& s) noexcept
{
    return xsimd::copysign(x, s);
}

// x with the sign bit of s set where s has it (or-ed in): for the functions whose value has the
// sign of their argument (x times something positive), a no-op on every nonzero result that
// gives a zero result the argument's sign, which the sums before it may have lost (-0 + +0 is +0).
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
XACT_INLINE T or_sign(T x, T s) noexcept { return std::signbit(s) ? std::copysign(x, T(-1)) : x; }
template <class T, class A>
XACT_INLINE xsimd::batch<T, A> or_sign(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& s) noexcept
{
    return x | (s & xsimd::batch<T, A>(T(-0.0)));
}

// NaN test. Not x != x: xsimd's batch != is an ordered compare on some targets (false for NaN).
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
XACT_INLINE bool is_nan(T x) noexcept { return std::isnan(x); }
template <class T, class A>
XACT_INLINE auto is_nan(const xsimd::batch<T, A>& x) noexcept { return xsimd::isnan(x); }

// -x exactly (xsimd's batch negation is 0 - x on some targets, which turns -0 into +0).
template <class V>
XACT_INLINE V neg(V x) noexcept { return V(scalar_t<V>(-0.0)) - x; }

// A constant of V's element type, broadcast where V is a batch.
template <class V>
XACT_INLINE V splat(double c) noexcept { return V(scalar_t<V>(c)); }

// r, except where x is NaN: there x itself (NaN in gives NaN out, whatever r did with it).
template <class V>
XACT_INLINE V keep_nan(V x, V r) noexcept { return math::select(math::is_nan(x), x, r); }

// a * b, except that a zero factor wins over an infinite one (the limits the activations
// need: x * sigmoid(x) at x = -inf is 0, not NaN). The sign is that of the product.
template <class V>
XACT_INLINE V mul0(V a, V b) noexcept
{
    const V zero(scalar_t<V>(0));
    const V r = a * b;
    // Only a NaN born of 0 * inf is replaced; a NaN factor stays NaN.
    const auto zero_times_inf = math::is_nan(r) & !(math::is_nan(a) | math::is_nan(b));
    return math::select(zero_times_inf, math::copysign(zero, a) * math::copysign(V(scalar_t<V>(1)), b), r);
}

// Clamp to [lo, hi]: lo where x < lo, hi where x > hi, else x itself (a NaN stays NaN, and an x
// equal to a bound is returned as it is: -0 stays -0 at a bound of +0). x86's max(a, b) is
// a > b ? a : b and its min(a, b) a < b ? a : b, the second operand on a NaN or on equal zeros,
// so max(lo, x) and min(hi, .) are exactly these selects in one instruction each, where a
// compare and a blend take two. NEON's max and min return the NaN and order the zeros, hence
// the selects there.
template <class V>
XACT_INLINE V clamp(V x, V lo, V hi) noexcept
{
#if XSIMD_WITH_SSE2
    if constexpr (!is_scalar_v<V>)
        return xsimd::min(hi, xsimd::max(lo, x));
    else
#endif
        return math::select(x < lo, lo, math::select(x > hi, hi, x));
}

// --- exact products (two_prod): hi + lo = a * b exactly, with a fused fma -----------------
template <class V>
struct double_word {
    V hi, lo;
};

template <class V>
XACT_INLINE double_word<V> two_prod(V a, V b) noexcept
{
    const V hi = a * b;
    if constexpr (has_fused_fma) {
        return {hi, math::fma(a, b, math::neg(hi))};
    } else {
        // Dekker's split, for builds without hardware FMA. split * a overflows for |a| above
        // 2^(emax - s - 1) (2^996 for double): such an operand is scaled by 2^-(s + 1) first
        // (exact), the error term computed for the scaled product and scaled back (exact: with
        // one operand that large the scaled product stays far above the denormals).
        using T = scalar_t<V>;
        using L = std::numeric_limits<T>;
        constexpr int s = (L::digits + 1) / 2;
        const V split(T((bits_t<T>(1) << s) + 1));
        const V big(std::ldexp(T(1), L::max_exponent - s - 2)), one(T(1));
        const auto a_big = math::abs(a) > big, b_big = math::abs(b) > big;
        const V down(std::ldexp(T(1), -(s + 1))), up(std::ldexp(T(1), s + 1));
        const V as = a * math::select(a_big, down, one), bs = b * math::select(b_big, down, one);
        const V hs = as * bs;
        const V ca = split * as, cb = split * bs;
        const V ah = ca - (ca - as), al = as - ah;
        const V bh = cb - (cb - bs), bl = bs - bh;
        const V lo = ((ah * bh - hs) + ah * bl + al * bh) + al * bl;
        return {hi, lo * math::select(a_big, up, one) * math::select(b_big, up, one)};
    }
}

// Split a constant into hi + lo of type T. A long double constant keeps a useful lo for
// T = double too (x87 and quad long doubles); a double parameter is exact in double (lo = 0).
template <class T>
struct split_constant {
    T hi, lo;
    constexpr explicit split_constant(long double c) noexcept : hi(T(c)), lo(T(c - static_cast<long double>(T(c)))) {}
    // A runtime parameter: double arithmetic is exact here (and far cheaper than x87). lo is
    // given hi's sign (hi one step toward 0 if need be), so that x * hi + x * lo never meets
    // inf - inf at x = +-inf.
    explicit split_constant(double c) noexcept : hi(T(c)), lo(T(c - double(T(c))))
    {
        if (lo != T(0) && (lo < T(0)) != (hi < T(0))) {
            bits_t<T> b;
            std::memcpy(&b, &hi, sizeof b);
            --b; // one step toward 0 (sign and magnitude)
            std::memcpy(&hi, &b, sizeof b);
            lo = T(c - double(hi));
        }
    }
};

// x * c for a parameter c given in double, with c carried as hi + lo so that the product is
// (nearly) correctly rounded in float too. A zero c still gives 0 at x = +-inf.
template <class V>
XACT_INLINE V scale(V x, const split_constant<scalar_t<V>>& c) noexcept
{
    using T = scalar_t<V>;
    // Branches on the parameter, not on values: they are decided once per call.
    const V p = c.hi == T(0) ? math::mul0(x, V(c.hi)) : x * V(c.hi);
    if (c.lo == T(0))
        return p;
    return math::fma(x, V(c.lo), p); // lo has hi's sign: +-inf stays +-inf
}

// Horner's scheme over a coefficient array (c[0] + c[1] x + ...).
template <class V, class T, std::size_t N>
XACT_INLINE V horner(V x, const T (&c)[N]) noexcept
{
    V r(c[N - 1]);
    for (std::size_t i = N - 1; i-- > 0;)
        r = math::fma(r, x, V(c[i]));
    return r;
}

} // namespace xact::math
