// The MPFR reference of xact-accuracy: every element-wise function, its derivative and its
// parameter gradient, and softmax / log_softmax forward and backward, written from the
// mathematical definitions at `default_precision` bits (128; the error of a result is then
// below 2^-100 relative, 2^-47 ULP of double). It includes no xact header.
//
// Every input is a double (a float converts exactly), every parameter a double taken exactly.
// Results are left in an mpfr_t at the working precision; rounding to float or double is the
// metric's business (sweep.hpp).
//
// Where the working precision could fall short: the derivatives of gelu, gelu_tanh, swish and mish
// cancel next to their roots (Phi(x) + x phi(x) = 0 at x = -0.7518, ...). Each of those is
// evaluated, its cancellation measured (exponent of the largest term minus exponent of the
// result), and evaluated again with that many more bits whenever fewer than 128 correct bits
// would be left. Products that form arguments (x/sqrt2, beta x, x^3) are rounded to the working
// precision (x/sqrt2 to 16 more bits): their relative error grows at most by 2|argument|^2
// through erfc or e^x (2^11 at gelu's double underflow, t = 27), staying below 2^-100 wherever
// the result is not 0 in double.
//
// The same for the functions added later (relu6, hard_tanh, hard_sigmoid, hard_swish, softsign,
// selu, celu, softplus, log_sigmoid, mish, quick_gelu): mish' cancels at its root and takes the
// same care; the piecewise ones are exact arithmetic on doubles, and their derivatives take
// PyTorch's branch at each kink.
//
// Limits: NaN -> NaN; +-inf give the mathematical limit (gelu(-inf) = -0, sigmoid(-inf) = 0,
// elu(-inf) = -alpha, derivatives -> their limit), as DESIGN.md asks.
#pragma once

#include <mpfr.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace xact_mpfr {

inline constexpr mpfr_prec_t default_precision = 128;
// Fewer correct bits than this after a cancellation: evaluate again with more.
inline constexpr mpfr_prec_t guaranteed_bits = 100;

// An mpfr_t that clears itself.
class number {
public:
    explicit number(mpfr_prec_t p = default_precision) { mpfr_init2(v_, p); }
    number(double x, mpfr_prec_t p) : number(p) { mpfr_set_d(v_, x, MPFR_RNDN); }
    number(const number& o) : number(mpfr_get_prec(o.v_)) { mpfr_set(v_, o.v_, MPFR_RNDN); }
    number& operator=(const number& o)
    {
        mpfr_set_prec(v_, mpfr_get_prec(o.v_));
        mpfr_set(v_, o.v_, MPFR_RNDN);
        return *this;
    }
    ~number() { mpfr_clear(v_); }

    mpfr_ptr get() { return v_; }
    mpfr_srcptr get() const { return v_; }
    operator mpfr_ptr() { return v_; }
    operator mpfr_srcptr() const { return v_; }
    mpfr_prec_t precision() const { return mpfr_get_prec(v_); }
    double to_double() const { return mpfr_get_d(v_, MPFR_RNDN); }
    long double to_long_double() const { return mpfr_get_ld(v_, MPFR_RNDN); }

private:
    mpfr_t v_;
};

// MPFR's widest exponent range, so that nothing in a tail underflows before double does.
// Call once per thread before any evaluation (the range is per thread in MPFR builds with TLS).
inline void init_thread()
{
    mpfr_set_emin(mpfr_get_emin_min());
    mpfr_set_emax(mpfr_get_emax_max());
}

