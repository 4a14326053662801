// The test reference: every function, derivative and parameter gradient written from its
// mathematical definition in long double. It shares no code with xact (it must not include
// any xact header), so a bug in the library cannot hide in the reference.
//
// Accuracy. The float and double results are judged against these values in ULPs, so the
// reference must stay accurate where the library works hardest: in the tails (gelu to
// x = -13 in float and -38 in double, sigmoid to -87 / -745, ...) and next to the roots of f'.
// With an x87 80-bit long double (64-bit significand) every function here is within a few
// units of 2^-64 relative error, everywhere, including:
//   - arguments of exp/erfc that are products (x/sqrt2, x^2/2, beta*x, the gelu_tanh argument
//     sqrt(8/pi)(x + 0.044715 x^3)) are formed exactly or in double-long-double, because one
//     rounding in an argument of size 745 costs 745 * 2^-64 ~ 4e-17 relative, a third of a
//     double ULP;
//   - nothing computes 1 - erfc, 1 - sigmoid or 1 - tanh^2;
//   - near the roots of gelu', gelu_tanh' and swish', where Phi + x phi (etc.) cancels, f' is
//     summed from its Taylor series about the root (root from mpmath, coefficients by Taylor
//     arithmetic on the definition), so f' keeps its relative accuracy right up to the root.
// tests/reference/test_reference.cpp checks all of this against mpmath at 30 digits.
// The ULP metric rounds the reference to T afterwards; a correctly rounded result may therefore
// measure up to 0.5 + 2^-11 ULP in double (double rounding), 0.5 + 2^-40 in float.
// Where long double is no wider than double (MSVC, Apple arm64) `extended_precision` is false
// and the reference is no better than the code it checks; test_reference.cpp then fails.
//
// Limits: NaN -> NaN everywhere; +-inf give the mathematical limit (gelu(-inf) = -0,
// sigmoid(-inf) = 0, tanh(+-inf) = +-1, elu(-inf) = -alpha, silu(-inf) = -0, f'(+-inf) -> its
// limit). Zeros carry the sign of the function on that side (-0 for limits from below); the ULP
// metric ignores the sign of zero.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace xact_ref {

using real = long double;

inline constexpr bool extended_precision = std::numeric_limits<real>::digits >= 64;

inline const real pi = 3.141592653589793238462643383279502884L;
inline const real sqrt2 = 1.414213562373095048801688724209698079L;

inline bool isnan(real x) { return std::isnan(x); }

