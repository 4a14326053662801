// The special-values table of docs/ACCURACY.md: every element-wise function's forward and
// derivative at NaN, +-inf, +-0, +-the smallest denormal, +-the largest denormal, +-the smallest
// normal, +-the largest finite value, and at the underflow boundaries of f and f' (the inputs
// where the exact result leaves the normal range, and where it rounds to 0). Each cell is
// xact's result, judged against MPFR with the accuracy bounds (a NaN, an infinity or a zero
// must match exactly, a zero's sign included where it is known: the error metric gives anything
// else an infinite error).
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "accuracy/sweep.hpp"

namespace xact_accuracy {

struct special_cell {
    std::string function, type, label;
    double x, f, fp;          // input, xact's f(x) and f'(x)
    double err_f, err_fp;     // against MPFR, in the accuracy metric
    double bound_f, bound_fp;

    bool pass() const { return err_f <= bound_f && err_fp <= bound_fp; }
};

namespace detail {

// The most negative (side < 0) or most positive x at which |g(x)| >= level, by bisection in
// the tail of g (the long-double reference; g monotone there). NaN where g never falls below
// level on that side (relu's 0, tanh's -1, ...).
template <class T, class G>
real boundary(G g, real level, int side)
{
    const real far = side * real(std::numeric_limits<T>::max());
    real lo = 0, hi = side * real(1); // |g| >= level at lo ... find where it drops
    if (!(std::fabs(g(far)) < level))
        return std::numeric_limits<real>::quiet_NaN();
    // grow hi until |g(hi)| < level
    while (!(std::fabs(g(hi)) < level)) {
        lo = hi;
        hi *= 2;
        if (std::fabs(hi) > std::fabs(far))
            hi = far;
    }
    if (!(std::fabs(g(lo)) >= level))
        return std::numeric_limits<real>::quiet_NaN();
    for (int i = 0; i < 200; ++i) {
        const real mid = (lo + hi) / 2;
        (std::fabs(g(mid)) >= level ? lo : hi) = mid;
    }
    return lo;
}

// A zero result must carry the sign of the exact value where that sign is known: where the
// exact value is a nonzero number that rounds to 0, its sign; at x = +-0, the sign the
// reference gives (computed from the definition: -0 for the functions that are x times
// something positive near 0, +0 for relu and relu6, whose -0 becomes +0). An exact 0 elsewhere
// is not judged: MPFR's exponential underflows to +0 far out (gelu'(-max) is a tiny negative
// number, MPFR's reference +0), and the limits at +-inf are conventions. The error metric alone
// scores either zero as exact.
template <class T>
double zero_sign_error(T x, T got, mpfr_srcptr exact, double err)
{
    if (got != 0 || mpfr_nan_p(exact) || (mpfr_zero_p(exact) && x != 0))
        return err;
    return std::signbit(got) == (mpfr_signbit(exact) != 0) ? err : infinite_error;
}

} // namespace detail

template <class T>
std::vector<special_cell> special_values(const std::vector<std::string>& selected)
{
    using L = std::numeric_limits<T>;
    std::vector<std::pair<std::string, T>> fixed = {
        {"NaN", L::quiet_NaN()},   {"+inf", L::infinity()},    {"-inf", -L::infinity()},
        {"+0", T(0)},              {"-0", -T(0)},              {"+min denormal", L::denorm_min()},
        {"-min denormal", -L::denorm_min()}, {"+max denormal", L::min() - L::denorm_min()},
        {"-max denormal", -(L::min() - L::denorm_min())}, {"+min normal", L::min()},
        {"-min normal", -L::min()}, {"+max", L::max()},         {"-max", -L::max()},
    };
    std::vector<special_cell> out;
    for (const function_info& fn : elementwise_functions()) {
        if (!selected.empty() && std::find(selected.begin(), selected.end(), fn.name) == selected.end())
            continue;
        auto inputs = fixed;
        // The underflow boundaries of f and f', both sides: the last x whose exact result is
        // normal, the first whose exact result rounds to 0, and their neighbours.
        const parameters param = parameters_of_type<T>(fn);
        const auto f = [&](real x) { return fn.f(x, param); };
        const auto fp = [&](real x) { return fn.fp(x, param); };
        const real normal = L::min(), zero = real(L::denorm_min()) / 2;
        for (int side : {-1, 1}) {
            const char* s = side < 0 ? "-" : "+";
            const std::pair<const char*, real> edges[] = {
                {"f normal", detail::boundary<T>(f, normal, side)},
                {"f nonzero", detail::boundary<T>(f, zero, side)},
                {"f' normal", detail::boundary<T>(fp, normal, side)},
                {"f' nonzero", detail::boundary<T>(fp, zero, side)},
            };
            for (const auto& [what, x] : edges) {
                if (std::isnan(x))
                    continue;
                // x rounded toward 0 stays inside the boundary; the next float is outside.
                const T inside = static_cast<T>(x);
                const T in = std::fabs(real(inside)) <= std::fabs(x) ? inside : std::nextafter(inside, T(0));
                inputs.push_back({std::string("last ") + what + " (" + s + ")", in});
                inputs.push_back({std::string("next (") + what + ", " + s + ")",
                                  std::nextafter(in, side < 0 ? -L::infinity() : L::infinity())});
            }
        }
        for (const auto& [label, x] : inputs) {
            T y = 0, d = 0;
            with_functor(fn, [&](const auto& g) {
                xact::forward(g, &x, &y, 1);
                xact::derivative(g, &x, &d, 1);
            });
            number ef, efp;
            fn.mf(ef, static_cast<double>(x), param);
            fn.mfp(efp, static_cast<double>(x), param);
            special_cell c{fn.display_name(), type_name<T>(), label, static_cast<double>(x), static_cast<double>(y),
                           static_cast<double>(d), detail::zero_sign_error(x, y, ef, error(y, ef)),
                           detail::zero_sign_error(x, d, efp, error(d, efp)), 0, 0};
            c.bound_f = bound_of<T>(fn, direction::forward, metric::ulp);
            c.bound_fp = bound_of<T>(fn, direction::derivative, metric::ulp);
            // next to a root of f' the mixed metric applies (the inputs here are far from one)
            out.push_back(c);
        }
    }
    return out;
}

} // namespace xact_accuracy
