// The machinery of xact-accuracy: the error metrics, the table of functions, the inputs, and the
// sweeps that call xact's public pointer API on arrays, judge every result against a reference
// and spread the work over std::threads.
//
// Metric (the error of a result `got` against the exact value v, for T with p significand bits):
//   ulp:   |got - v| / ulp(v), ulp(v) = 2^(floor(log2|v|) - p + 1) for |v| >= T's smallest
//          normal, and T's smallest denormal below it (subnormal results judged in absolute
//          units of the subnormal spacing). NaN must match NaN, inf the same inf; a NaN where a
//          number is expected, or inf for a v that does not round to inf, is an infinite error.
//   mixed: next to a root of f' (|x - root| < 1/8 and |f'(x)| <= 2^-10 max|f'|), where relative
//          error means nothing: |got - v| / (eps max|f'| |dy|), eps = 2^-23 or 2^-52 (dy = 1
//          for the derivative itself).
//
// Two tiers of reference. Fast: tests/support/reference.hpp (long double, independent of xact,
// ~2^-60 relative, so its own error is below 2^-7 ULP of double). Exact: mpfr_reference.hpp at
// 128+ bits. The fast tier's own error is below `fast_tier_slack` (2^-20 ULP of float, 2^-6 of
// double; tests/reference checks it against mpmath, test_mpfr_reference.cpp against MPFR), so
// it settles every result whose error is farther than that from 1 ULP and below the bound less
// that: the count of results > 1 ULP and every pass/fail are then exact. MPFR decides the rest
// (within the slack of 1 ULP or of the bound, or above it), every point within 1/8 of a root
// of f' (derivative and backward: where the long-double series is used and the mixed metric
// applies), and every point with `all_mpfr`. MPFR on every point costs 10-100 us per erfc: too
// slow for 2^32 floats, or for 10^6 doubles in CI. Each row's maximum is then re-evaluated with
// MPFR if a fast-tier point holds it, so every reported maximum is MPFR's.
#pragma once

#include <mpfr.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <xact/xact.hpp>

#include "accuracy/mpfr_reference.hpp"
#include "support/reference_extra.hpp"

namespace xact_accuracy {

using real = long double;
using xact_mpfr::number;

inline constexpr double infinite_error = HUGE_VAL;

enum class direction { forward, derivative, backward, param };
enum class metric { ulp, mixed };

inline const char* name_of(direction d)
{
    static const char* const names[] = {"forward", "derivative", "backward", "param"};
    return names[static_cast<int>(d)];
}

inline const char* name_of(metric m) { return m == metric::ulp ? "ulp" : "mixed"; }

template <class T>
const char* type_name()
{
    return std::is_same_v<T, float> ? "float" : "double";
}

// ---- the metrics ------------------------------------------------------------------------------

template <class T>
struct format {
    static constexpr int p = std::numeric_limits<T>::digits;
    static constexpr int min_exp = std::numeric_limits<T>::min_exponent; // smallest normal 2^(min_exp-1)
    static constexpr int max_exp = std::numeric_limits<T>::max_exponent;

    // log2 of ulp(v) for v = m 2^e, 0.5 <= m < 1 (so floor(log2|v|) = e - 1).
    static long ulp_exponent(long e) { return e >= min_exp ? e - p : min_exp - p; }