namespace detail {

inline const real inf = std::numeric_limits<real>::infinity();
inline const real inv_sqrt_2pi = 0.3989422804014326779399460599343818684759L;
inline const real two_over_sqrt_pi = 1.128379167095512573896158903121545171688L;

// e^x, returning 0 and inf itself beyond long double's range: glibc's expl saves and restores the
// floating-point environment and sets errno for every result that underflows or overflows, at ten
// times the cost of the exp, and the sweeps pass it billions of such arguments.
inline real exp_quiet(real x)
{
    using L = std::numeric_limits<real>;
    const real ln2 = 0.6931471805599453094172321214581765680755L;
    if (x < (L::min_exponent - L::digits - 1) * ln2) // e^x below half the smallest denormal
        return 0;
    if (x > L::max_exponent * ln2) // e^x above the largest finite value
        return inf;
    return std::exp(x);
}

// ---- double-long-double: an unevaluated sum hi + lo with |lo| <= ulp(hi)/2 -------------------
// Error-free transformations (Knuth two-sum, Dekker split and product). Each step is its own
// statement; x87 long double has no fused multiply-add, so nothing is contracted.
struct dd {
    real hi, lo;
};

inline dd two_sum(real a, real b)
{
    const real s = a + b;
    const real bb = s - a;
    const real e = (a - (s - bb)) + (b - bb);
    return {s, e};
}

inline dd fast_two_sum(real a, real b) // |a| >= |b|
{
    const real s = a + b;
    const real e = b - (s - a);
    return {s, e};
}

inline const real splitter = std::ldexp(real(1), (std::numeric_limits<real>::digits + 1) / 2) + 1;

inline dd split(real a)
{
    const real t = splitter * a;
    const real hi = t - (t - a);
    return {hi, a - hi};
}

inline dd two_prod(real a, real b)
{
    const real p = a * b;
    const dd x = split(a), y = split(b);
    const real e = ((x.hi * y.hi - p) + x.hi * y.lo + x.lo * y.hi) + x.lo * y.lo;
    return {p, e};
}

inline dd neg(dd a) { return {-a.hi, -a.lo}; }

inline dd add(dd a, dd b)
{
    dd s = two_sum(a.hi, b.hi);
    const dd t = two_sum(a.lo, b.lo);
    s.lo += t.hi;
    s = fast_two_sum(s.hi, s.lo);
    s.lo += t.lo;
    return fast_two_sum(s.hi, s.lo);
}

inline dd mul(dd a, real b)
{
    dd p = two_prod(a.hi, b);
    p.lo += a.lo * b;
    return fast_two_sum(p.hi, p.lo);
}

inline dd mul(dd a, dd b)
{
    dd p = two_prod(a.hi, b.hi);
    p.lo += a.hi * b.lo + a.lo * b.hi;
    return fast_two_sum(p.hi, p.lo);
}

// A constant c = hi + lo: hi is the double nearest c, lo the rest (from mpmath, 25 digits), so
// hi + lo carries about 117 bits on x87.
inline dd constant(double hi, real lo) { return {hi, lo}; }

inline const dd inv_sqrt2 = constant(0.7071067811865476, -4.833646656726456518593584e-17L);
inline const dd sqrt_8_over_pi = constant(1.5957691216057308, -9.969308809110920314576553e-17L);
inline const dd gelu_tanh_k = constant(0.044715, 2.196021142708559636957943e-18L); // 0.044715 exactly

// e^(hi + lo) = e^hi (1 + lo + ...), |lo| tiny.
inline real exp_dd(dd a)
{
    if (!std::isfinite(a.hi))
        return detail::exp_quiet(a.hi);
    const real e = detail::exp_quiet(a.hi);
    return e + e * a.lo;
}

// erfc(hi + lo) = erfc(hi) - lo (2/sqrt(pi)) e^(-hi^2) + O(lo^2).
inline real erfc_dd(dd z)
{
    const real e = std::erfc(z.hi);
    if (z.lo == 0 || !std::isfinite(z.hi))
        return e;
    return e - z.lo * two_over_sqrt_pi * detail::exp_quiet(-z.hi * z.hi);
}

// Phi(x) = erfc(-x/sqrt2)/2, with -x/sqrt2 exact to ~117 bits.
inline real normal_cdf(real x) { return erfc_dd(mul(inv_sqrt2, -x)) / 2; }

// phi(x) = e^(-x^2/2)/sqrt(2 pi), with x^2 formed exactly.
inline real normal_pdf(real x)
{
    dd h = two_prod(x, x);
    h.hi /= -2;
    h.lo /= -2;
    return exp_dd(h) * inv_sqrt_2pi;
}

// sigma(z) = 1/(1+e^-z) for z >= 0, e^z/(1+e^z) for z < 0 (never 1 - tiny).
inline real sigmoid_dd(dd z)
{
    if (z.hi >= 0)
        return 1 / (1 + exp_dd(neg(z)));
    const real e = exp_dd(z);
    return e / (1 + e);
}

// sigma(z) sigma(-z) = e/(1+e)^2, e = e^-|z|.
inline real sigmoid_prime_dd(dd z)
{
    const real e = exp_dd(z.hi >= 0 ? neg(z) : z);
    return e / ((1 + e) * (1 + e));
}

// gelu_tanh's z = 2u = sqrt(8/pi) (x + 0.044715 x^3), in double-long-double.
inline dd gelu_tanh_z(real x)
{
    const dd x3 = mul(two_prod(x, x), x);
    return mul(add(dd{x, 0}, mul(x3, gelu_tanh_k)), sqrt_8_over_pi);
}

// ---- Taylor arithmetic, for f' next to its roots ---------------------------------------------
// A jet holds the Taylor coefficients a_k of a function of t = x - x0 about x0.
inline constexpr std::size_t jet_terms = 26;
using jet = std::array<real, jet_terms>;

inline jet jet_constant(real c)
{
    jet r{};
    r[0] = c;
    return r;
}

inline jet jet_variable(real x0)
{
    jet r{};
    r[0] = x0;
    r[1] = 1;
    return r;
}

inline jet jet_add(const jet& a, const jet& b)
{
    jet r;
    for (std::size_t k = 0; k < jet_terms; ++k)
        r[k] = a[k] + b[k];
    return r;
}

inline jet jet_scale(const jet& a, real c)
{
    jet r;
    for (std::size_t k = 0; k < jet_terms; ++k)
        r[k] = a[k] * c;
    return r;
}

inline jet jet_mul(const jet& a, const jet& b)
{
    jet r{};
    for (std::size_t k = 0; k < jet_terms; ++k)
        for (std::size_t j = 0; j <= k; ++j)
            r[k] += a[j] * b[k - j];
    return r;
}

// b = e^a: b' = a' b, so k b_k = sum_{j=1..k} j a_j b_{k-j}.
inline jet jet_exp(const jet& a)
{
    jet b{};
    b[0] = detail::exp_quiet(a[0]);
    for (std::size_t k = 1; k < jet_terms; ++k) {
        real s = 0;
        for (std::size_t j = 1; j <= k; ++j)
            s += real(j) * a[j] * b[k - j];
        b[k] = s / real(k);
    }
    return b;
}

// c = 1/a: sum_{j=0..k} a_j c_{k-j} = 0 for k > 0.
inline jet jet_reciprocal(const jet& a)
{
    jet c{};
    c[0] = 1 / a[0];
    for (std::size_t k = 1; k < jet_terms; ++k) {
        real s = 0;
        for (std::size_t j = 1; j <= k; ++j)
            s += a[j] * c[k - j];
        c[k] = -s / a[0];
    }
    return c;
}

// The antiderivative with constant term c0.
inline jet jet_integral(const jet& a, real c0)
{
    jet r{};
    r[0] = c0;
    for (std::size_t k = 1; k < jet_terms; ++k)
        r[k] = a[k - 1] / real(k);
    return r;
}

inline jet jet_sigmoid(const jet& z)
{
    return jet_reciprocal(jet_add(jet_constant(1), jet_exp(jet_scale(z, -1))));
}

// f' = sum_{k>=1} d_k t^k about a root x0 = hi + mid + lo of f' (hi and mid doubles, lo the
// rest: ~170 bits, so that t = x - x0 keeps its relative accuracy even for the double nearest
// the root), from the jet of f: d_k = (k+1) f_{k+1}. d_0 = f'(x0) = 0 by definition of x0.
struct root_series {
    double hi, mid;
    real lo;
    real window; // used for |x - x0| < window
    std::array<real, jet_terms - 1> d;

