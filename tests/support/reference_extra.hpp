// The long double reference for the activations added after the first set (relu6, hard_tanh,
// hard_sigmoid, hard_swish, softsign, selu, celu, quick_gelu, softplus, log_sigmoid, mish),
// written from their definitions with the same care as reference.hpp (whose double-long-double
// and Taylor tools it uses): no xact header is included.
//
// Accuracy (x87 long double): within a few units of 2^-64 relative everywhere, because
//   - products that feed exp (beta x in softplus) are formed exactly, as in reference.hpp;
//   - nothing forms 1 - sigmoid, 1 - tanh^2 or log(1 + tiny) by subtraction: log1p and expm1
//     throughout, sech^2 as 1/cosh^2;
//   - next to the root of mish' (where tanh(sp) + x sech^2(sp) sigmoid(x) cancels) mish' is
//     summed from its Taylor series about the root (root from mpmath, coefficients by Taylor
//     arithmetic), so it keeps its relative accuracy up to the root.
// Kinks follow PyTorch (see each function). Limits: NaN -> NaN; +-inf give the mathematical
// limit.
#pragma once

#include <cmath>
#include <limits>

#include "reference.hpp"

namespace xact_ref {

// ---- piecewise linear ------------------------------------------------------------------------
// relu6 = hard_tanh(x, 0, 6) but for relu6(-0) = +0 (relu's convention: relu clamped at 6);
// their derivatives are 0 at the kinks (PyTorch's hardtanh_backward).
inline real hard_tanh(real x, real lo, real hi)
{
    if (isnan(x))
        return x;
    return x < lo ? lo : (x > hi ? hi : x);
}
inline real hard_tanh_prime(real x, real lo, real hi)
{
    if (isnan(x))
        return x;
    return (x > lo && x < hi) ? real(1) : real(0);
}
inline real relu6(real x) { return x == 0 ? real(0) : hard_tanh(x, 0, 6); }
inline real relu6_prime(real x) { return hard_tanh_prime(x, 0, 6); }

// hard_sigmoid(x) = relu6(x + 3)/6; derivative 1/6 strictly inside (-3, 3), else 0.
inline real hard_sigmoid(real x)
{
    if (isnan(x))
        return x;
    return x <= -3 ? real(0) : (x >= 3 ? real(1) : (x + 3) / 6);
}
inline real hard_sigmoid_prime(real x)
{
    if (isnan(x))
        return x;
    return (x > -3 && x < 3) ? real(1) / 6 : real(0);
}

// hard_swish(x) = x relu6(x + 3)/6; derivative (PyTorch's hardswish_backward): 0 for x < -3,
// (2x + 3)/6 for -3 <= x <= 3, 1 for x > 3.
inline real hard_swish(real x)
{
    if (isnan(x))
        return x;
    return x <= -3 ? real(-0.0) : (x >= 3 ? x : x * (x + 3) / 6); // x * 0 = -0 for x <= -3
}
inline real hard_swish_prime(real x)
{
    if (isnan(x))
        return x;
    return x < -3 ? real(0) : (x <= 3 ? (2 * x + 3) / 6 : real(1));
}

// ---- softsign ------------------------------------------------------------------------------------
inline real softsign(real x)
{
    if (std::isinf(x))
        return x > 0 ? real(1) : real(-1);
    return x / (1 + std::fabs(x));
}
inline real softsign_prime(real x)
{
    if (std::isinf(x))
        return 0;
    const real d = 1 + std::fabs(x);
    return 1 / (d * d);
}

// ---- selu, celu ----------------------------------------------------------------------------------
inline const real selu_alpha = 1.6732632423543772848170429916717L;
inline const real selu_scale = 1.0507009873554804934193349852946L;

// selu'(0) takes the x <= 0 branch (scale alpha), as PyTorch's elu_backward.
inline real selu(real x) { return isnan(x) ? x : (x > 0 ? selu_scale * x : selu_scale * selu_alpha * std::expm1(x)); }
inline real selu_prime(real x)
{
    return isnan(x) ? x : (x > 0 ? selu_scale : selu_scale * selu_alpha * detail::exp_quiet(x));
}

// celu(x) = max(0, x) + min(0, a expm1(x/a)), a != 0; celu'(x) = 1 for x > 0, e^(x/a) for x <= 0.
// x/a is carried as a double word q + r/a (r = x - q a, exact): one rounding of x/a would cost
// |x/a| 2^-64 relative through e^(x/a), a third of a double ULP at x/a = -708.
namespace detail {

inline dd quotient(real x, real a)
{
    const real q = x / a;
    if (!std::isfinite(q))
        return {q, 0};
    const dd p = two_prod(q, a);
    return {q, ((x - p.hi) - p.lo) / a};
}

} // namespace detail

inline real celu(real x, real a)
{
    if (isnan(x))
        return x;
    const detail::dd q = detail::quotient(x, a);
    const real em = std::expm1(q.hi);
    const real neg = a * (em + (em + 1) * q.lo); // expm1(hi + lo) = expm1(hi) + e^hi lo + ...
    return (x > 0 ? x : real(0)) + (neg < 0 ? neg : real(0));
}
inline real celu_prime(real x, real a)
{
    return isnan(x) ? x : (x > 0 ? real(1) : detail::exp_dd(detail::quotient(x, a)));
}

// ---- quick_gelu ----------------------------------------------------------------------------------
// x sigmoid(1.702 x) with 1.702 the double nearest it (what the library applies): swish.
inline const real quick_gelu_beta = static_cast<real>(1.702);
inline real quick_gelu(real x) { return swish(x, quick_gelu_beta); }
inline real quick_gelu_prime(real x) { return swish_prime(x, quick_gelu_beta); }

// ---- softplus, log_sigmoid -----------------------------------------------------------------------
namespace detail {

// log(1 + e^z) for z = hi + lo: max(z, 0) + log1p(e^-|z|), e^-|z| from the double word.
inline real log1p_exp(dd z)
{
    const real t = exp_dd(z.hi > 0 ? neg(z) : z);
    return (z.hi > 0 ? z.hi + z.lo : real(0)) + std::log1p(t);
}

} // namespace detail

// softplus(x) = log(1 + e^(b x))/b, or x where b x > threshold (PyTorch; the test on the exact
// product). softplus'(x) = sigmoid(b x), or 1 where b x > threshold. For b > 0.
inline bool softplus_linear(real x, real b, real threshold)
{
    const detail::dd z = detail::two_prod(b, x);
    return z.hi > threshold || (z.hi == threshold && z.lo > 0);
}
inline real softplus(real x, real b, real threshold)
{
    if (isnan(x))
        return x;
    if (std::isinf(x))
        return x > 0 ? x : real(0);
    if (softplus_linear(x, b, threshold))
        return x;
    return detail::log1p_exp(detail::two_prod(b, x)) / b;
}
inline real softplus_prime(real x, real b, real threshold)
{
    if (isnan(x))
        return x;
    if (std::isinf(x))
        return x > 0 ? real(1) : real(0);
    if (softplus_linear(x, b, threshold))
        return 1;
    return detail::sigmoid_dd(detail::two_prod(b, x));
}

// log_sigmoid(x) = log(1/(1 + e^-x)) = -log(1 + e^-x); its derivative is sigmoid(-x).
inline real log_sigmoid(real x)
{
    if (isnan(x))
        return x;
    if (std::isinf(x))
        return x > 0 ? -real(0) : x;
    return -detail::log1p_exp({-x, 0});
}
inline real log_sigmoid_prime(real x)
{
    if (isnan(x))
        return x;
    return detail::sigmoid_dd({-x, 0});
}

// ---- mish ----------------------------------------------------------------------------------------
// mish(x) = x tanh(softplus(x)); mish'(x) = tanh(sp) + x sech^2(sp) sigmoid(x), sp = softplus(x).
namespace detail {

// The root of mish' from mpmath 1.3 (mp.dps = 60): findroot(mish', -1.19), split as in
// reference.hpp. The jet uses tanh(log(1 + u)) = u(u + 2)/(u(u + 2) + 2), u = e^x (an identity
// of the definition: tanh s = (e^2s - 1)/(e^2s + 1) with e^s = 1 + u).
inline const root_series& mish_root()
{
    static const root_series s = [] {
        const double hi = -1.1924312145154952, mid = -4.8484829848031044e-17;
        const real lo = -1.898915114090381037273864e-33L;
        const jet x = jet_variable(static_cast<real>(hi) + static_cast<real>(mid));
        const jet u = jet_exp(x);
        const jet n = jet_mul(u, jet_add(u, jet_constant(2)));
        const jet g = jet_mul(n, jet_reciprocal(jet_add(n, jet_constant(2))));
        return root_series(hi, mid, lo, real(0.125), jet_mul(x, g));
    }();
    return s;
}

inline real softplus1(real x) { return log1p_exp({x, 0}); }

} // namespace detail

inline real mish(real x)
{
    if (isnan(x))
        return x;
    if (std::isinf(x))
        return x > 0 ? x : -real(0);
    return x * std::tanh(detail::softplus1(x));
}

inline real mish_prime(real x)
{
    if (isnan(x))
        return x;
    if (std::isinf(x))
        return x > 0 ? real(1) : -real(0);
    const auto& root = detail::mish_root();
    const real t = root.offset(x);
    if (std::fabs(t) < root.window)
        return root.sum(t);
    const real sp = detail::softplus1(x);
    const real c = std::cosh(sp);
    return std::tanh(sp) + x / (c * c) * detail::sigmoid_dd({x, 0});
}

// ---- max |f'| (the scale of the mixed metric and of the derivative properties) --------------------
inline constexpr real relu6_max_prime = 1;
inline constexpr real hard_sigmoid_max_prime = 1.0L / 6;
inline constexpr real hard_swish_max_prime = 1.5L; // at x = 3
inline constexpr real softsign_max_prime = 1;
inline constexpr real selu_max_prime = 1.7580993408473768599402175208123L; // at 0 (from below)
inline constexpr real softplus_max_prime = 1;
inline constexpr real log_sigmoid_max_prime = 1;
inline constexpr real mish_max_prime = 1.088498161251727861228293627392125787158L; // at x = 1.49057
inline const real mish_prime_root = -1.192431214515495212137588340420739405601L;

} // namespace xact_ref