    // |v| (finite) rounds to inf in T.
    static bool rounds_to_inf(real a)
    {
        return a >= std::ldexp(real(1), max_exp) - std::ldexp(real(1), max_exp - p - 1);
    }
};

namespace detail {

// The verdict for NaN and infinities; false when got and exact are both finite (measure them).
template <class T>
bool special_error(T got, bool exact_nan, bool exact_inf, real exact_abs, int exact_sign, double& err)
{
    if (exact_nan) {
        err = std::isnan(got) ? 0 : infinite_error;
        return true;
    }
    if (std::isnan(got)) {
        err = infinite_error;
        return true;
    }
    const bool same_sign = (got > 0) == (exact_sign > 0);
    if (exact_inf) {
        err = std::isinf(got) && same_sign ? 0 : infinite_error;
        return true;
    }
    if (std::isinf(got)) {
        err = format<T>::rounds_to_inf(exact_abs) && same_sign ? 0 : infinite_error;
        return true;
    }
    return false;
}

// frexp's exponent of a finite nonzero long double, and 2^k: the exhaustive sweep measures
// 4 x 10^10 results, and the libm calls were half of the cheap functions' time. On x87's
// 80-bit format the biased exponent is bits 64..78; elsewhere (or for a denormal) libm.
inline int frexp_exponent(real a)
{
#if defined(__x86_64__) && LDBL_MANT_DIG == 64
    std::uint16_t sign_exponent = 0;
    std::memcpy(&sign_exponent, reinterpret_cast<const unsigned char*>(&a) + 8, 2);
    if ((sign_exponent & 0x7fff) != 0)
        return (sign_exponent & 0x7fff) - 16382;
#endif
    int e = 0;
    std::frexp(a, &e);
    return e;
}

inline real pow2(int k)
{
#if defined(__x86_64__) && LDBL_MANT_DIG == 64
    if (k > -16383 && k < 16384) {
        real r = 0;
        const std::uint64_t significand = std::uint64_t(1) << 63;
        const auto sign_exponent = static_cast<std::uint16_t>(k + 16383);
        std::memcpy(&r, &significand, 8);
        std::memcpy(reinterpret_cast<unsigned char*>(&r) + 8, &sign_exponent, 2);
        return r;
    }
#endif
    return std::ldexp(real(1), k);
}

} // namespace detail

// scale > 0: the mixed metric, |got - v| / (eps scale); else the ulp metric.
template <class T>
double error(T got, real exact, real scale = 0)
{
    double err;
    if (detail::special_error(got, std::isnan(exact), std::isinf(exact), std::fabs(exact), exact < 0 ? -1 : 1, err))
        return err;
    if constexpr (std::is_same_v<T, float>) {
        // float in double: rounding the exact value to double moves the error by 2^-29 ULP at
        // most, far below the fast tier's slack, and avoids x87 arithmetic (half the time of the
        // cheap functions' sweeps).
        const double v = static_cast<double>(exact);
        if (std::isfinite(v) && std::isfinite(static_cast<double>(scale))) { // else the long double path
            const double d = std::fabs(static_cast<double>(got) - v);
            if (scale > 0)
                return d / (static_cast<double>(scale) * 0x1p-23);
            std::uint64_t b = 0;
            std::memcpy(&b, &v, 8);
            const int biased = static_cast<int>((b >> 52) & 0x7ff);
            // frexp's exponent is biased - 1022; a double denormal or 0 is far below float's normals
            const long u = biased == 0 ? format<T>::min_exp - format<T>::p : format<T>::ulp_exponent(biased - 1022);
            const std::uint64_t scale_bits = static_cast<std::uint64_t>(1023 - u) << 52; // 2^-u, -149 <= u <= 1000
            double inv_ulp = 0;
            std::memcpy(&inv_ulp, &scale_bits, 8);
            return d * inv_ulp;
        }
    }
    const real diff = std::fabs(static_cast<real>(got) - exact);
    if (scale > 0)
        return static_cast<double>(diff / (scale * detail::pow2(1 - format<T>::p)));
    const long u = exact == 0 ? format<T>::min_exp - format<T>::p
                              : format<T>::ulp_exponent(detail::frexp_exponent(exact));
    return static_cast<double>(diff * detail::pow2(static_cast<int>(-u)));
}

template <class T>
double error(T got, mpfr_srcptr exact, real scale = 0)
{
    double err;
    if (detail::special_error(got, mpfr_nan_p(exact), mpfr_inf_p(exact), std::fabs(mpfr_get_ld(exact, MPFR_RNDN)),
                              mpfr_sgn(exact) < 0 ? -1 : 1, err))
        return err;
    number diff(std::max<mpfr_prec_t>(mpfr_get_prec(exact), 64) + 64);
    mpfr_set_d(diff, static_cast<double>(got), MPFR_RNDN);
    mpfr_sub(diff, diff, exact, MPFR_RNDN);
    mpfr_abs(diff, diff, MPFR_RNDN);
    if (scale > 0) {
        mpfr_mul_2si(diff, diff, format<T>::p - 1, MPFR_RNDN);
        mpfr_div_d(diff, diff, static_cast<double>(scale), MPFR_RNDN);
        return mpfr_get_d(diff, MPFR_RNDN);
    }
    const long u = mpfr_zero_p(exact) ? format<T>::min_exp - format<T>::p
                                      : format<T>::ulp_exponent(mpfr_get_exp(exact));
    mpfr_mul_2si(diff, diff, -u, MPFR_RNDN);
    return mpfr_get_d(diff, MPFR_RNDN);
}

// ---- the worst error of one row ---------------------------------------------------------------

struct stats {
    double max = -1; // -1: nothing measured
    double at_x = 0, at_dy = 0;
    std::string at; // where, for rows without a single x (softmax)
    real got = 0, want = 0;
    bool max_by_mpfr = false;
    std::uint64_t over_one = 0, tested = 0, by_mpfr = 0, excluded = 0;

    void add(double err, bool mpfr, double x, double dy, real g, real w)
    {
        ++tested;
        by_mpfr += mpfr;
        over_one += err > 1;
        if (err > max || (std::isnan(err) && !std::isnan(max))) {
            max = err;
            max_by_mpfr = mpfr;
            at_x = x;
            at_dy = dy;
            got = g;
            want = w;
        }
    }

    void merge(const stats& o)
    {
        if (o.max > max) {
            max = o.max;
            max_by_mpfr = o.max_by_mpfr;
            at_x = o.at_x;
            at_dy = o.at_dy;
            at = o.at;
            got = o.got;
            want = o.want;
        }
        over_one += o.over_one;
        tested += o.tested;
        by_mpfr += o.by_mpfr;
        excluded += o.excluded;
    }
};

// One line of the report.
struct row {
    std::string function, type, dir, metric_name, parameter;
    stats s;
    double bound = 0;
    std::string tier; // which reference confirmed the numbers

    bool pass() const { return s.max <= bound; } // NaN and inf fail
};

// ---- the element-wise functions ---------------------------------------------------------------

enum class function_id {
    relu, leaky_relu, prelu, elu, gelu, gelu_tanh, sigmoid, tanh, swish, silu,
    selu, celu, softplus, log_sigmoid, mish, hard_sigmoid, hard_swish, relu6, hard_tanh, softsign, quick_gelu
};

// A function's parameters in the order of its constructor (unused ones 0).
struct parameters {
    double a = 0, b = 0;
};

using mpfr_fn = void (*)(mpfr_ptr, double x, parameters);
using fast_fn = real (*)(real x, parameters);

namespace detail {

// A reference function of x and 0, 1 or 2 parameters, as a fast_fn or an mpfr_fn.
template <auto F>
real fast(real x, parameters p)
{
    if constexpr (std::is_invocable_v<decltype(F), real>)
        return F(x);
    else if constexpr (std::is_invocable_v<decltype(F), real, real>)
        return F(x, p.a);
    else
        return F(x, p.a, p.b);
}

template <auto F>
void exact(mpfr_ptr r, double x, parameters p)
{
    if constexpr (std::is_invocable_v<decltype(F), mpfr_ptr, double>)
        F(r, x);
    else if constexpr (std::is_invocable_v<decltype(F), mpfr_ptr, double, double>)
        F(r, x, p.a);
    else
        F(r, x, p.a, p.b);
}

} // namespace detail

struct function_info {
    function_id id;
    const char* name;
    std::array<const char*, 2> parameter_names; // nullptr: none
    parameters parameter;
    bool learnable;         // has a parameter gradient
    bool rounds_parameters; // xact applies the parameters rounded to T (leaky_relu, prelu, hard_tanh)
    bool exact_forward;     // correctly rounded forward expected (bound 0.5 ULP)
    bool exact_derivative;  // correctly rounded derivative expected (bound 0.5 ULP)
    real max_prime;         // max |f'|, the scale of the mixed metric
    real root;              // root of f' where the mixed metric applies (NaN: none)
    fast_fn f, fp, dp;      // long double reference
    mpfr_fn mf, mfp, mdp;   // MPFR reference

    bool has_root() const { return !std::isnan(root); }