    root_series(double root_hi, double root_mid, real root_lo, real w, const jet& f)
        : hi(root_hi), mid(root_mid), lo(root_lo), window(w), d{}
    {
        for (std::size_t k = 1; k + 1 < jet_terms; ++k)
            d[k] = real(k + 1) * f[k + 1];
    }

    // x - x0 for x = xhi + xlo near the root: xhi - hi is exact there (Sterbenz).
    real offset(real xhi, real xlo = 0) const
    {
        const dd small = add(two_sum(xlo, -static_cast<real>(mid)), {-lo, 0});
        return add({xhi - static_cast<real>(hi), 0}, small).hi;
    }

    real sum(real t) const
    {
        real s = 0;
        for (std::size_t k = d.size() - 1; k >= 1; --k)
            s = s * t + d[k];
        return s * t;
    }
};

// Roots r of f' from mpmath 1.3 (mp.dps = 60): r = findroot(f', -0.75) (-1.28 for swish), then
// hi = float(r), mid = float(r - hi), lo = r - hi - mid printed to 25 digits (f' written as in
// tests/reference/mpmath_table.py; test_reference.cpp checks f' at the doubles and floats
// nearest each root against mpmath).
inline const root_series& gelu_root()
{
    static const root_series s = [] {
        const double hi = -0.7517915246935645, mid = 1.4956759177009883e-17;
        const real lo = 5.384040947833005274387603e-34L;
        const real x0 = static_cast<real>(hi) + static_cast<real>(mid);
        const jet x = jet_variable(x0);
        // phi(x) = e^(-x^2/2)/sqrt(2 pi); Phi = integral of phi; gelu = x Phi.
        const jet phi = jet_scale(jet_exp(jet_scale(jet_mul(x, x), real(-0.5))), inv_sqrt_2pi);
        const jet Phi = jet_integral(phi, normal_cdf(x0));
        return root_series(hi, mid, lo, real(0.125), jet_mul(x, Phi));
    }();
    return s;
}

inline const root_series& gelu_tanh_root()
{
    static const root_series s = [] {
        const double hi = -0.7524614220710163, mid = 3.635560509207687e-17;
        const real lo = -2.541559538966045763508548e-33L;
        const real x0 = static_cast<real>(hi) + static_cast<real>(mid);
        const jet x = jet_variable(x0);
        const real c = sqrt_8_over_pi.hi + sqrt_8_over_pi.lo, k = gelu_tanh_k.hi + gelu_tanh_k.lo;
        const jet z = jet_scale(jet_add(x, jet_scale(jet_mul(x, jet_mul(x, x)), k)), c);
        return root_series(hi, mid, lo, real(0.125), jet_mul(x, jet_sigmoid(z)));
    }();
    return s;
}

// swish'(x) = g(beta x), g(z) = d/dz [z sigma(z)]; the root is in z.
inline const root_series& swish_root()
{
    static const root_series s = [] {
        const double hi = -1.2784645427610737, mid = -1.0946994183093437e-16;
        const real lo = -3.907766676128664708356174e-33L;
        const jet z = jet_variable(static_cast<real>(hi) + static_cast<real>(mid));
        return root_series(hi, mid, lo, real(0.125), jet_mul(z, jet_sigmoid(z)));
    }();
    return s;
}

// g(z) = sigma(z) + z sigma(z) sigma(-z) for z = beta x carried as hi + lo.
inline real swish_g(dd z)
{
    const root_series& r = swish_root();
    const real t = r.offset(z.hi, z.lo);
    if (std::fabs(t) < r.window)
        return r.sum(t);
    const real s = sigmoid_dd(z);
    return s + z.hi * sigmoid_prime_dd(z);
}

inline bool any_nan(const std::vector<real>& x)
{
    return std::any_of(x.begin(), x.end(), [](real v) { return std::isnan(v); });
}

} // namespace detail

