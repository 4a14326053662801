// The logistic kernels in the batch's own arithmetic, for targets with a fused fma: sigmoid
// (float within 1.6 ULP, double within 1.5), x sigmoid(z) for |z| >= |x| (swish for beta >= 1,
// silu, quick_gelu, gelu_tanh; within 1.5 ULP) and c sigmoid'(z) (double sigmoid', tanh'; within
// 1.1 ULP), about half the work of computing float in double (math/widen.hpp) and of double's
// double-word quotients (math/logistic.hpp). sigmoid:
//   e = e^a, a = -|x|:  n = round(a / ln2), r = a - n ln2 (two constants, exact products),
//                       e^r = 1 + r + r^2 q(r) (float: q of degree 4, 2^-27 relative; double:
//                       exp's q, math/exp.hpp), e = e^r 2^n
//   d + err = 1 + e exactly (fast two-sum: 1 >= e), num = e (x < 0) or 1,
//   y0 = num / d, then one correction by the exact residual num - y0 d - y0 err,
// so the quotient num / (1 + e) is rounded once: the error is e^r's (up to 1 ULP where e^r
// rounds just below 1) plus half an ULP. Where e is denormal (float: x < -87.3, double:
// x < -708.4) 1 + e = 1 and the result is e itself, rounded once (2^n is applied by one exact
// product and one rounding one).
// A NaN goes through every step as NaN (the clamp keeps it: see below), so no select is needed.
// Every step is an IEEE operation (the division too), so every target with a fused fma gives the
// same bits, AVX-512's scalef included.
#pragma once

#include "exp.hpp"
#include "simd.hpp"