namespace detail {

inline void set_zero(mpfr_ptr r, int sign) { mpfr_set_zero(r, sign); }

// sigma(z) = 1/(1 + e^-z).
inline void sigmoid(mpfr_ptr r, mpfr_srcptr z)
{
    number e(mpfr_get_prec(r));
    mpfr_neg(e, z, MPFR_RNDN);
    mpfr_exp(e, e, MPFR_RNDN);
    mpfr_add_ui(e, e, 1, MPFR_RNDN);
    mpfr_ui_div(r, 1, e, MPFR_RNDN);
}

// sigma'(z) = sigma(z) sigma(-z) = e/(1 + e)^2 with e = e^-|z| (finite for every z).
inline void sigmoid_prime(mpfr_ptr r, mpfr_srcptr z)
{
    const mpfr_prec_t p = mpfr_get_prec(r);
    number e(p), d(p);
    mpfr_abs(e, z, MPFR_RNDN);
    mpfr_neg(e, e, MPFR_RNDN);
    mpfr_exp(e, e, MPFR_RNDN);
    mpfr_add_ui(d, e, 1, MPFR_RNDN);
    mpfr_sqr(d, d, MPFR_RNDN);
    mpfr_div(r, e, d, MPFR_RNDN);
}

// Bits lost when terms of size `largest` sum to `result`.
inline mpfr_prec_t cancelled_bits(mpfr_srcptr largest, mpfr_srcptr result)
{
    if (mpfr_zero_p(result))
        return mpfr_get_prec(result); // exactly 0, or everything cancelled: try again with more
    return std::max<mpfr_exp_t>(0, mpfr_get_exp(largest) - mpfr_get_exp(result));
}

// Evaluates eval(r, p) (which returns the exponent gap between its largest term and r) at the
// default precision, again with more bits while fewer than guaranteed_bits survive.
template <class Eval>
void with_enough_bits(mpfr_ptr r, Eval eval)
{
    mpfr_prec_t p = std::max<mpfr_prec_t>(default_precision, mpfr_get_prec(r));
    for (int attempt = 0; attempt < 8; ++attempt) {
        number t(p);
        const mpfr_prec_t lost = eval(t.get(), p);
        if (p - lost >= guaranteed_bits || attempt == 7) {
            mpfr_set(r, t, MPFR_RNDN);
            return;
        }
        p = lost + guaranteed_bits + 64;
    }
}

// f' = a + b where the two terms may cancel (next to a root of f'): terms(a, b) fills both at
// their precision, and the sum is evaluated again with more bits while the cancellation leaves
// fewer than guaranteed_bits.
template <class Terms>
void cancelling_sum(mpfr_ptr r, Terms terms)
{
    with_enough_bits(r, [&terms](mpfr_ptr t, mpfr_prec_t p) {
        number a(p), b(p);
        terms(a.get(), b.get());
        mpfr_add(t, a, b, MPFR_RNDN);
        return cancelled_bits(mpfr_cmpabs(a, b) >= 0 ? a.get() : b.get(), t);
    });
}

// NaN -> NaN, -inf -> at_minus_inf, +inf -> at_plus_inf (a signed zero or a double; HUGE_VAL
// for inf); true when x was one of them and r is set.
inline bool at_limits(mpfr_ptr r, double x, double at_minus_inf, double at_plus_inf)
{
    if (std::isnan(x))
        mpfr_set_nan(r);
    else if (std::isinf(x))
        mpfr_set_d(r, x > 0 ? at_plus_inf : at_minus_inf, MPFR_RNDN);
    return !std::isfinite(x);
}

// x g(x) for a gate g from 0 at -inf to 1 at +inf (gelu, gelu_tanh, mish): gate(g) fills g(x)
// at g's precision; the limits are -0 and inf.
template <class Gate>
void gated(mpfr_ptr r, double x, Gate gate)
{
    if (at_limits(r, x, -0.0, HUGE_VAL))
        return;
    gate(r);
    mpfr_mul_d(r, r, x, MPFR_RNDN);
}

// The derivative of a gated function, g(x) + x g'(x) = a + b, cancelling at its root: limits -0
// and 1.
template <class Terms>
void gated_prime(mpfr_ptr r, double x, Terms terms)
{
    if (!at_limits(r, x, -0.0, 1.0))
        cancelling_sum(r, terms);
}

} // namespace detail

// ---- relu, leaky_relu, prelu, elu: the x <= 0 branch at the kink x = 0 ------------------------

inline void relu(mpfr_ptr r, double x)
{
    if (std::isnan(x) || x > 0)
        mpfr_set_d(r, x, MPFR_RNDN);
    else
        mpfr_set_zero(r, 1);
}

inline void relu_prime(mpfr_ptr r, double x)
{
    if (std::isnan(x))
        mpfr_set_nan(r);
    else
        mpfr_set_ui(r, x > 0 ? 1 : 0, MPFR_RNDN);
}

inline void leaky_relu(mpfr_ptr r, double x, double alpha)
{
    if (std::isnan(x) || x > 0) {
        mpfr_set_d(r, x, MPFR_RNDN);
    } else if (alpha == 0) {
        mpfr_set_zero(r, 1); // 0, also at -inf (not 0 * inf)
    } else {
        mpfr_set_d(r, x, MPFR_RNDN);
        mpfr_mul_d(r, r, alpha, MPFR_RNDN);
    }
}

inline void leaky_relu_prime(mpfr_ptr r, double x, double alpha)
{
    if (std::isnan(x))
        mpfr_set_nan(r);
    else
        mpfr_set_d(r, x > 0 ? 1.0 : alpha, MPFR_RNDN);
}

// d leaky_relu / d alpha = d prelu / d alpha = x for x <= 0, else 0.
inline void leaky_relu_dalpha(mpfr_ptr r, double x)
{
    if (std::isnan(x) || x <= 0)
        mpfr_set_d(r, x, MPFR_RNDN);
    else
        mpfr_set_zero(r, 1);
}

inline void elu(mpfr_ptr r, double x, double alpha)
{
    if (std::isnan(x) || x > 0) {
        mpfr_set_d(r, x, MPFR_RNDN);
        return;
    }
    mpfr_set_d(r, x, MPFR_RNDN);
    mpfr_expm1(r, r, MPFR_RNDN); // expm1(-inf) = -1
    mpfr_mul_d(r, r, alpha, MPFR_RNDN);
}

inline void elu_prime(mpfr_ptr r, double x, double alpha)
{
    if (std::isnan(x) || x > 0) {
        mpfr_set_d(r, std::isnan(x) ? x : 1.0, MPFR_RNDN);
        return;
    }
    mpfr_set_d(r, x, MPFR_RNDN);
    mpfr_exp(r, r, MPFR_RNDN);
    mpfr_mul_d(r, r, alpha, MPFR_RNDN);
}

inline void elu_dalpha(mpfr_ptr r, double x)
{
    if (std::isnan(x) || x > 0) {
        mpfr_set_d(r, std::isnan(x) ? x : 0.0, MPFR_RNDN);
        return;
    }
    mpfr_set_d(r, x, MPFR_RNDN);
    mpfr_expm1(r, r, MPFR_RNDN);
}