// ---- relu, leaky_relu, prelu, elu --------------------------------------------------------------
// The derivative at the kink x = 0 takes the x <= 0 branch (as PyTorch).

inline real relu(real x) { return isnan(x) ? x : (x > 0 ? x : real(0)); }
inline real relu_prime(real x) { return isnan(x) ? x : (x > 0 ? real(1) : real(0)); }

inline real leaky_relu(real x, real a)
{
    if (isnan(x))
        return x;
    if (x > 0)
        return x;
    return a == 0 ? real(0) : a * x; // alpha = 0: 0, also at -inf (not 0 * inf)
}
inline real leaky_relu_prime(real x, real a) { return isnan(x) ? x : (x > 0 ? real(1) : a); }
// d leaky_relu / d alpha (the same for prelu).
inline real leaky_relu_dalpha(real x) { return isnan(x) ? x : (x > 0 ? real(0) : x); }

inline real prelu(real x, real a) { return leaky_relu(x, a); }
inline real prelu_prime(real x, real a) { return leaky_relu_prime(x, a); }
inline real prelu_dalpha(real x) { return leaky_relu_dalpha(x); }

// elu(x) = x for x > 0, alpha (e^x - 1) otherwise (expm1: no cancellation near 0).
inline real elu(real x, real a) { return isnan(x) ? x : (x > 0 ? x : a * std::expm1(x)); }
inline real elu_prime(real x, real a) { return isnan(x) ? x : (x > 0 ? real(1) : a * detail::exp_quiet(x)); }
inline real elu_dalpha(real x) { return isnan(x) ? x : (x > 0 ? real(0) : std::expm1(x)); }

