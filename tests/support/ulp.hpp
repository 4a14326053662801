// Error metrics against the long double reference.
//   ulp_error: |got - ref| in units of the last place of ref rounded to T; NaN vs NaN and equal
//   infinities are 0, any other mismatch in kind is infinite. A ref that rounds to +-inf wants
//   exactly that. The bounds hold where the true result is a normal number: below the smallest
//   normal the error is |got - ref| in units of the smallest normal (absolute accuracy only).
//   Near a root of f' the relative error is meaningless; there (|ref| < max|f'| / 1024) the
//   metric is the absolute error in units of eps * max|f'|.
#pragma once

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "reference.hpp"

namespace xact_test {

using xact_ref::real;

template <class T>
double ulp_error(T got, real ref)
{
    if (std::isnan(ref) || std::isnan(got))
        return std::isnan(ref) && std::isnan(got) ? 0 : std::numeric_limits<double>::infinity();
    const T rounded = static_cast<T>(ref);
    if (std::isinf(rounded) || std::isinf(got))
        return got == rounded ? 0 : std::numeric_limits<double>::infinity();
    const real a = std::fabs(ref);
    if (a < std::numeric_limits<T>::min())
        return static_cast<double>(std::fabs(static_cast<real>(got) - ref) / std::numeric_limits<T>::min());
    int e;
    std::frexp(a, &e);
    const real ulp = std::ldexp(real(1), e - std::numeric_limits<T>::digits);
    return static_cast<double>(std::fabs(static_cast<real>(got) - ref) / ulp);
}

// The mixed metric for derivatives: ULPs, or near a root of f' absolute error in eps*scale.
template <class T>
double mixed_error(T got, real ref, real scale)
{
    if (std::isfinite(ref) && std::isfinite(got) && std::fabs(ref) < scale / 1024)
        return static_cast<double>(std::fabs(static_cast<real>(got) - ref) /
                                   (std::numeric_limits<T>::epsilon() * scale));
    return ulp_error(got, ref);
}

// The largest error seen and where.
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

    std::string describe() const
    {
        std::ostringstream s;
        s.precision(21);
        s << "max error " << max << " at x = " << at << " (got " << got << ", want " << want << ") over "
          << count << " inputs";
        return s.str();
    }
};

} // namespace xact_test
