// Error metrics against the long double reference, and the accumulator of the worst error.
//
// ulp_error(got, ref): |got - ref| in units of the last place of T at ref's magnitude:
//   - the unit is the spacing of T around ref rounded to T (for ref exactly a power of two, or
//     rounding up to one, the spacing above it);
//   - for |ref| below T's smallest normal the unit is the denormal spacing, denorm_min (= the
//     ULP of the smallest normal): the error there is absolute, in units of denorm_min;
//   - NaN vs NaN is 0, NaN vs a number (either way) is infinite;
//   - an infinite ref is matched only by the same infinity (0), anything else is infinite;
//   - a finite ref beyond T's range is clamped to +-2^max_exponent (where T's next binade would
//     start), and an infinite got counts as +-2^max_exponent: so a correct overflow to inf
//     scores 0 and returning max instead scores 1; got = inf for an in-range ref is enormous;
//   - the sign of zero is not judged (+0 vs -0 is 0): check signs with same_bits.
// A correctly rounded result scores <= 0.5 (+ 2^-11 in double for the reference's own error).
//
// mixed_error(got, ref, scale): next to a root of f' the relative error is meaningless; there
// (|ref| < scale/1024) the error is absolute, in units of epsilon(T) * scale, with scale the
// size of the terms that cancel (max |f'|, see xact_ref::*_max_prime); elsewhere ulp_error.
// Beware: any point where |f'| < scale/1024 counts as "near a root", tails included (sigmoid'
// for |x| > 8.3, tanh' for |x| > 4.2, gelu' below -3.4 ...), where the metric then cannot see
// relative errors. The reference is accurate next to the roots (reference.hpp), so prefer
// ulp_error, or use mixed_error only on a window around the root (xact_ref::*_prime_root).
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <string>

#include "reference.hpp"

namespace xact_test {

using xact_ref::real;

// The spacing of T at the magnitude of ref rounded to T (denorm_min below the normal range,
// the spacing at max beyond it).
template <class T>
real ulp_of(real ref)
{
    using L = std::numeric_limits<T>;
    real a = std::fabs(ref);
    if (!(a <= static_cast<real>(L::max()))) // beyond the range, or NaN
        a = static_cast<real>(L::max());
    a = std::fabs(static_cast<real>(static_cast<T>(a)));
    if (a < static_cast<real>(L::min()))
        return static_cast<real>(L::denorm_min());
    int e;
    std::frexp(a, &e);
    return std::ldexp(real(1), e - L::digits);
}

template <class T>
double ulp_error(T got, real ref)
{
    using L = std::numeric_limits<T>;
    const double inf = std::numeric_limits<double>::infinity();
    if (std::isnan(ref) || std::isnan(got))
        return std::isnan(ref) && std::isnan(got) ? 0 : inf;
    if (std::isinf(ref))
        return static_cast<real>(got) == ref ? 0 : inf;
    const real edge = std::ldexp(real(1), L::max_exponent); // where inf "is"
    const real g = std::isinf(got) ? std::copysign(edge, static_cast<real>(got)) : static_cast<real>(got);
    const real r = std::fabs(ref) > edge ? std::copysign(edge, ref) : ref;
    const real e = std::fabs(g - r) / ulp_of<T>(ref);
    return e > static_cast<real>(std::numeric_limits<double>::max()) ? inf : static_cast<double>(e);
}

template <class T>
double mixed_error(T got, real ref, real scale)
{
    if (std::isfinite(ref) && std::isfinite(got) && std::fabs(ref) < scale / 1024)
        return static_cast<double>(std::fabs(static_cast<real>(got) - ref) /
                                   (static_cast<real>(std::numeric_limits<T>::epsilon()) * scale));
    return ulp_error(got, ref);
}

// The largest error seen and where (the first input reaching it). Inputs and results are kept
// as long double so one accumulator serves float and double.
struct error_stats {
    double max = 0;
    long double at = 0;
    long double got = 0, want = 0;
    std::size_t count = 0;

    void add(double e, long double x, long double g, long double w)
    {
        ++count;
        if (e > max || std::isnan(e)) {
            max = e;
            at = x;
            got = g;
            want = w;
        }
    }

    template <class T>
    void add_ulp(T x, T g, real w)
    {
        add(ulp_error(g, w), x, g, w);
    }

    template <class T>
    void add_mixed(T x, T g, real w, real scale)
    {
        add(mixed_error(g, w, scale), x, g, w);
    }

    void merge(const error_stats& o)
    {
        const std::size_t n = count + o.count;
        if (o.max > max || std::isnan(o.max))
            *this = o;
        count = n;
    }

    // "max error 1.5 at x = -13.25 (-0x1.a8p+3) (got ..., want ...) over 1048576 inputs"
    std::string describe() const
    {
        std::ostringstream s;
        s.precision(21);
        s << "max error " << max << " at x = " << at << " (" << std::hexfloat << at << std::defaultfloat
          << ") (got " << got << ", want " << want << ") over " << count << " inputs";
        return s.str();
    }
};

} // namespace xact_test