// ---- gelu ----------------------------------------------------------------------------------------
// gelu(x) = x Phi(x) = x erfc(-x/sqrt2)/2; gelu'(x) = Phi(x) + x phi(x), phi = e^(-x^2/2)/sqrt(2pi).
inline real gelu(real x)
{
    if (isnan(x))
        return x;
    if (std::isinf(x))
        return x > 0 ? x : -real(0);
    return x * detail::normal_cdf(x);
}

inline real gelu_prime(real x)
{
    if (isnan(x))
        return x;
    if (std::isinf(x))
        return x > 0 ? real(1) : -real(0);
    const auto& root = detail::gelu_root();
    const real t = root.offset(x);
    if (std::fabs(t) < root.window)
        return root.sum(t);
    return detail::normal_cdf(x) + x * detail::normal_pdf(x);
}

// ---- gelu_tanh -----------------------------------------------------------------------------------
// gelu_tanh(x) = x/2 (1 + tanh u) = x sigma(z), z = 2u = sqrt(8/pi) (x + 0.044715 x^3) (0.044715
// exactly); gelu_tanh'(x) = sigma(z) + x sigma(z) sigma(-z) z'(x), z' = sqrt(8/pi)(1 + 3*0.044715 x^2).
// Beyond |x| = 2^20 sigma(z) is 0 or 1 to far below any precision; the tails return the limit
// directly so that x^3 stays finite for any long double x.
inline real gelu_tanh_z(real x)
{
    const detail::dd z = detail::gelu_tanh_z(x);
    return z.hi + z.lo;
}

inline real gelu_tanh(real x)
{
    if (isnan(x))
        return x;
    if (std::fabs(x) > real(1048576))
        return x > 0 ? x : -real(0);
    return x * detail::sigmoid_dd(detail::gelu_tanh_z(x));
}

inline real gelu_tanh_prime(real x)
{
    if (isnan(x))
        return x;
    if (std::fabs(x) > real(1048576))
        return x > 0 ? real(1) : -real(0);
    const auto& root = detail::gelu_tanh_root();
    const real t = root.offset(x);
    if (std::fabs(t) < root.window)
        return root.sum(t);
    const detail::dd z = detail::gelu_tanh_z(x);
    const real k = detail::gelu_tanh_k.hi + detail::gelu_tanh_k.lo;
    const real dz = (detail::sqrt_8_over_pi.hi + detail::sqrt_8_over_pi.lo) * (1 + 3 * k * x * x);
    return detail::sigmoid_dd(z) + x * detail::sigmoid_prime_dd(z) * dz;
}

// ---- sigmoid, tanh -------------------------------------------------------------------------------
inline real sigmoid(real x)
{
    if (isnan(x))
        return x;
    return detail::sigmoid_dd({x, 0});
}

// sigma'(x) = sigma(x) sigma(-x) = e/(1+e)^2 with e = e^-|x| (never sigma (1 - sigma)).
inline real sigmoid_prime(real x)
{
    if (isnan(x))
        return x;
    return detail::sigmoid_prime_dd({x, 0});
}

inline real tanh(real x) { return std::tanh(x); }

// tanh'(x) = 1/cosh^2 x = 4e/(1+e)^2 with e = e^(-2|x|) (1 - tanh^2 would cancel).
inline real tanh_prime(real x)
{
    if (isnan(x))
        return x;
    const real e = detail::exp_quiet(-2 * std::fabs(x));
    return 4 * e / ((1 + e) * (1 + e));
}

// ---- swish, silu ---------------------------------------------------------------------------------
// swish(x) = x sigma(b x); swish'(x) = g(b x), g(z) = sigma(z) + z sigma(z) sigma(-z);
// d swish / d b = x^2 sigma(bx) sigma(-bx). b x is formed exactly (two-product).
// Limits: b > 0: swish(-inf) = -0, swish'(-inf) = -0, swish'(inf) = 1; b < 0 mirrors it;
// b = 0: swish = x/2, swish' = 1/2, d/db = x^2/4 (inf at +-inf).
inline real swish(real x, real b)
{
    if (isnan(x) || isnan(b))
        return x + b;
    if (std::isinf(x)) {
        if (b == 0)
            return x;
        return (x > 0) == (b > 0) ? x : std::copysign(real(0), x);
    }
    return x * detail::sigmoid_dd(detail::two_prod(b, x));
}