    // "alpha = 0.300000", "min_val = -0.700000, max_val = 2.300000", or "".
    std::string parameter_text() const
    {
        std::string s;
        const double values[] = {parameter.a, parameter.b};
        for (int i = 0; i < 2 && parameter_names[i]; ++i)
            s += std::string(i ? ", " : "") + parameter_names[i] + " = " + std::to_string(values[i]);
        return s;
    }

    std::string display_name() const
    {
        const std::string p = parameter_text();
        return p.empty() ? name : std::string(name) + " (" + p + ")";
    }
};

// The parameters: the defaults, and for the functions whose parameter is not fixed a second row
// with one that is not a power of two (swish: 1.702, not silu; celu: alpha 0.3, where neither
// alpha nor 1/alpha is a float; softplus: beta 1.5, whose 1/beta is not, and threshold 10;
// hard_tanh: bounds -0.7 and 2.3, rounded to T by xact). hard_swish's forward is held to 2
// ULP, not 0.5 (a correction term is rounded: 0.5 plus a hair at rare inputs, found by the
// exhaustive sweep); its derivative is correctly rounded. hard_swish's root -3/2 of f' is left
// out of the mixed metric: (2x + 3)/6 is correctly rounded there, so the ulp metric holds.
inline const std::vector<function_info>& elementwise_functions()
{
    using namespace xact_ref;
    using detail::exact;
    using detail::fast;
    using id = function_id;
    const real none = std::numeric_limits<real>::quiet_NaN();
    const std::array<const char*, 2> no_names{nullptr, nullptr}, alpha{"alpha", nullptr}, beta{"beta", nullptr},
        softplus_names{"beta", "threshold"}, bounds{"min_val", "max_val"};
    const parameters no_parameters;
    static const std::vector<function_info> table = {
        {id::relu, "relu", no_names, no_parameters, false, false, true, true, 1, none, fast<relu>,
         fast<relu_prime>, nullptr, exact<xact_mpfr::relu>, exact<xact_mpfr::relu_prime>, nullptr},
        {id::leaky_relu, "leaky_relu", alpha, {0.01}, false, true, true, true, 1, none, fast<leaky_relu>,
         fast<leaky_relu_prime>, nullptr, exact<xact_mpfr::leaky_relu>, exact<xact_mpfr::leaky_relu_prime>, nullptr},
        {id::prelu, "prelu", alpha, {0.25}, true, true, true, true, 1, none, fast<prelu>, fast<prelu_prime>,
         fast<prelu_dalpha>, exact<xact_mpfr::leaky_relu>, exact<xact_mpfr::leaky_relu_prime>,
         exact<xact_mpfr::leaky_relu_dalpha>},
        {id::elu, "elu", alpha, {1.0}, true, false, false, false, 1, none, fast<elu>, fast<elu_prime>,
         fast<elu_dalpha>, exact<xact_mpfr::elu>, exact<xact_mpfr::elu_prime>, exact<xact_mpfr::elu_dalpha>},
        {id::gelu, "gelu", no_names, no_parameters, false, false, false, false, gelu_max_prime, gelu_prime_root,
         fast<gelu>, fast<gelu_prime>, nullptr, exact<xact_mpfr::gelu>, exact<xact_mpfr::gelu_prime>, nullptr},
        {id::gelu_tanh, "gelu_tanh", no_names, no_parameters, false, false, false, false, gelu_tanh_max_prime,
         gelu_tanh_prime_root, fast<gelu_tanh>, fast<gelu_tanh_prime>, nullptr, exact<xact_mpfr::gelu_tanh>,
         exact<xact_mpfr::gelu_tanh_prime>, nullptr},
        {id::sigmoid, "sigmoid", no_names, no_parameters, false, false, false, false, sigmoid_max_prime, none,
         fast<sigmoid>, fast<sigmoid_prime>, nullptr, exact<xact_mpfr::sigmoid>, exact<xact_mpfr::sigmoid_prime>,
         nullptr},
        {id::tanh, "tanh", no_names, no_parameters, false, false, false, false, tanh_max_prime, none,
         fast<xact_ref::tanh>, fast<tanh_prime>, nullptr, exact<xact_mpfr::tanh>, exact<xact_mpfr::tanh_prime>,
         nullptr},
        {id::swish, "swish", beta, {1.702}, true, false, false, false, silu_max_prime, silu_prime_root / real(1.702),
         fast<swish>, fast<swish_prime>, fast<swish_dbeta>, exact<xact_mpfr::swish>, exact<xact_mpfr::swish_prime>,
         exact<xact_mpfr::swish_dbeta>},
        {id::silu, "silu", no_names, no_parameters, false, false, false, false, silu_max_prime, silu_prime_root,
         fast<silu>, fast<silu_prime>, nullptr, exact<xact_mpfr::silu>, exact<xact_mpfr::silu_prime>, nullptr},
        {id::selu, "selu", no_names, no_parameters, false, false, false, false, selu_max_prime, none, fast<selu>,
         fast<selu_prime>, nullptr, exact<xact_mpfr::selu>, exact<xact_mpfr::selu_prime>, nullptr},
        {id::celu, "celu", alpha, {1.0}, false, false, false, false, 1, none, fast<celu>, fast<celu_prime>, nullptr,
         exact<xact_mpfr::celu>, exact<xact_mpfr::celu_prime>, nullptr},
        {id::celu, "celu", alpha, {0.3}, false, false, false, false, 1, none, fast<celu>, fast<celu_prime>, nullptr,
         exact<xact_mpfr::celu>, exact<xact_mpfr::celu_prime>, nullptr},
        {id::softplus, "softplus", softplus_names, {1.0, 20.0}, false, false, false, false, softplus_max_prime, none,
         fast<softplus>, fast<softplus_prime>, nullptr, exact<xact_mpfr::softplus>, exact<xact_mpfr::softplus_prime>,
         nullptr},
        {id::softplus, "softplus", softplus_names, {1.5, 10.0}, false, false, false, false, softplus_max_prime, none,
         fast<softplus>, fast<softplus_prime>, nullptr, exact<xact_mpfr::softplus>, exact<xact_mpfr::softplus_prime>,
         nullptr},
        {id::log_sigmoid, "log_sigmoid", no_names, no_parameters, false, false, false, false, log_sigmoid_max_prime,
         none, fast<log_sigmoid>, fast<log_sigmoid_prime>, nullptr, exact<xact_mpfr::log_sigmoid>,
         exact<xact_mpfr::log_sigmoid_prime>, nullptr},
        {id::mish, "mish", no_names, no_parameters, false, false, false, false, mish_max_prime, mish_prime_root,
         fast<mish>, fast<mish_prime>, nullptr, exact<xact_mpfr::mish>, exact<xact_mpfr::mish_prime>, nullptr},
        {id::hard_sigmoid, "hard_sigmoid", no_names, no_parameters, false, false, true, true, hard_sigmoid_max_prime,
         none, fast<hard_sigmoid>, fast<hard_sigmoid_prime>, nullptr, exact<xact_mpfr::hard_sigmoid>,
         exact<xact_mpfr::hard_sigmoid_prime>, nullptr},
        {id::hard_swish, "hard_swish", no_names, no_parameters, false, false, false, true, hard_swish_max_prime, none,
         fast<hard_swish>, fast<hard_swish_prime>, nullptr, exact<xact_mpfr::hard_swish>,
         exact<xact_mpfr::hard_swish_prime>, nullptr},
        {id::relu6, "relu6", no_names, no_parameters, false, false, true, true, relu6_max_prime, none, fast<relu6>,
         fast<relu6_prime>, nullptr, exact<xact_mpfr::relu6>, exact<xact_mpfr::relu6_prime>, nullptr},
        {id::hard_tanh, "hard_tanh", bounds, {-1.0, 1.0}, false, true, true, true, 1, none, fast<hard_tanh>,
         fast<hard_tanh_prime>, nullptr, exact<xact_mpfr::hard_tanh>, exact<xact_mpfr::hard_tanh_prime>, nullptr},
        {id::hard_tanh, "hard_tanh", bounds, {-0.7, 2.3}, false, true, true, true, 1, none, fast<hard_tanh>,
         fast<hard_tanh_prime>, nullptr, exact<xact_mpfr::hard_tanh>, exact<xact_mpfr::hard_tanh_prime>, nullptr},
        {id::softsign, "softsign", no_names, no_parameters, false, false, false, false, softsign_max_prime, none,
         fast<softsign>, fast<softsign_prime>, nullptr, exact<xact_mpfr::softsign>, exact<xact_mpfr::softsign_prime>,
         nullptr},
        {id::quick_gelu, "quick_gelu", no_names, no_parameters, false, false, false, false, silu_max_prime,
         silu_prime_root / quick_gelu_beta, fast<quick_gelu>, fast<quick_gelu_prime>, nullptr,
         exact<xact_mpfr::quick_gelu>, exact<xact_mpfr::quick_gelu_prime>, nullptr},
    };
    return table;
}

// Calls visit with the xact functor of f.
template <class Visit>
void with_functor(const function_info& f, Visit&& visit)
{
    const double a = f.parameter.a, b = f.parameter.b;
    switch (f.id) {
    case function_id::relu: return visit(xact::relu{});
    case function_id::leaky_relu: return visit(xact::leaky_relu(a));
    case function_id::prelu: return visit(xact::prelu(a));
    case function_id::elu: return visit(xact::elu(a));
    case function_id::gelu: return visit(xact::gelu{});
    case function_id::gelu_tanh: return visit(xact::gelu_tanh{});
    case function_id::sigmoid: return visit(xact::sigmoid{});
    case function_id::tanh: return visit(xact::tanh{});
    case function_id::swish: return visit(xact::swish(a));
    case function_id::silu: return visit(xact::silu{});
    case function_id::selu: return visit(xact::selu{});
    case function_id::celu: return visit(xact::celu(a));
    case function_id::softplus: return visit(xact::softplus(a, b));
    case function_id::log_sigmoid: return visit(xact::log_sigmoid{});
    case function_id::mish: return visit(xact::mish{});
    case function_id::hard_sigmoid: return visit(xact::hard_sigmoid{});
    case function_id::hard_swish: return visit(xact::hard_swish{});
    case function_id::relu6: return visit(xact::relu6{});
    case function_id::hard_tanh: return visit(xact::hard_tanh(a, b));
    case function_id::softsign: return visit(xact::softsign{});
    case function_id::quick_gelu: return visit(xact::quick_gelu{});
    }
}

// f's parameters as xact applies them to T: rounded to T where its contract says so. Each goes
// through a volatile T: GCC 12.2 at -O2 (SLP vectorizer) folds the pair of conversions
// double -> float -> double of two adjacent doubles into a copy, leaving them unrounded.
template <class T>
parameters parameters_of_type(const function_info& f)
{
    const auto rounded = [](double v) {
        const volatile T t = static_cast<T>(v);
        return static_cast<double>(t);
    };
    if (!f.rounds_parameters)
        return f.parameter;
    return {rounded(f.parameter.a), rounded(f.parameter.b)};
}

// Bounds of the accuracy issue: 0.5 ULP where the result is correctly rounded (the exact and
// piecewise-linear functions), else 2 ULP forward, 3 derivative and backward, 4 in the mixed
// metric.
template <class T>
double bound_of(const function_info& f, direction d, metric m)
{
    if ((d == direction::forward && f.exact_forward) || (d == direction::derivative && f.exact_derivative))
        return 0.5;
    if (d == direction::forward)
        return 2;
    return m == metric::mixed ? 4 : 3;
}

// Near a root of f' (derivative and backward): always MPFR, and the mixed metric may apply.
inline constexpr real root_window = 0.125;

// ---- inputs -------------------------------------------------------------------------------------

inline std::uint64_t splitmix64(std::uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

inline double unit_random(std::uint64_t h) { return static_cast<double>(h >> 11) * 0x1p-53; } // [0, 1)

template <class T>
T from_bits(std::uint64_t b)
{
    T x;
    if constexpr (sizeof(T) == 4) {
        const auto u = static_cast<std::uint32_t>(b);
        std::memcpy(&x, &u, 4);
    } else {
        std::memcpy(&x, &b, 8);
    }
    return x;
}

// dy for x, a pure function of x's bits: +-[1, 2) with a full random significand.
template <class T>
T upstream_gradient(T x)
{
    std::uint64_t b = 0;
    std::memcpy(&b, &x, sizeof x);
    const std::uint64_t h = splitmix64(b ^ 0x5bd1e995u);
    const T m = static_cast<T>(1 + unit_random(h));
    return (h & 1) ? -m : m;
}

// Points where the functions change behaviour, each with its neighbours: roots of f', the
// under- and overflow thresholds, saturation, zero, the denormals, +-inf and NaN.
template <class T>
std::vector<T> adversarial_points()
{
    using L = std::numeric_limits<T>;
    std::vector<T> out = {T(0), -T(0), L::infinity(), -L::infinity(), L::quiet_NaN(), -L::quiet_NaN(),
                          L::denorm_min(), -L::denorm_min(), L::min(), -L::min(), L::max(), -L::max(),
                          static_cast<T>(L::min() - L::denorm_min()), -static_cast<T>(L::min() - L::denorm_min())};
    const real centres[] = {
        xact_ref::gelu_prime_root, xact_ref::gelu_tanh_prime_root, xact_ref::silu_prime_root,
        xact_ref::silu_prime_root / real(1.702), 1, 2, 0.5, 1.41421356237, 2.39936, 1.4185,
        // float: exp's under/overflow, gelu's and gelu_tanh's underflow, saturation of sigma/tanh/elu
        88.72283935546875L, 87.3365447505531L, 103.972084045410156L, 13.2, 14.1, 10.5, 9.01, 16.64, 17.33, 5.3,
        // double
        709.782712893384L, 708.3964185322641L, 745.133219101941L, 37.5, 38.5, 38.6, 19.06, 36.74, 37.43, 8.3,
        26.5, 30.125, 1e-5, 1e-10, 1e-20, 1e-30, 1e-38, 1e-300, 1e4, 1e10, 1e19, 1e30, 1e38, 1e300,
        // the kinks of relu6, hard_sigmoid, hard_swish and hard_tanh (-0.7, 2.3); mish's and
        // hard_swish's roots of f'; softplus's thresholds (20, and 10 / 1.5)
        3, 6, 0.7, 2.3, xact_ref::mish_prime_root, 1.5, 20, 10 / 1.5L,
        // e^(x/alpha) (celu, alpha = 0.3) and e^(beta x) (softplus, beta = 1.5) leaving the normal
        // range and underflowing: float, then double
        0.3L * 87.3365447505531L, 0.3L * 103.972084045410156L, 87.3365447505531L / 1.5L, 103.972084045410156L / 1.5L,
        0.3L * 708.3964185322641L, 0.3L * 745.133219101941L, 708.3964185322641L / 1.5L, 745.133219101941L / 1.5L};
    for (real c : centres) {
        for (real s : {real(1), real(-1)}) {
            const T centre = static_cast<T>(s * c);
            if (std::isinf(centre))
                continue;
            T up = centre, down = centre;
            out.push_back(centre);
            for (int k = 0; k < 16; ++k) {
                up = std::nextafter(up, L::infinity());
                down = std::nextafter(down, -L::infinity());
                out.push_back(up);
                out.push_back(down);
            }
        }
    }
    // Log-spread offsets from each root of f': where f' cancels, down to the last bits.
    for (real r : {xact_ref::gelu_prime_root, xact_ref::gelu_tanh_prime_root, xact_ref::silu_prime_root,
                   xact_ref::silu_prime_root / real(1.702), xact_ref::mish_prime_root, real(-1.5)})
        for (int k = 1; k < L::digits; ++k)
            for (real s : {real(1), real(-1)})
                out.push_back(static_cast<T>(r + s * std::ldexp(real(1), -k)));
    // Random denormals.
    for (std::uint64_t i = 0; i < 64; ++i) {
        const std::uint64_t h = splitmix64(i + 77);
        const std::uint64_t mantissa_mask = (std::uint64_t(1) << (L::digits - 1)) - 1;
        const std::uint64_t sign = std::uint64_t(1) << (sizeof(T) * 8 - 1);
        out.push_back(from_bits<T>((h & mantissa_mask) | ((h >> 63) ? sign : 0)));
    }
    return out;
}

// The inputs of a sweep: index i -> x.
template <class T>
struct input_source {
    std::uint64_t count = 0;
    std::function<T(std::uint64_t)> at;
    std::string description;
};

// float: every stride-th bit pattern (stride 1: all 2^32), then the adversarial points.
inline input_source<float> float_patterns(std::uint64_t stride)
{
    auto extra = std::make_shared<std::vector<float>>(stride > 1 ? adversarial_points<float>() : std::vector<float>{});
    const std::uint64_t patterns = (std::uint64_t(1) << 32) / stride;
    input_source<float> s;
    s.count = patterns + extra->size();
    s.at = [stride, patterns, extra](std::uint64_t i) {
        return i < patterns ? from_bits<float>(i * stride) : (*extra)[i - patterns];
    };
    s.description = stride == 1 ? "all 2^32 float bit patterns"
                                : "every " + std::to_string(stride) + "th float bit pattern (" +
                                      std::to_string(patterns) + ") + " + std::to_string(extra->size()) +
                                      " adversarial points";
    return s;
}

// double: the adversarial points, then n random inputs: 45% random bit patterns, 45% uniform in
// [-40, 40], 10% uniform in [-750, 750] (the tails).
inline input_source<double> double_sample(std::uint64_t n, std::uint64_t seed)
{
    auto extra = std::make_shared<std::vector<double>>(adversarial_points<double>());
    input_source<double> s;
    s.count = extra->size() + n;
    s.at = [extra, seed](std::uint64_t i) {
        if (i < extra->size())
            return (*extra)[i];
        const std::uint64_t h = splitmix64(i ^ (seed * 0x2545f4914f6cdd1dULL));
        const std::uint64_t kind = h % 20;
        const double u = unit_random(splitmix64(h));
        if (kind < 9)
            return from_bits<double>(splitmix64(h + 1));
        if (kind < 18)
            return -40 + 80 * u;
        return -750 + 1500 * u;
    };
    s.description = std::to_string(n) + " random doubles (45% random bit patterns, 45% in [-40, 40], 10% in "
                    "[-750, 750]) + " + std::to_string(extra->size()) + " adversarial points";
    return s;
}

// ---- progress on stderr -----------------------------------------------------------------------

class progress {
public:
    progress(std::uint64_t total, bool enabled) : total_(total), enabled_(enabled), start_(clock::now()) {}

    void add(std::uint64_t n)
    {
        const std::uint64_t done = done_.fetch_add(n) + n;
        if (!enabled_)
            return;
        const double t = seconds();
        double last = last_report_.load();
        if (t - last < 5 || !last_report_.compare_exchange_strong(last, t))
            return;
        const double eta = done > 0 ? t * static_cast<double>(total_ - done) / static_cast<double>(done) : 0;
        std::fprintf(stderr, "xact-accuracy: %.2f%% (%llu of %llu results), %.0f s elapsed, ETA %.0f s\n",
                     100.0 * static_cast<double>(done) / static_cast<double>(total_),
                     static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_), t, eta);
    }

    double seconds() const { return std::chrono::duration<double>(clock::now() - start_).count(); }

private:
    using clock = std::chrono::steady_clock;
    std::uint64_t total_;
    bool enabled_;
    clock::time_point start_;
    std::atomic<std::uint64_t> done_{0};
    std::atomic<double> last_report_{0};
};

// Runs work(thread_index) on n threads.
template <class Work>
void run_threads(unsigned n, Work work)
{
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < n; ++t)
        pool.emplace_back([&work, t] {
            xact_mpfr::init_thread();
            work(t);
        });
    for (auto& th : pool)
        th.join();
}