// ---- gelu: x Phi(x), Phi(x) = erfc(-x/sqrt2)/2 ----------------------------------------------------

namespace detail {

// erfc(t) for t >= 4 from Laplace's continued fraction
//   erfc(t) = e^(-t^2)/sqrt(pi) * 1/(t + (1/2)/(t + 1/(t + (3/2)/(t + 2/(t + ...)))))
// (mpfr_erfc takes up to a millisecond between t = 4 and 20, the tails of gelu in float and
// double; the fraction needs about 30 terms at t = 4 and fewer beyond). Its convergents
// alternate around the value, so stopping when one term changes the value by less than
// 2^-(p+8) leaves an error below that. Evaluated by the modified Lentz method.
inline void erfc_continued_fraction(mpfr_ptr r, mpfr_srcptr t)
{
    const mpfr_prec_t p = mpfr_get_prec(r) + 16;
    number f(p), c(p), d(p), delta(p), a(p);
    mpfr_ui_div(f, 1, t, MPFR_RNDN); // first convergent 1/t
    mpfr_set_inf(c, 1);              // C_1 = b_1 + a_1/f_0 with f_0 = 0
    mpfr_set(d, f, MPFR_RNDN);       // D_1 = 1/b_1
    for (unsigned long j = 2; j < 100000; ++j) {
        mpfr_set_ui(a, j - 1, MPFR_RNDN);
        mpfr_div_2ui(a, a, 1, MPFR_RNDN); // a_j = (j - 1)/2
        mpfr_mul(d, d, a, MPFR_RNDN);     // D = 1/(t + a D)
        mpfr_add(d, d, t, MPFR_RNDN);
        mpfr_ui_div(d, 1, d, MPFR_RNDN);
        mpfr_div(c, a, c, MPFR_RNDN); // C = t + a/C
        mpfr_add(c, c, t, MPFR_RNDN);
        mpfr_mul(delta, c, d, MPFR_RNDN);
        mpfr_mul(f, f, delta, MPFR_RNDN);
        mpfr_sub_ui(delta, delta, 1, MPFR_RNDN);
        if (mpfr_zero_p(delta) || mpfr_get_exp(delta) < -(p - 8))
            break;
    }
    number e(p), s(p);
    mpfr_sqr(e, t, MPFR_RNDN);
    mpfr_neg(e, e, MPFR_RNDN);
    mpfr_exp(e, e, MPFR_RNDN);
    mpfr_const_pi(s, MPFR_RNDN);
    mpfr_sqrt(s, s, MPFR_RNDN);
    mpfr_div(e, e, s, MPFR_RNDN);
    mpfr_mul(r, e, f, MPFR_RNDN);
}

inline void erfc(mpfr_ptr r, mpfr_srcptr t)
{
    if (mpfr_number_p(t) && mpfr_cmp_ui(t, 4) >= 0)
        erfc_continued_fraction(r, t);
    else
        mpfr_erfc(r, t, MPFR_RNDN);
}

// Phi(x) at r's precision.
inline void normal_cdf(mpfr_ptr r, double x)
{
    number s(mpfr_get_prec(r) + 16), t(mpfr_get_prec(r) + 16);
    mpfr_sqrt_ui(s, 2, MPFR_RNDN);
    mpfr_set_d(t, -x, MPFR_RNDN);
    mpfr_div(t, t, s, MPFR_RNDN);
    erfc(r, t);
    mpfr_div_2ui(r, r, 1, MPFR_RNDN);
}

// phi(x) = e^(-x^2/2)/sqrt(2 pi).
inline void normal_pdf(mpfr_ptr r, double x)
{
    number s(mpfr_get_prec(r));
    mpfr_const_pi(s, MPFR_RNDN);
    mpfr_mul_2ui(s, s, 1, MPFR_RNDN);
    mpfr_sqrt(s, s, MPFR_RNDN);
    mpfr_set_d(r, x, MPFR_RNDN);
    mpfr_sqr(r, r, MPFR_RNDN);
    mpfr_div_2ui(r, r, 1, MPFR_RNDN);
    mpfr_neg(r, r, MPFR_RNDN);
    mpfr_exp(r, r, MPFR_RNDN);
    mpfr_div(r, r, s, MPFR_RNDN);
}

} // namespace detail

inline void gelu(mpfr_ptr r, double x)
{
    detail::gated(r, x, [x](mpfr_ptr g) { detail::normal_cdf(g, x); });
}

// gelu'(x) = Phi(x) + x phi(x).
inline void gelu_prime(mpfr_ptr r, double x)
{
    detail::gated_prime(r, x, [x](mpfr_ptr cdf, mpfr_ptr pdf) {
        detail::normal_cdf(cdf, x);
        detail::normal_pdf(pdf, x);
        mpfr_mul_d(pdf, pdf, x, MPFR_RNDN);
    });
}

// ---- gelu_tanh: x sigma(z), z = 2u = sqrt(8/pi) (x + 0.044715 x^3) ----------------------------------