namespace xact::math {

namespace detail {

// q of e^r = 1 + r + r^2 q(r) on |r| <= ln2/2, degree 4 (scripts/gen_coefficients.py, "float
// logistic q(r)"): 1.4e-7 relative in q, 2^-27 in e^r.
inline constexpr float fast_exp_q[] = {0.5f, 0.16666577756404877f, 0.041666556149721146f, 0.008363173343241215f,
                                       0.0013926175888627768f};

// Per type: the rounding constant of n, the step k of fast_scale, and the kernels' clamps.
template <class T>
struct fast_constants;

template <>
struct fast_constants<float> {
    static constexpr float magic = 0x1.8p23f;
    static constexpr float scale_step = 48.0f, scale_back = 0x1p-48f; // 2^(n + 48) normal for n >= -170
    static constexpr float sigmoid_limit = 104.0f; // e^-104 < denorm_min / 2
    static constexpr float swish_limit = 112.0f;   // 112 e^-112 < denorm_min / 2
    static constexpr float swish_identity = 32.0f; // e^-32 < 2^-46: swish(x) rounds to x beyond
};

template <>
struct fast_constants<double> {
    static constexpr double magic = 0x1.8p52;
    static constexpr double scale_step = 128.0, scale_back = 0x1p-128; // 2^(n + 128) normal for n >= -1150
    static constexpr double sigmoid_limit = 746.0; // e^-746 < denorm_min / 2
    static constexpr double swish_limit = 760.0;   // 760 e^-760 < denorm_min / 2
    static constexpr double swish_identity = 40.0; // e^-40 < 2^-57
};

// e^a = e^r 2^n, shared by the kernels here and math/fast_tanh.hpp: n = round(a / ln2) by the
// magic-number trick (|a| < 2^22), then r = a - n ln2 with exp's two-part ln2 (n ln2_hi exact),
// and q(r) of e^r = 1 + r + r^2 q(r) (float: in Estrin's form, given r2 = r^2).
// The rounding sum v = a / ln2 + magic + bias + k carries n's biased exponent plus k in its low
// bits (the sum's ULP is 1, and a / ln2 is never half an integer for these a), so that
// 2^(n + k) is v's bits shifted into the exponent field, one operation where pow2i takes three
// (n + bias + k must lie in [1, 2 bias]); n itself is v - (magic + bias + k).
template <class T>
XACT_INLINE constexpr T fast_exp_offset(int k) noexcept
{
    return fast_constants<T>::magic + T(std::numeric_limits<T>::max_exponent - 1 + k);
}

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_exp_rounded(const xsimd::batch<T, A>& a, T offset) noexcept
{
    using V = xsimd::batch<T, A>;
    return math::fma(a, V(exp_constants<T>::log2e), V(offset));
}

// 2^(n + k) of a rounding sum v (above).
template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_exp_power(const xsimd::batch<T, A>& v) noexcept
{
    return math::from_bits_as<T>(math::to_bits(v) << (std::numeric_limits<T>::digits - 1));
}

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_exp_reduce(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& n) noexcept
{
    using V = xsimd::batch<T, A>;
    using C = exp_constants<T>;
    return math::fma(n, V(-C::ln2_lo), math::fma(n, V(-C::ln2_hi), a));
}

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_exp_q_of(const xsimd::batch<T, A>& r, const xsimd::batch<T, A>& r2) noexcept
{
    using V = xsimd::batch<T, A>;
    if constexpr (std::is_same_v<T, float>) {
        const auto& q = fast_exp_q;
        const V qa = math::fma(V(q[1]), r, V(q[0]));
        const V qb = math::fma(V(q[3]), r, V(q[2]));
        return math::fma(math::fma(V(q[4]), r2, qb), r2, qa);
    } else {
        (void)r2;
        return math::horner(r, exp_constants<double>::q); // throughput, not latency, bounds the loops
    }
}

// The rounding of r = fast_exp_reduce(a, n): a - n ln2_hi is exact, a - n ln2 is not.
template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_exp_reduce_lo(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& n,
                                                  const xsimd::batch<T, A>& r) noexcept
{
    using V = xsimd::batch<T, A>;
    using C = exp_constants<T>;
    return math::fma(n, V(-C::ln2_lo), math::fma(n, V(-C::ln2_hi), a) - r);
}

template <class T, class A>
struct fast_exp_sum {
    xsimd::batch<T, A> p, p_lo;
};

// e^(r + r_lo) = 1 + r + r^2 q(r) + r_lo as p + p_lo, the sum r + r^2 q and 1 + that carried
// exactly, so that p + p_lo errs only by q's and r^2's roundings (about 2^-60 relative in double,
// where 1 + fma(r^2, q, r) rounded errs by 2^-56): for callers that cancel e^r against a sum
// (the derivatives of swish and mish next to their roots).
template <class T, class A>
XACT_INLINE fast_exp_sum<T, A> fast_exp_one_plus(const xsimd::batch<T, A>& r, const xsimd::batch<T, A>& r_lo) noexcept
{
    using V = xsimd::batch<T, A>;
    const V one(T(1));
    const V r2 = r * r;
    const V w = r2 * fast_exp_q_of(r, r2);
    const V sh = r + w; // |w| < |r|: fast two-sum
    const V p = one + sh;
    return {p, ((one - p) + sh) + (((r - sh) + w) + r_lo)};
}

// The shared first half: a = -|z| clamped at -limit (a NaN stays NaN), z = x + x_lo (x_lo: the
// low part of a product, or 0), e^a = p 2^n, d + err = 1 + e exactly and 1/d.
template <class T, class A>
struct fast_logistic_parts {
    using V = xsimd::batch<T, A>;
    V p, p_lo, n, e, d, err, inv; // e^r = p + p_lo exactly as summed (callers that need it)
    V power;                      // 2^(n + k), k = scale_step
};

// y 2^n for an integer-valued n in [-(limit / ln2 + 1), 0], rounded once, given power =
// 2^(n + k): y 2^(n + k) is exact (normal, or n + k >= 0) for the y of the kernels here and in
// math/fast_exp.hpp, the product by 2^-k rounds.
template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_scale(const xsimd::batch<T, A>& y, const xsimd::batch<T, A>& n,
                                          const xsimd::batch<T, A>& power) noexcept
{
    using V = xsimd::batch<T, A>;
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        (void)power;
        if constexpr (std::is_same_v<T, float>)
            return _mm512_scalef_ps(y, n);
        else
            return _mm512_scalef_pd(y, n);
    } else
#endif
    {
        (void)n;
        return (y * power) * V(fast_constants<T>::scale_back);
    }
}

template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_scale(const xsimd::batch<T, A>& y, const fast_logistic_parts<T, A>& s) noexcept
{
    return detail::fast_scale(y, s.n, s.power);
}

// 2^max(n, m) for the smallest normal exponent m: 2^(n + k) is normal, so 2^(max(n, m) + k) is
// its max with 2^(m + k), and the product by 2^-k exact.
template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_pow2_normal(const fast_logistic_parts<T, A>& s) noexcept
{
    using V = xsimd::batch<T, A>;
    using C = fast_constants<T>;
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        const V m(T(std::numeric_limits<T>::min_exponent - 1));
        if constexpr (std::is_same_v<T, float>)
            return _mm512_scalef_ps(V(1.0f), xsimd::max(s.n, m));
        else
            return _mm512_scalef_pd(V(1.0), xsimd::max(s.n, m));
    } else
#endif
        return xsimd::max(s.power, V(std::numeric_limits<T>::min() / C::scale_back)) * V(C::scale_back);
}