// ---- the element-wise sweep ---------------------------------------------------------------------

struct sweep_options {
    unsigned threads = 1;
    bool all_mpfr = false; // every point through MPFR
    std::array<bool, 4> directions{true, true, true, true};
};

// stats per direction and metric: index 2 * direction + metric.
using function_stats = std::array<stats, 8>;

inline stats& slot(function_stats& s, direction d, metric m) { return s[2 * static_cast<int>(d) + static_cast<int>(m)]; }

// The fast tier's error bound in T's units (see the top of this file), with a margin.
template <class T>
inline constexpr double fast_tier_slack = sizeof(T) == 4 ? 0x1p-20 : 0x1p-6;

// Whether the fast tier's error e settles a result: no rounding of the reference can move it
// across 1 ULP (the count of results > 1 ULP) or across the bound. NaN: no.
template <class T>
bool settled_by_fast_tier(double e, double bound)
{
    return e <= bound - fast_tier_slack<T> && std::fabs(e - 1) > fast_tier_slack<T>;
}

template <class T>
class elementwise_judge {
public:
    elementwise_judge(const function_info& f, const sweep_options& o) : fn_(of_type(f)), opt_(o) {}

    // One result: fast is the long-double exact value, exact() fills the MPFR one; scale > 0
    // where the mixed metric may apply (then it holds max|f'| |dy|).
    template <class Exact>
    void judge(function_stats& out, direction d, T x, T dy, T got, real fast, Exact exact, real scale, bool force_mpfr)
    {
        if (!force_mpfr && !opt_.all_mpfr) {
            const bool mixed = scale > 0 && std::isfinite(fast) && std::fabs(fast) <= scale / 1024;
            const metric m = mixed ? metric::mixed : metric::ulp;
            const double e = error(got, fast, mixed ? scale : 0);
            if (settled_by_fast_tier<T>(e, bound_of<T>(fn_, d, m))) {
                slot(out, d, m).add(e, false, x, dy, got, fast);
                return;
            }
        }
        mpfr_srcptr v = exact();
        const real w = mpfr_get_ld(v, MPFR_RNDN);
        const bool mixed = scale > 0 && mpfr_number_p(v) && std::fabs(w) <= scale / 1024;
        slot(out, d, mixed ? metric::mixed : metric::ulp).add(error(got, v, mixed ? scale : 0), true, x, dy, got, w);
    }