namespace detail {

// z and z'(x) = sqrt(8/pi) (1 + 3 * 0.044715 x^2), with 0.044715 the decimal number.
inline void gelu_tanh_z(mpfr_ptr z, mpfr_ptr dz, double x)
{
    const mpfr_prec_t p = mpfr_get_prec(z);
    number c(p), k(p), x2(p);
    mpfr_const_pi(c, MPFR_RNDN);
    mpfr_ui_div(c, 8, c, MPFR_RNDN);
    mpfr_sqrt(c, c, MPFR_RNDN);
    mpfr_set_str(k, "0.044715", 10, MPFR_RNDN);
    mpfr_set_d(x2, x, MPFR_RNDN);
    mpfr_sqr(x2, x2, MPFR_RNDN);
    mpfr_mul(z, x2, k, MPFR_RNDN); // k x^2
    if (dz) {
        mpfr_mul_ui(dz, z, 3, MPFR_RNDN);
        mpfr_add_ui(dz, dz, 1, MPFR_RNDN);
        mpfr_mul(dz, dz, c, MPFR_RNDN);
    }
    mpfr_add_ui(z, z, 1, MPFR_RNDN);
    mpfr_mul_d(z, z, x, MPFR_RNDN); // x + k x^3
    mpfr_mul(z, z, c, MPFR_RNDN);
}

} // namespace detail

inline void gelu_tanh(mpfr_ptr r, double x)
{
    detail::gated(r, x, [x](mpfr_ptr g) {
        number z(mpfr_get_prec(g));
        detail::gelu_tanh_z(z, nullptr, x);
        detail::sigmoid(g, z);
    });
}

// gelu_tanh'(x) = sigma(z) + x sigma'(z) z'(x).
inline void gelu_tanh_prime(mpfr_ptr r, double x)
{
    detail::gated_prime(r, x, [x](mpfr_ptr s, mpfr_ptr ds) {
        const mpfr_prec_t p = mpfr_get_prec(s);
        number z(p), dz(p);
        detail::gelu_tanh_z(z, dz, x);
        detail::sigmoid(s, z);
        detail::sigmoid_prime(ds, z);
        mpfr_mul(ds, ds, dz, MPFR_RNDN);
        mpfr_mul_d(ds, ds, x, MPFR_RNDN);
    });
}

// ---- sigmoid, tanh ---------------------------------------------------------------------------------

inline void sigmoid(mpfr_ptr r, double x)
{
    number z(x, mpfr_get_prec(r));
    detail::sigmoid(r, z); // sigma(-inf) = 1/(1 + inf) = 0, sigma(inf) = 1
}

inline void sigmoid_prime(mpfr_ptr r, double x)
{
    number z(x, mpfr_get_prec(r));
    detail::sigmoid_prime(r, z); // e^-inf = 0: sigma'(+-inf) = 0
}

inline void tanh(mpfr_ptr r, double x)
{
    mpfr_set_d(r, x, MPFR_RNDN);
    mpfr_tanh(r, r, MPFR_RNDN);
}

// tanh'(x) = sech^2 x.
inline void tanh_prime(mpfr_ptr r, double x)
{
    mpfr_set_d(r, x, MPFR_RNDN);
    mpfr_sech(r, r, MPFR_RNDN);
    mpfr_sqr(r, r, MPFR_RNDN);
}

// ---- swish, silu: x sigma(beta x) -------------------------------------------------------------------
// beta x is exact (106 bits of 128).

inline void swish(mpfr_ptr r, double x, double beta)
{
    if (std::isnan(x) || std::isnan(beta)) {
        mpfr_set_nan(r);
        return;
    }
    if (std::isinf(x)) {
        if (beta == 0)
            mpfr_set_d(r, x / 2, MPFR_RNDN);
        else if ((x > 0) == (beta > 0))
            mpfr_set_d(r, x, MPFR_RNDN);
        else
            mpfr_set_zero(r, x > 0 ? 1 : -1);
        return;
    }
    number z(x, mpfr_get_prec(r));
    mpfr_mul_d(z, z, beta, MPFR_RNDN);
    detail::sigmoid(r, z);
    mpfr_mul_d(r, r, x, MPFR_RNDN);
}

// swish'(x) = sigma(z) + z sigma'(z), z = beta x.
inline void swish_prime(mpfr_ptr r, double x, double beta)
{
    if (std::isnan(x) || std::isnan(beta)) {
        mpfr_set_nan(r);
        return;
    }
    if (std::isinf(x)) {
        if (beta == 0)
            mpfr_set_d(r, 0.5, MPFR_RNDN);
        else if ((x > 0) == (beta > 0))
            mpfr_set_ui(r, 1, MPFR_RNDN);
        else
            mpfr_set_zero(r, -1);
        return;
    }
    detail::cancelling_sum(r, [x, beta](mpfr_ptr s, mpfr_ptr ds) {
        number z(x, mpfr_get_prec(s));
        mpfr_mul_d(z, z, beta, MPFR_RNDN);
        detail::sigmoid(s, z);
        detail::sigmoid_prime(ds, z);
        mpfr_mul(ds, ds, z, MPFR_RNDN);
    });
}