inline real swish_prime(real x, real b)
{
    if (isnan(x) || isnan(b))
        return x + b;
    if (std::isinf(x)) {
        if (b == 0)
            return real(0.5);
        return (x > 0) == (b > 0) ? real(1) : -real(0);
    }
    return detail::swish_g(detail::two_prod(b, x));
}

inline real swish_dbeta(real x, real b)
{
    if (isnan(x) || isnan(b))
        return x + b;
    if (std::isinf(x))
        return b == 0 ? detail::inf : real(0);
    return x * x * detail::sigmoid_prime_dd(detail::two_prod(b, x));
}

inline real silu(real x) { return swish(x, 1); }
inline real silu_prime(real x) { return swish_prime(x, 1); }

// ---- max |f'|: the scale of the mixed error metric next to roots of f' ----------------------------
inline constexpr real relu_max_prime = 1;
inline constexpr real gelu_max_prime = 1.128904145185154786340744442261973312332L;      // at x = sqrt2
inline constexpr real gelu_tanh_max_prime = 1.128993068658771765455904470399553845734L; // at x = 1.41850
inline constexpr real sigmoid_max_prime = 0.25L;                                         // at 0
inline constexpr real tanh_max_prime = 1;                                                // at 0
inline constexpr real silu_max_prime = 1.099839320128866916958184924320570972131L;      // at x = 2.39936
inline real leaky_relu_max_prime(real a) { return std::max(real(1), std::fabs(a)); }
inline real prelu_max_prime(real a) { return leaky_relu_max_prime(a); }
inline real elu_max_prime(real a) { return std::max(real(1), std::fabs(a)); }
inline real swish_max_prime(real b) { return b == 0 ? real(0.5) : silu_max_prime; } // g(bx) for any b != 0

// The roots of f' (where the derivative's relative error is hardest), to long double precision.
inline const real gelu_prime_root = -0.7517915246935644574579049467795240396645L;
inline const real gelu_tanh_prime_root = -0.7524614220710162584879544432889160906054L;
inline const real silu_prime_root = -1.278464542761073795109358739022980155439L; // swish: this / beta

// ---- softmax, log_softmax (one vector) ------------------------------------------------------------
// Max-subtracted; x - max is exact (two-sum) and e^(x - max) sums with compensation.
// Special vectors: any NaN -> all NaN; all -inf -> NaN, or with masked_zero softmax 0 and
// log_softmax -inf; +inf entries take the limit (the k entries equal to +inf share the mass:
// softmax 1/k, log_softmax -log k; the others 0 and -inf). An empty vector gives an empty one.
namespace detail {

// Sizes y to x; for a special vector fills it and returns true.
inline bool softmax_special(const std::vector<real>& x, std::vector<real>& y, bool masked_zero, bool log)
{
    const real nan = std::numeric_limits<real>::quiet_NaN();
    real m = -inf;
    std::size_t pinf = 0;
    for (real v : x) {
        m = std::max(m, v);
        pinf += v == inf;
    }
    y.assign(x.size(), nan);
    if (any_nan(x) || (m == -inf && !masked_zero))
        return true;
    if (m == -inf) {
        std::fill(y.begin(), y.end(), log ? -inf : real(0));
        return true;
    }
    if (pinf > 0) {
        const real share = real(1) / real(pinf);
        for (std::size_t i = 0; i < x.size(); ++i)
            y[i] = x[i] == inf ? (log ? -std::log(real(pinf)) : share) : (log ? -inf : real(0));
        return true;
    }
    return false;
}

} // namespace detail