// exact_sum: e^r by fast_exp_one_plus, with r's rounding and a's low part carried, for a caller
// that cancels e against a sum (the derivative of swish next to its root).
template <bool with_lo = false, bool exact_sum = false, class T, class A>
XACT_INLINE fast_logistic_parts<T, A> fast_logistic(const xsimd::batch<T, A>& x, T limit,
                                                    const xsimd::batch<T, A>& x_lo = {}) noexcept
{
    using V = xsimd::batch<T, A>;
    const V one(T(1));
    // x86's max returns its second operand when one is NaN, NEON's max returns the NaN: either
    // way a NaN x stays NaN.
    const V a = xsimd::max(V(-limit), x | V(T(-0.0)));
    constexpr T offset = fast_exp_offset<T>(int(fast_constants<T>::scale_step));
    const V v = fast_exp_rounded(a, offset);
    const V n = v - V(offset);
    const V power = fast_exp_power(v);
    V r = fast_exp_reduce(a, n);
    [[maybe_unused]] V r_lo = V(T(0));
    if constexpr (exact_sum)
        r_lo = fast_exp_reduce_lo(a, n, r);
    if constexpr (with_lo) {
        // a's low part: x_lo with -sign(x); fast two-sum, it is below r's last place unless r is
        // tiny too
        const V a_lo = x_lo ^ (x & V(T(-0.0))) ^ V(T(-0.0));
        const V rs = r + a_lo;
        if constexpr (exact_sum)
            r_lo = r_lo + ((r - rs) + a_lo);
        r = rs;
    }
    V p, p_lo;
    if constexpr (exact_sum) {
        const auto e = fast_exp_one_plus(r, r_lo);
        p = e.p;
        p_lo = e.p_lo;
    } else {
        const V r2 = r * r;
        const V sum = math::fma(r2, fast_exp_q_of(r, r2), r);
        p = one + sum;
        p_lo = (one - p) + sum;
    }
    fast_logistic_parts<T, A> s{p, p_lo, n, {}, {}, {}, {}, power};
    s.e = detail::fast_scale(p, s);
    s.d = one + s.e;
    s.err = (one - s.d) + s.e;
    s.inv = math::div(one, s.d);
    return s;
}

// (hi + lo) / (1 + e), rounded once: y0 = hi/d, corrected by the exact residual.
template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_quotient(const xsimd::batch<T, A>& hi, const xsimd::batch<T, A>& lo,
                                             const fast_logistic_parts<T, A>& s) noexcept
{
    const auto y0 = hi * s.inv;
    const auto res = math::fnma(y0, s.err, math::fnma(y0, s.d, hi) + lo);
    return math::fma(res, s.inv, y0);
}

// hi / (1 + e): the above with lo = 0, for hi >= 0 (adding a zero lo could only change the sign
// of a zero residual, which y0 >= 0 absorbs), one operation fewer.
template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_quotient(const xsimd::batch<T, A>& hi, const fast_logistic_parts<T, A>& s) noexcept
{
    const auto y0 = hi * s.inv;
    const auto res = math::fnma(y0, s.err, math::fnma(y0, s.d, hi));
    return math::fma(res, s.inv, y0);
}

} // namespace detail

// with_lo: sigmoid(x + x_lo) for a rounded product x + x_lo (softplus' beta x, carried exactly),
// x_lo within an ULP of x and 0 where |x| is beyond the clamp; in the tail sigmoid ~ e^x, where
// one ULP of x would cost |x| ULP of the result.
template <bool with_lo = false, class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_sigmoid(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& x_lo = {}) noexcept
{
    using V = xsimd::batch<T, A>;
    // the clamp changes no result (e^-limit < denorm_min / 2)
    const auto s = detail::fast_logistic<with_lo>(x, detail::fast_constants<T>::sigmoid_limit, x_lo);
    return detail::fast_quotient(math::select(x < V(T(0)), s.e, V(T(1))), s);
}