// d swish / d beta = x^2 sigma'(beta x) (beta = 0 and x = +-inf: inf).
inline void swish_dbeta(mpfr_ptr r, double x, double beta)
{
    if (std::isnan(x) || std::isnan(beta)) {
        mpfr_set_nan(r);
        return;
    }
    if (std::isinf(x)) {
        beta == 0 ? mpfr_set_inf(r, 1) : mpfr_set_zero(r, 1);
        return;
    }
    number z(x, mpfr_get_prec(r));
    mpfr_mul_d(z, z, beta, MPFR_RNDN);
    detail::sigmoid_prime(r, z);
    mpfr_mul_d(r, r, x, MPFR_RNDN);
    mpfr_mul_d(r, r, x, MPFR_RNDN);
}

inline void silu(mpfr_ptr r, double x) { swish(r, x, 1.0); }
inline void silu_prime(mpfr_ptr r, double x) { swish_prime(r, x, 1.0); }

// ---- relu6, hard_tanh, hard_sigmoid, hard_swish: piecewise, exact arithmetic --------------------
// At the kinks f' takes PyTorch's branches: 0 at the ends of hard_tanh's, relu6's and
// hard_sigmoid's slope; hard_swish's middle branch (2x + 3)/6 on the closed [-3, 3].

inline void hard_tanh(mpfr_ptr r, double x, double lo, double hi)
{
    mpfr_set_d(r, std::isnan(x) ? x : std::min(std::max(x, lo), hi), MPFR_RNDN);
}

inline void hard_tanh_prime(mpfr_ptr r, double x, double lo, double hi)
{
    mpfr_set_d(r, std::isnan(x) ? x : (lo < x && x < hi ? 1.0 : 0.0), MPFR_RNDN);
}

// relu6(-0) = +0, as relu (hard_tanh keeps a -0 inside its bounds)
inline void relu6(mpfr_ptr r, double x) { hard_tanh(r, x == 0 ? 0.0 : x, 0, 6); }
inline void relu6_prime(mpfr_ptr r, double x) { hard_tanh_prime(r, x, 0, 6); }

// (x + 3)/6 on (-3, 3) (x + 3 rounded once at the working precision: 2^-128 relative).
inline void hard_sigmoid(mpfr_ptr r, double x)
{
    if (std::isnan(x) || x <= -3 || x >= 3) {
        mpfr_set_d(r, std::isnan(x) ? x : (x > 0 ? 1.0 : 0.0), MPFR_RNDN);
        return;
    }
    mpfr_set_d(r, x, MPFR_RNDN);
    mpfr_add_ui(r, r, 3, MPFR_RNDN);
    mpfr_div_ui(r, r, 6, MPFR_RNDN);
}

inline void hard_sigmoid_prime(mpfr_ptr r, double x)
{
    hard_tanh_prime(r, x, -3, 3);
    mpfr_div_ui(r, r, 6, MPFR_RNDN);
}

// x (x + 3)/6 on (-3, 3); -0 below (x * 0), x above.
inline void hard_swish(mpfr_ptr r, double x)
{
    hard_sigmoid(r, x);
    mpfr_mul_d(r, r, x, MPFR_RNDN);
    if (x <= -3)
        mpfr_set_zero(r, -1); // x * 0 = -0 (not 0 * -inf = NaN)
}

// 0 for x < -3, (2x + 3)/6 on [-3, 3] (exact at 128 bits: 2x + 3 needs at most 1077 bits, and is
// rounded once, so its relative error stays 2^-128 up to the root -3/2), 1 for x > 3.
inline void hard_swish_prime(mpfr_ptr r, double x)
{
    if (std::isnan(x) || x < -3 || x > 3) {
        mpfr_set_d(r, std::isnan(x) ? x : (x > 0 ? 1.0 : 0.0), MPFR_RNDN);
        return;
    }
    mpfr_set_d(r, x, MPFR_RNDN);
    mpfr_mul_2ui(r, r, 1, MPFR_RNDN);
    mpfr_add_ui(r, r, 3, MPFR_RNDN);
    mpfr_div_ui(r, r, 6, MPFR_RNDN);
}

// ---- softsign: x/(1 + |x|), f' = 1/(1 + |x|)^2 -------------------------------------------------------

inline void softsign(mpfr_ptr r, double x)
{
    if (detail::at_limits(r, x, -1.0, 1.0))
        return;
    number d(std::fabs(x), mpfr_get_prec(r));
    mpfr_add_ui(d, d, 1, MPFR_RNDN);
    mpfr_set_d(r, x, MPFR_RNDN);
    mpfr_div(r, r, d, MPFR_RNDN);
}

inline void softsign_prime(mpfr_ptr r, double x)
{
    if (detail::at_limits(r, x, 0.0, 0.0))
        return;
    mpfr_set_d(r, std::fabs(x), MPFR_RNDN);
    mpfr_add_ui(r, r, 1, MPFR_RNDN);
    mpfr_sqr(r, r, MPFR_RNDN);
    mpfr_ui_div(r, 1, r, MPFR_RNDN);
}

// ---- selu, celu: the x <= 0 branch at the kink x = 0 ---------------------------------------------------
// selu(x) = scale x for x > 0, scale alpha (e^x - 1) otherwise; selu' = scale, scale alpha e^x.
// The constants are the decimals of Klambauer et al. (2017) to 32 digits (2^-106).