    // The MPFR exact value of direction d at (x, dy).
    mpfr_srcptr exact(direction d, double x, double dy)
    {
        switch (d) {
        case direction::forward: fn_.mf(value_, x, fn_.parameter); break;
        case direction::derivative: fn_.mfp(value_, x, fn_.parameter); break;
        case direction::backward:
            fn_.mfp(value_, x, fn_.parameter);
            mpfr_mul_d(value_, value_, dy, MPFR_RNDN);
            break;
        case direction::param:
            fn_.mdp(value_, x, fn_.parameter);
            mpfr_mul_d(value_, value_, dy, MPFR_RNDN);
            break;
        }
        return value_;
    }

    // Judges one chunk: xact's results for x[0..n) against the references.
    template <class F>
    void chunk(const F& f, const T* x, std::size_t n, function_stats& out)
    {
        dy_.resize(n);
        y_.resize(n);
        d_.resize(n);
        dx_.resize(n);
        for (std::size_t i = 0; i < n; ++i)
            dy_[i] = upstream_gradient(x[i]);
        const auto& on = opt_.directions;
        const bool want_param = on[3] && fn_.learnable;
        if (on[0])
            xact::forward(f, x, y_.data(), n);
        if (on[1])
            xact::derivative(f, x, d_.data(), n);
        if (on[2])
            xact::backward(f, x, dy_.data(), dx_.data(), n);
        for (std::size_t i = 0; i < n; ++i) {
            const T xi = x[i], g = dy_[i];
            const real xl = xi;
            const bool near_root = fn_.has_root() && std::fabs(xl - fn_.root) < root_window;
            if (on[0]) {
                const real r = opt_.all_mpfr ? 0 : fn_.f(xl, fn_.parameter);
                judge(out, direction::forward, xi, g, y_[i], r, [&] { return exact(direction::forward, xi, g); }, 0,
                      false);
            }
            if (on[1] || on[2]) {
                // f' is shared by derivative and backward; MPFR's is computed at most once.
                const real r = opt_.all_mpfr ? 0 : fn_.fp(xl, fn_.parameter);
                bool have = false;
                auto prime = [&]() -> mpfr_srcptr {
                    if (!have)
                        mpfr_set(prime_, exact(direction::derivative, xi, g), MPFR_RNDN);
                    have = true;
                    return prime_;
                };
                if (on[1])
                    judge(out, direction::derivative, xi, g, d_[i], r, prime, near_root ? fn_.max_prime : 0, near_root);
                if (on[2])
                    judge(out, direction::backward, xi, g, dx_[i], r * g,
                          [&] {
                              mpfr_mul_d(value_, prime(), g, MPFR_RNDN);
                              return static_cast<mpfr_srcptr>(value_);
                          },
                          near_root ? fn_.max_prime * std::fabs(real(g)) : 0, near_root);
            }
            if (want_param) {
                const real r = opt_.all_mpfr ? 0 : real(g) * fn_.dp(xl, fn_.parameter);
                judge(out, direction::param, xi, g, parameter_gradient(f, xi, g), r,
                      [&] { return exact(direction::param, xi, g); }, 0, false);
            }
        }
    }