inline std::vector<real> softmax(const std::vector<real>& x, bool masked_zero = false)
{
    std::vector<real> y;
    if (x.empty() || detail::softmax_special(x, y, masked_zero, false))
        return y;
    const real m = *std::max_element(x.begin(), x.end());
    detail::dd s{0, 0};
    for (std::size_t i = 0; i < x.size(); ++i) {
        y[i] = detail::exp_dd(detail::two_sum(x[i], -m));
        s = detail::add(s, {y[i], 0});
    }
    for (real& v : y)
        v /= s.hi + s.lo;
    return y;
}

// log_softmax = (x - max) - log(sum e^(x - max)); the sum is (entries equal to max) + rest, and
// log(1 + rest) is log1p, so a dominant entry's tiny result keeps its relative accuracy.
inline std::vector<real> log_softmax(const std::vector<real>& x, bool masked_zero = false)
{
    std::vector<real> y;
    if (x.empty() || detail::softmax_special(x, y, masked_zero, true))
        return y;
    const real m = *std::max_element(x.begin(), x.end());
    detail::dd rest{0, 0};
    std::size_t at_max = 0;
    for (real v : x) {
        if (v == m)
            ++at_max;
        else
            rest = detail::add(rest, {detail::exp_dd(detail::two_sum(v, -m)), 0});
    }
    const real r = rest.hi + rest.lo;
    const real log_sum = at_max == 1 ? std::log1p(r) : std::log(real(at_max) + r);
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (x[i] == -detail::inf) {
            y[i] = x[i];
            continue;
        }
        const detail::dd d = detail::two_sum(x[i], -m);
        y[i] = detail::add(d, {-log_sum, 0}).hi;
    }
    return y;
}

// softmax VJP: dx = y (dy - <dy, y>), y = softmax(x); <dy, y> and the difference in
// double-long-double (the cancellation in dy - <dy, y> is the function's own: judge it with
// softmax_vjp_scale).
inline std::vector<real> softmax_vjp(const std::vector<real>& x, const std::vector<real>& dy, bool masked_zero = false)
{
    const auto y = softmax(x, masked_zero);
    detail::dd d{0, 0};
    for (std::size_t i = 0; i < y.size(); ++i)
        d = detail::add(d, detail::two_prod(dy[i], y[i]));
    std::vector<real> dx(y.size());
    for (std::size_t i = 0; i < y.size(); ++i) {
        const detail::dd diff = detail::add({dy[i], 0}, detail::neg(d));
        dx[i] = y[i] * (diff.hi + diff.lo);
    }
    return dx;
}

// log_softmax VJP: dx = dy - softmax(x) sum(dy).
inline std::vector<real> log_softmax_vjp(const std::vector<real>& x, const std::vector<real>& dy,
                                         bool masked_zero = false)
{
    const auto y = softmax(x, masked_zero);
    detail::dd s{0, 0};
    for (real g : dy)
        s = detail::add(s, {g, 0});
    std::vector<real> dx(y.size());
    for (std::size_t i = 0; i < y.size(); ++i)
        dx[i] = detail::add({dy[i], 0}, detail::neg(detail::mul(s, y[i]))).hi;
    return dx;
}

// The natural size of each VJP entry, for the mixed metric (where dx cancels to near 0):
// softmax: |y_i| (|dy_i| + sum_j |dy_j y_j|); log_softmax: |dy_i| + |y_i| sum_j |dy_j|.
inline std::vector<real> softmax_vjp_scale(const std::vector<real>& x, const std::vector<real>& dy,
                                           bool masked_zero = false)
{
    const auto y = softmax(x, masked_zero);
    real d = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
        d += std::fabs(dy[i] * y[i]);
    std::vector<real> s(y.size());
    for (std::size_t i = 0; i < y.size(); ++i)
        s[i] = std::fabs(y[i]) * (std::fabs(dy[i]) + d);
    return s;
}

inline std::vector<real> log_softmax_vjp_scale(const std::vector<real>& x, const std::vector<real>& dy,
                                               bool masked_zero = false)
{
    const auto y = softmax(x, masked_zero);
    real g = 0;
    for (real v : dy)
        g += std::fabs(v);
    std::vector<real> s(y.size());
    for (std::size_t i = 0; i < y.size(); ++i)
        s[i] = std::fabs(dy[i]) + std::fabs(y[i]) * g;
    return s;
}

} // namespace xact_ref