namespace detail {

inline void selu_constant(mpfr_ptr r, bool times_alpha)
{
    number a(mpfr_get_prec(r));
    mpfr_set_str(r, "1.0507009873554804934193349852946", 10, MPFR_RNDN);
    mpfr_set_str(a, "1.6732632423543772848170429916717", 10, MPFR_RNDN);
    if (times_alpha)
        mpfr_mul(r, r, a, MPFR_RNDN);
}

} // namespace detail

inline void selu(mpfr_ptr r, double x)
{
    number c(mpfr_get_prec(r));
    detail::selu_constant(c, !(x > 0));
    mpfr_set_d(r, x, MPFR_RNDN);
    if (!(x > 0))
        mpfr_expm1(r, r, MPFR_RNDN); // expm1(-inf) = -1; NaN stays NaN
    mpfr_mul(r, r, c, MPFR_RNDN);
}

inline void selu_prime(mpfr_ptr r, double x)
{
    detail::selu_constant(r, !(x > 0));
    if (std::isnan(x)) {
        mpfr_set_nan(r);
    } else if (x <= 0) {
        number e(x, mpfr_get_prec(r));
        mpfr_exp(e, e, MPFR_RNDN);
        mpfr_mul(r, r, e, MPFR_RNDN);
    }
}

// celu(x) = max(0, x) + min(0, alpha (e^(x/alpha) - 1)) = x for x > 0, alpha expm1(x/alpha) else
// (alpha > 0); celu'(x) = 1 for x > 0, e^(x/alpha) else. x/alpha is rounded at 16 more bits: its
// relative error 2^-144 grows by |x/alpha| through e^(x/alpha) (at most 2^11 wherever the result
// is not 0 in double), leaving 2^-128.

namespace detail {

inline void celu_exp(mpfr_ptr r, double x, double alpha, bool minus_one)
{
    number q(x, mpfr_get_prec(r) + 16);
    mpfr_div_d(q, q, alpha, MPFR_RNDN);
    minus_one ? mpfr_expm1(r, q, MPFR_RNDN) : mpfr_exp(r, q, MPFR_RNDN);
}

} // namespace detail

inline void celu(mpfr_ptr r, double x, double alpha)
{
    if (std::isnan(x) || x > 0) {
        mpfr_set_d(r, x, MPFR_RNDN);
        return;
    }
    detail::celu_exp(r, x, alpha, true);
    mpfr_mul_d(r, r, alpha, MPFR_RNDN);
}

inline void celu_prime(mpfr_ptr r, double x, double alpha)
{
    if (std::isnan(x) || x > 0)
        mpfr_set_d(r, std::isnan(x) ? x : 1.0, MPFR_RNDN);
    else
        detail::celu_exp(r, x, alpha, false);
}

// ---- softplus, log_sigmoid ---------------------------------------------------------------------------
// softplus(x) = log(1 + e^(beta x))/beta, x where beta x > threshold (PyTorch); softplus'(x) =
// sigmoid(beta x), 1 where beta x > threshold. beta x is exact (106 bits of 128), so the
// threshold test is the exact one. log_sigmoid(x) = -log(1 + e^-x), log_sigmoid'(x) = sigmoid(-x).

namespace detail {

// log(1 + e^z) = max(z, 0) + log1p(e^-|z|) (no overflow; log(1 + e^-inf) = 0).
inline void log1p_exp(mpfr_ptr r, mpfr_srcptr z)
{
    number e(mpfr_get_prec(r));
    mpfr_abs(e, z, MPFR_RNDN);
    mpfr_neg(e, e, MPFR_RNDN);
    mpfr_exp(e, e, MPFR_RNDN);
    mpfr_log1p(e, e, MPFR_RNDN);
    if (mpfr_sgn(z) > 0)
        mpfr_add(r, z, e, MPFR_RNDN);
    else
        mpfr_set(r, e, MPFR_RNDN);
}

// beta x into z; true where softplus is linear (beta x > threshold).
inline bool softplus_z(mpfr_ptr z, double x, double beta, double threshold)
{
    mpfr_set_d(z, x, MPFR_RNDN);
    mpfr_mul_d(z, z, beta, MPFR_RNDN);
    return mpfr_cmp_d(z, threshold) > 0; // false for NaN
}

} // namespace detail

inline void softplus(mpfr_ptr r, double x, double beta, double threshold)
{
    number z(mpfr_get_prec(r));
    if (detail::softplus_z(z, x, beta, threshold)) {
        mpfr_set_d(r, x, MPFR_RNDN);
        return;
    }
    detail::log1p_exp(r, z); // NaN stays NaN
    mpfr_div_d(r, r, beta, MPFR_RNDN);
}

inline void softplus_prime(mpfr_ptr r, double x, double beta, double threshold)
{
    number z(mpfr_get_prec(r));
    if (detail::softplus_z(z, x, beta, threshold))
        mpfr_set_ui(r, 1, MPFR_RNDN);
    else
        detail::sigmoid(r, z);
}

inline void log_sigmoid(mpfr_ptr r, double x)
{
    number z(-x, mpfr_get_prec(r));
    detail::log1p_exp(r, z);
    mpfr_neg(r, r, MPFR_RNDN);
}

inline void log_sigmoid_prime(mpfr_ptr r, double x)
{
    number z(-x, mpfr_get_prec(r));
    detail::sigmoid(r, z);
}