    // xact's per-element parameter gradient: the d_param overload of backward on n = 1.
    template <class F>
    static T parameter_gradient([[maybe_unused]] const F& f, [[maybe_unused]] T x, [[maybe_unused]] T dy)
    {
        T dx = 0, dp = 0;
        if constexpr (std::is_same_v<F, xact::prelu>)
            xact::backward(f, &x, &dy, &dx, 1, &dp);
        else if constexpr (std::is_same_v<F, xact::elu> || std::is_same_v<F, xact::swish>)
            xact::backward(f, &x, &dy, &dx, std::size_t(1), dp);
        return dp;
    }

private:
    // leaky_relu, prelu and hard_tanh apply their parameters rounded to T (their documented
    // contract): the exact function on float data is x alpha_T.
    static function_info of_type(function_info f)
    {
        f.parameter = parameters_of_type<T>(f);
        return f;
    }

    const function_info fn_;
    const sweep_options& opt_;
    number value_, prime_;
    std::vector<T> dy_, y_, d_, dx_;
};

// Sweeps one function over the inputs; returns its rows (directions with results).
template <class T>
std::vector<row> sweep_elementwise(const function_info& fn, const input_source<T>& inputs, const sweep_options& opt,
                                   progress& prog)
{
    constexpr std::uint64_t chunk_size = 1 << 14;
    std::atomic<std::uint64_t> next{0};
    std::mutex merge_mutex;
    function_stats total;
    run_threads(opt.threads, [&](unsigned) {
        elementwise_judge<T> judge(fn, opt);
        function_stats local;
        std::vector<T> x(chunk_size);
        with_functor(fn, [&](const auto& f) {
            for (;;) {
                const std::uint64_t begin = next.fetch_add(chunk_size);
                if (begin >= inputs.count)
                    break;
                const std::uint64_t end = std::min(inputs.count, begin + chunk_size);
                for (std::uint64_t i = begin; i < end; ++i)
                    x[i - begin] = inputs.at(i);
                judge.chunk(f, x.data(), end - begin, local);
                prog.add(end - begin);
            }
        });
        std::lock_guard<std::mutex> lock(merge_mutex);
        for (std::size_t k = 0; k < total.size(); ++k)
            total[k].merge(local[k]);
    });

    // Each row's maximum confirmed by MPFR where the fast tier held it.
    xact_mpfr::init_thread();
    elementwise_judge<T> confirm(fn, opt);
    std::vector<row> rows;
    for (direction d : {direction::forward, direction::derivative, direction::backward, direction::param}) {
        for (metric m : {metric::ulp, metric::mixed}) {
            stats s = slot(total, d, m);
            if (s.tested == 0)
                continue;
            if (!s.max_by_mpfr) {
                mpfr_srcptr v = confirm.exact(d, s.at_x, s.at_dy);
                const real scale = m == metric::mixed
                                       ? fn.max_prime * (d == direction::backward ? std::fabs(real(s.at_dy)) : 1)
                                       : 0;
                s.max = error(static_cast<T>(s.got), v, scale);
                s.want = mpfr_get_ld(v, MPFR_RNDN);
                s.max_by_mpfr = true;
            }
            row r;
            r.function = fn.name;
            r.type = type_name<T>();
            r.dir = name_of(d);
            r.metric_name = name_of(m);
            r.parameter = fn.parameter_text();
            r.s = s;
            r.bound = bound_of<T>(fn, d, m);
            r.tier = opt.all_mpfr ? "mpfr (every point)"
                                  : "mpfr (" + std::to_string(s.by_mpfr) + " points); long double elsewhere";
            rows.push_back(std::move(r));
        }
    }
    return rows;
}