// c sigmoid'(z) = c e / (1 + e)^2 for a power of two c (tanh' x = 4 sigmoid'(2x), in
// math/fast_tanh.hpp and functors/tanh.hpp), e = e^-|z| = (p + p_lo) 2^n: c (p + p_lo) / (1 + e)^2
// with 1 + e = d + err + p_lo 2^n and (1 + e)^2 = dh + dl, rounded once by the exact residual,
// then 2^n applied once, so that a denormal result is rounded once too. No cancellation
// anywhere (both signs of z alike); e^r's rounding before p_lo leaves about 1 ULP.
template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_sigmoid_prime(const xsimd::batch<T, A>& z, T limit, T c) noexcept
{
    using V = xsimd::batch<T, A>;
    const V cv(c);
    auto k = detail::fast_logistic(z, limit);
    // e's low part p_lo 2^n joins err (one rounding on every target; below the smallest normal
    // power, where n is clamped, it is far below d = 1)
    const V err = k.err + k.p_lo * detail::fast_pow2_normal(k);
    const V dh = k.d * k.d;
    const V dl = math::fma(k.d + k.d, err, math::fms(k.d, k.d, dh));
    const V inv2 = k.inv * k.inv;
    const V m = cv * k.p;
    const V y0 = m * inv2;
    const V res = math::fnma(y0, dl, math::fnma(y0, dh, m) + cv * k.p_lo);
    return detail::fast_scale(math::fma(res, inv2, y0), k);
}

// sigmoid'(x) (0 beyond the clamp: e^-limit < denorm_min / 2).
template <class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_sigmoid_prime(const xsimd::batch<T, A>& x) noexcept
{
    return math::fast_sigmoid_prime(x, detail::fast_constants<T>::sigmoid_limit, T(1));
}

// x sigmoid(z) for z = zh + zl (zl: the low part of a rounded z, 0 where |zh| reaches the clamp,
// or nothing: with_lo = false), the same way as sigmoid: x (z >= 0) or x e^a (z < 0) over 1 + e,
// with x e^r as x (p + p_lo), its product exact, so that e^r's own rounding (0.7 ULP) does not
// count, and 2^n applied after the quotient (x e^z is normal where e^z is not): about 1.1 ULP.
// For callers whose |z| >= |x| (swish with beta >= 1, gelu_tanh): below z = -limit the result
// is 0 (x e^z < denorm_min / 2), and beyond x = identity it rounds to x (fast_constants).
template <bool with_lo, class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_times_sigmoid(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& z,
                                                  const xsimd::batch<T, A>& z_lo) noexcept
{
    using V = xsimd::batch<T, A>;
    using C = detail::fast_constants<T>;
    const V zero(T(0));
    const auto s = detail::fast_logistic<with_lo>(z, C::swish_limit, z_lo);
    const auto negative = z < zero;
    const V m = math::select(negative, s.p, V(T(1)));
    const V hi = x * m;
    const V lo = math::fma(x, math::select(negative, s.p_lo, zero), math::fms(x, m, hi));
    const V y1 = detail::fast_quotient(hi, lo, s);
    V y = math::select(negative, detail::fast_scale(y1, s), y1);
    y = math::select(x > V(C::swish_identity), x, math::select(z < V(-C::swish_limit), zero, y));
    return y | (x & V(T(-0.0))); // x's sign, zeros included
}

// swish(x) = x sigmoid(beta x) for beta >= 1 (silu: beta = 1): z = beta x as an exact product
// hi + lo (beta = bh + bl); exact_z: beta = 1, where z = x has no low part.
template <bool exact_z = false, class T, class A>
XACT_INLINE xsimd::batch<T, A> fast_swish(const xsimd::batch<T, A>& x, const split_constant<T>& beta) noexcept
{
    using V = xsimd::batch<T, A>;
    if constexpr (exact_z) {
        return math::fast_times_sigmoid<false>(x, x, V(T(0)));
    } else {
        const V bh(beta.hi), zero(T(0));
        const V z = x * bh;
        // z's low part (0 where |z| reaches the clamp: there z may be inf and the low part NaN)
        const V limit(detail::fast_constants<T>::swish_limit);
        const V z_lo = math::select(math::abs(z) < limit, math::fms(x, bh, z) + x * V(beta.lo), zero);
        return math::fast_times_sigmoid<true>(x, z, z_lo);
    }
}

} // namespace xact::math