// ---- mish: x tanh(softplus(x)) ----------------------------------------------------------------------
// mish'(x) = tanh(sp) + x sech^2(sp) sigmoid(x), sp = log(1 + e^x); the terms cancel at the root
// x0 = -1.19243 of mish' (the minimum of mish). sp carries 2^-128 relative error into tanh and
// sech^2 multiplied by at most 2 sp: harmless except for x > 2^100, where the second term is
// below 2^-(2^100) and tanh(sp) = 1 to all bits.

inline void mish(mpfr_ptr r, double x)
{
    detail::gated(r, x, [x](mpfr_ptr g) {
        number z(x, mpfr_get_prec(g));
        detail::log1p_exp(g, z);
        mpfr_tanh(g, g, MPFR_RNDN);
    });
}

inline void mish_prime(mpfr_ptr r, double x)
{
    detail::gated_prime(r, x, [x](mpfr_ptr t, mpfr_ptr u) {
        const mpfr_prec_t p = mpfr_get_prec(t);
        number z(x, p), sp(p), s(p);
        detail::log1p_exp(sp, z);
        mpfr_tanh(t, sp, MPFR_RNDN);
        mpfr_sech(u, sp, MPFR_RNDN);
        mpfr_sqr(u, u, MPFR_RNDN);
        detail::sigmoid(s, z);
        mpfr_mul(u, u, s, MPFR_RNDN);
        mpfr_mul_d(u, u, x, MPFR_RNDN);
    });
}

// ---- quick_gelu: x sigmoid(1.702 x), 1.702 the double nearest it (what xact applies) ---------------

inline constexpr double quick_gelu_beta = 1.702;
inline void quick_gelu(mpfr_ptr r, double x) { swish(r, x, quick_gelu_beta); }
inline void quick_gelu_prime(mpfr_ptr r, double x) { swish_prime(r, x, quick_gelu_beta); }

// ---- softmax, log_softmax over one vector -------------------------------------------------------------
// softmax_i = e^(x_i - m) / sum_j e^(x_j - m); log_softmax_i = x_i - m - log sum_j e^(x_j - m).
// Special vectors: any NaN -> all NaN; all -inf -> NaN, or with masked_zero softmax 0 and
// log_softmax -inf; k entries +inf share the mass (1/k and -log k, the others 0 and -inf).
// Sums are rounded to the working precision at each step: 65536 terms lose at most 16 bits.

namespace detail {

// Fills y (sized to x) and returns true for a special vector.
inline bool softmax_special(const std::vector<double>& x, std::vector<number>& y, bool masked_zero, bool log)
{
    std::size_t pinf = 0;
    bool any_nan = false, all_minus_inf = true;
    for (double v : x) {
        any_nan |= std::isnan(v);
        pinf += v == HUGE_VAL;
        all_minus_inf &= v == -HUGE_VAL;
    }
    if (any_nan || (all_minus_inf && !masked_zero)) {
        for (auto& v : y)
            mpfr_set_nan(v);
        return true;
    }
    if (all_minus_inf) {
        for (auto& v : y)
            log ? mpfr_set_inf(v, -1) : mpfr_set_zero(v, 1);
        return true;
    }
    if (pinf == 0)
        return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (x[i] != HUGE_VAL) {
            log ? mpfr_set_inf(y[i], -1) : mpfr_set_zero(y[i], 1);
        } else if (log) {
            mpfr_set_ui(y[i], static_cast<unsigned long>(pinf), MPFR_RNDN);
            mpfr_log(y[i], y[i], MPFR_RNDN);
            mpfr_neg(y[i], y[i], MPFR_RNDN);
        } else {
            mpfr_set_ui(y[i], 1, MPFR_RNDN);
            mpfr_div_ui(y[i], y[i], static_cast<unsigned long>(pinf), MPFR_RNDN);
        }
    }
    return true;
}

inline std::vector<number> make_vector(std::size_t n, mpfr_prec_t p) { return std::vector<number>(n, number(p)); }

} // namespace detail

inline std::vector<number> softmax(const std::vector<double>& x, bool masked_zero = false,
                                   mpfr_prec_t p = default_precision)
{
    auto y = detail::make_vector(x.size(), p);
    if (x.empty() || detail::softmax_special(x, y, masked_zero, false))
        return y;
    const double m = *std::max_element(x.begin(), x.end());
    number sum(p);
    mpfr_set_zero(sum, 1);
    for (std::size_t i = 0; i < x.size(); ++i) {
        mpfr_set_d(y[i], x[i], MPFR_RNDN);
        mpfr_sub_d(y[i], y[i], m, MPFR_RNDN); // exact, or within 2^-128 relative
        mpfr_exp(y[i], y[i], MPFR_RNDN);
        mpfr_add(sum, sum, y[i], MPFR_RNDN);
    }
    for (auto& v : y)
        mpfr_div(v, v, sum, MPFR_RNDN);
    return y;
}