// ---- softmax and log_softmax ------------------------------------------------------------------
// Vectors of several lengths and kinds; every element of every output against MPFR. Backward
// elements whose exact result is within 2^-20 of cancelling to 0 (|a - b| <= 2^-20 (|a| + |b|)
// for the terms a - b of dx_i: dy_i - <dy, y> for softmax, dy_i - y_i sum dy for log_softmax)
// are left out of the ULP rows, where no ULP bound is meaningful, and measured in rows of their
// own with the mixed metric |err| / (eps scale), scale = y_i (|dy_i| + |s|) (softmax),
// |dy_i| + |y_i sum dy| (log_softmax). NaN/inf rules are the ulp metric's.

struct softmax_vector {
    std::string kind;
    std::vector<double> x, dy;
    bool masked = false;
};

template <class T>
std::vector<softmax_vector> softmax_inputs()
{
    const std::size_t lengths[] = {1, 2, 3, 7, 15, 16, 17, 100, 1000, 4096, 65536};
    std::vector<softmax_vector> out;
    std::uint64_t h = 12345;
    auto next_unit = [&h] { return unit_random(h = splitmix64(h)); };
    for (std::size_t n : lengths) {
        const std::size_t repeats = std::max<std::size_t>(1, std::min<std::size_t>(32, 4096 / n));
        for (std::size_t rep = 0; rep < repeats; ++rep) {
            for (const char* kind : {"random", "constant", "huge-range", "masked"}) {
                softmax_vector v;
                v.kind = kind;
                v.masked = v.kind == "masked";
                const double c = -5 + 10 * next_unit();
                for (std::size_t i = 0; i < n; ++i) {
                    double x;
                    if (v.kind == "random")
                        x = -10 + 20 * next_unit();
                    else if (v.kind == "constant")
                        x = c;
                    else if (v.kind == "huge-range") // +-10^[0, 5]: most e^(x - max) underflow
                        x = (next_unit() < 0.5 ? -1 : 1) * std::pow(10.0, 5 * next_unit());
                    else // half the entries masked (-inf); sometimes all of them (masked_zero)
                        x = next_unit() < 0.5 ? -HUGE_VAL : -10 + 20 * next_unit();
                    v.x.push_back(static_cast<T>(x));
                    const double g = (next_unit() < 0.5 ? -1 : 1) * (1 + next_unit());
                    v.dy.push_back(static_cast<T>(g));
                }
                out.push_back(std::move(v));
            }
        }
    }
    return out;
}

// The mixed metric with a scale kept in long double (y_i can lie below double's range).
template <class T>
double softmax_mixed_error(T got, mpfr_srcptr exact, real scale)
{
    double err;
    if (detail::special_error(got, mpfr_nan_p(exact), mpfr_inf_p(exact), std::fabs(mpfr_get_ld(exact, MPFR_RNDN)),
                              mpfr_sgn(exact) < 0 ? -1 : 1, err))
        return err;
    number diff(std::max<mpfr_prec_t>(mpfr_get_prec(exact), 64) + 64), s(64);
    mpfr_set_d(diff, static_cast<double>(got), MPFR_RNDN);
    mpfr_sub(diff, diff, exact, MPFR_RNDN);
    mpfr_abs(diff, diff, MPFR_RNDN);
    mpfr_mul_2si(diff, diff, format<T>::p - 1, MPFR_RNDN);
    mpfr_set_ld(s, scale, MPFR_RNDN);
    mpfr_div(diff, diff, s, MPFR_RNDN);
    return mpfr_get_d(diff, MPFR_RNDN);
}

// Rows: softmax and log_softmax, forward and backward, for T.
template <class T>
std::vector<row> sweep_softmax(unsigned threads, progress* prog = nullptr)
{
    const auto vectors = softmax_inputs<T>();
    // stats index: 3 * log + {0 forward, 1 backward, 2 backward next to cancellation}
    std::array<stats, 6> total;
    std::mutex merge_mutex;
    std::atomic<std::size_t> next{0};
    run_threads(threads, [&](unsigned) {
        std::array<stats, 6> local;
        for (;;) {
            const std::size_t k = next.fetch_add(1);
            if (k >= vectors.size())
                break;
            const softmax_vector& v = vectors[k];
            const std::size_t n = v.x.size();
            std::vector<T> x(v.x.begin(), v.x.end()), dy(v.dy.begin(), v.dy.end()), y(n), dx(n);
            const xact::options o = v.masked ? xact::masked_zero : xact::options::none;
            for (int log = 0; log < 2; ++log) {
                xact_mpfr::backward_terms terms;
                std::vector<number> want_y, want_dx;
                if (log) {
                    xact::forward(xact::log_softmax(o), x.data(), y.data(), n, 1);
                    xact::backward(xact::log_softmax(o), x.data(), dy.data(), dx.data(), n, 1);
                    want_y = xact_mpfr::log_softmax(v.x, v.masked);
                    want_dx = xact_mpfr::log_softmax_backward(v.x, v.dy, v.masked, &terms);
                } else {
                    xact::forward(xact::softmax(o), x.data(), y.data(), n, 1);
                    xact::backward(xact::softmax(o), x.data(), dy.data(), dx.data(), n, 1);
                    want_y = xact_mpfr::softmax(v.x, v.masked);
                    want_dx = xact_mpfr::softmax_backward(v.x, v.dy, v.masked, &terms);
                }
                auto where = [&](std::size_t i) {
                    std::ostringstream s;
                    s.precision(17);
                    s << v.kind << " n=" << n << " i=" << i << " x_i=" << v.x[i] << " dy_i=" << v.dy[i];
                    return s.str();
                };
                for (std::size_t i = 0; i < n; ++i) {
                    stats& f = local[3 * log];
                    const double before = f.max;
                    f.add(error(y[i], want_y[i].get()), true, v.x[i], v.dy[i], y[i], want_y[i].to_long_double());
                    if (f.max != before)
                        f.at = where(i);
                    // A zero scale (y_i = 0 or below long double's range) leaves the ulp metric.
                    const bool cancels = terms.cancels[i] && terms.scale[i] > 0;
                    if (cancels)
                        ++local[3 * log + 1].excluded;
                    stats& b = local[3 * log + (cancels ? 2 : 1)];
                    const double before_b = b.max;
                    const double err = cancels ? softmax_mixed_error(dx[i], want_dx[i].get(), terms.scale[i])
                                               : error(dx[i], want_dx[i].get());
                    b.add(err, true, v.x[i], v.dy[i], dx[i], want_dx[i].to_long_double());
                    if (b.max != before_b)
                        b.at = where(i);
                }
            }
            if (prog)
                prog->add(n);
        }
        std::lock_guard<std::mutex> lock(merge_mutex);
        for (std::size_t k = 0; k < total.size(); ++k)
            total[k].merge(local[k]);
    });
    std::vector<row> rows;
    for (int log = 0; log < 2; ++log)
        for (int k = 0; k < 3; ++k) {
            row r;
            r.function = log ? "log_softmax" : "softmax";
            r.type = type_name<T>();
            r.dir = k ? "backward" : "forward";
            if (k == 2)
                r.parameter = "within 2^-20 of cancelling";
            r.metric_name = k == 2 ? "mixed" : "ulp";
            r.s = total[3 * log + k];
            // 4 everywhere, log_softmax's double backward included: next to the 2^-20
            // cancellation limit that needs e^(x - m) (and S) to about 2^-73 relative, which the
            // backward passes get from math::exp_split_precise (2^-76; exp_split's 2^-56 gave
            // 8.3-11.4 ULP here, up to 2^15 ULP on vectors built to cancel by 2^-17)
            r.bound = 4;
            r.tier = "mpfr (every element)";
            rows.push_back(std::move(r));
        }
    return rows;
}

template <class T>
std::uint64_t softmax_element_count()
{
    std::uint64_t n = 0;
    for (const auto& v : softmax_inputs<T>())
        n += v.x.size();
    return n;
}

} // namespace xact_accuracy