inline std::vector<number> log_softmax(const std::vector<double>& x, bool masked_zero = false,
                                       mpfr_prec_t p = default_precision)
{
    auto y = detail::make_vector(x.size(), p);
    if (x.empty() || detail::softmax_special(x, y, masked_zero, true))
        return y;
    const double m = *std::max_element(x.begin(), x.end());
    // log S = log1p(S - 1), S - 1 summed without the maximum's 1: a dominant entry's
    // log_softmax is about -(S - 1), which 1 + (S - 1) at p bits would round to 0 once S - 1 < 2^-p.
    // The count of maxima is added last: -1 + (tiny) would round the tiny away too.
    number sum(p), t(p);
    mpfr_set_zero(sum, 1);
    unsigned long maxima = 0;
    for (double v : x) {
        if (v == m) {
            ++maxima;
            continue;
        }
        mpfr_set_d(t, v, MPFR_RNDN);
        mpfr_sub_d(t, t, m, MPFR_RNDN);
        mpfr_exp(t, t, MPFR_RNDN);
        mpfr_add(sum, sum, t, MPFR_RNDN);
    }
    mpfr_add_ui(sum, sum, maxima - 1, MPFR_RNDN);
    mpfr_log1p(sum, sum, MPFR_RNDN);
    for (std::size_t i = 0; i < x.size(); ++i) {
        mpfr_set_d(y[i], x[i], MPFR_RNDN); // -inf stays -inf
        mpfr_sub_d(y[i], y[i], m, MPFR_RNDN);
        mpfr_sub(y[i], y[i], sum, MPFR_RNDN);
    }
    return y;
}

// Backward results next to cancellation. Per element, the two terms a_i - b_i that the result
// is made of (softmax: dy_i - s, s = <dy, y>, dx_i = y_i (a_i - b_i); log_softmax:
// dy_i - y_i sum dy): `cancels` when |a_i - b_i| <= 2^-20 (|a_i| + |b_i|), where a ULP bound
// means nothing, and `scale`, the size of the terms for the mixed metric there:
// y_i (|dy_i| + |s|) (softmax), |dy_i| + |y_i sum dy| (log_softmax).
inline constexpr double cancel_limit = 0x1p-20;

struct backward_terms {
    std::vector<char> cancels;
    std::vector<long double> scale;
};

namespace detail {

// Records the terms a - b (and the factor y, 1 for log_softmax) of one element.
inline void record_terms(backward_terms* terms, std::size_t i, mpfr_srcptr a, mpfr_srcptr b, mpfr_srcptr y,
                         mpfr_prec_t p)
{
    if (!terms)
        return;
    number d(p), size(p), t(p);
    mpfr_sub(d, a, b, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    mpfr_abs(size, a, MPFR_RNDN);
    mpfr_abs(t, b, MPFR_RNDN);
    mpfr_add(size, size, t, MPFR_RNDN);
    mpfr_mul_d(t, size, cancel_limit, MPFR_RNDN);
    terms->cancels[i] = mpfr_number_p(d) && mpfr_number_p(t) && mpfr_lessequal_p(d, t);
    if (y)
        mpfr_mul(size, size, y, MPFR_RNDN);
    terms->scale[i] = std::fabs(mpfr_get_ld(size, MPFR_RNDN));
}

inline void init_terms(backward_terms* terms, std::size_t n)
{
    if (terms) {
        terms->cancels.assign(n, 0);
        terms->scale.assign(n, 0.0L);
    }
}

} // namespace detail

// softmax backward: dx = y (dy - <dy, y>).
inline std::vector<number> softmax_backward(const std::vector<double>& x, const std::vector<double>& dy,
                                            bool masked_zero = false, backward_terms* terms = nullptr,
                                            mpfr_prec_t p = default_precision)
{
    const auto y = softmax(x, masked_zero, p);
    number dot(p), t(p);
    mpfr_set_zero(dot, 1);
    for (std::size_t i = 0; i < y.size(); ++i) {
        mpfr_mul_d(t, y[i], dy[i], MPFR_RNDN);
        mpfr_add(dot, dot, t, MPFR_RNDN);
    }
    auto dx = detail::make_vector(y.size(), p);
    detail::init_terms(terms, y.size());
    for (std::size_t i = 0; i < y.size(); ++i) {
        mpfr_set_d(t, dy[i], MPFR_RNDN);
        detail::record_terms(terms, i, t, dot, y[i], p);
        mpfr_sub(t, t, dot, MPFR_RNDN);
        mpfr_mul(dx[i], t, y[i], MPFR_RNDN);
    }
    return dx;
}

// log_softmax backward: dx = dy - softmax(x) sum(dy).
inline std::vector<number> log_softmax_backward(const std::vector<double>& x, const std::vector<double>& dy,
                                                bool masked_zero = false, backward_terms* terms = nullptr,
                                                mpfr_prec_t p = default_precision)
{
    const auto y = softmax(x, masked_zero, p);
    number sum(p), t(p), g(p);
    mpfr_set_zero(sum, 1);
    for (double v : dy)
        mpfr_add_d(sum, sum, v, MPFR_RNDN);
    auto dx = detail::make_vector(y.size(), p);
    detail::init_terms(terms, y.size());
    for (std::size_t i = 0; i < y.size(); ++i) {
        mpfr_mul(t, y[i], sum, MPFR_RNDN);
        mpfr_set_d(g, dy[i], MPFR_RNDN);
        detail::record_terms(terms, i, g, t, nullptr, p);
        mpfr_sub(dx[i], g, t, MPFR_RNDN);
    }
    return dx;
}

} // namespace xact_mpfr
