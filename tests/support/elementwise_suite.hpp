// The checks every element-wise functor goes through; each tests/functors/test_<name>.cpp calls
// run_elementwise_suite with its functor, its reference and the bounds from its doc block, and
// adds what is particular to it (known values, limits, properties).
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <xact/xact.hpp>

#include "harness.hpp"

namespace xact_test {

template <class F>
struct elementwise_spec {
    F f;
    std::function<real(real)> ref;       // f(x)
    std::function<real(real)> ref_prime; // f'(x)
    double forward_bound;                // ULPs
    double derivative_bound;             // ULPs (the reference is accurate at the roots of f' too)
    real derivative_scale;               // max |f'|
    std::vector<real> roots = {};        // roots of f': the mixed metric applies next to them
};

// The derivative's error metric (the accuracy issue's): ULPs, except within 1/4 of a root of f'
// where |f'| < max|f'|/1024: there the error is absolute, in units of eps max|f'| (relative
// accuracy next to a root is not promised).
template <class T>
double derivative_error(T x, T got, real want, real scale, const std::vector<real>& roots)
{
    for (const real r : roots)
        if (std::fabs(static_cast<real>(x) - r) <= real(0.25))
            return mixed_error(got, want, scale);
    return ulp_error(got, want);
}

// Forward and derivative errors over the sweep inputs, for one parameter setting: forward in
// ULPs, the derivative in derivative_error's metric (max |f'| = scale, roots of f' = roots).
template <class T, class F, class Ref, class RefPrime>
std::pair<error_stats, error_stats> measure_functor(const F& f, Ref ref, RefPrime ref_prime, real scale = 1,
                                                    const std::vector<real>& roots = {})
{
    const auto xs = sweep_inputs<T>();
    std::vector<T> y(xs.size()), d(xs.size());
    xact::forward(f, xs.data(), y.data(), xs.size());
    xact::derivative(f, xs.data(), d.data(), xs.size());
    error_stats fwd, der;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const real x = static_cast<real>(xs[i]);
        const real want = ref(x), want_prime = ref_prime(x);
        fwd.add(ulp_error(y[i], want), xs[i], y[i], want);
        der.add(derivative_error(xs[i], d[i], want_prime, scale, roots), xs[i], d[i], want_prime);
    }
    return {fwd, der};
}

// f (or f') at float inputs xs against ref, every result within bound ULP; the failure message
// names the worst input.
template <class F, class Ref>
void check_float_errors(const F& f, const std::vector<float>& xs, Ref ref, bool derivative, double bound)
{
    std::vector<float> y(xs.size());
    if (derivative)
        xact::derivative(f, xs.data(), y.data(), xs.size());
    else
        xact::forward(f, xs.data(), y.data(), xs.size());
    error_stats e;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const real want = ref(static_cast<real>(xs[i]));
        e.add(ulp_error(y[i], want), xs[i], y[i], want);
    }
    INFO(f.name << (derivative ? " derivative " : " forward ") << e.describe());
    CHECK(e.count == xs.size());
    CHECK(e.max <= bound);
}

// The floats within `half` bit patterns of each edge, both sides (every sweep_scale()-th): the
// seams of a kernel's table of polynomials.
inline std::vector<float> floats_around(const std::vector<float>& edges, std::uint32_t half = 256)
{
    std::vector<float> xs;
    for (const float e : edges)
        for (std::uint32_t b = to_bits(e) - half; b < to_bits(e) + half; b += static_cast<std::uint32_t>(sweep_scale()))
            xs.push_back(from_bits<float>(b));
    return xs;
}

template <class F, class = void>
struct has_from_output : std::false_type {};
template <class F>
struct has_from_output<F, std::void_t<decltype(std::declval<const F&>().derivative_from_output(0.0f))>>
    : std::true_type {};

// The parameter gradient of elu (alpha) or swish (beta) against a central difference of the
// reference in the parameter, over random x and dy; dx must be dy * f'(x) bit for bit.
// `make(p)` builds the functor, `ref(x, p)` is the reference f.
template <class T, class Make, class Ref>
void check_parameter_gradient(const char* description, double p, Make make, Ref ref)
{
    rc::prop(description, [=] {
        const auto x = *rc::gen::container<std::vector<T>>(
            rc::gen::map(rc::gen::inRange(-5000, 5000), [](int i) { return T(i) / T(1000); }));
        const auto dy = *rc::gen::container<std::vector<T>>(
            x.size(), rc::gen::map(rc::gen::inRange(-1000, 1000), [](int i) { return T(i) / T(1000); }));
        std::vector<T> dx(x.size());
        T d_param = T(-1);
        xact::backward(make(p), x.data(), dy.data(), dx.data(), x.size(), d_param);
        real want = 0, scale = 0;
        const real h = 1e-6L;
        for (std::size_t i = 0; i < x.size(); ++i) {
            want += dy[i] * (ref(x[i], p + h) - ref(x[i], p - h)) / (2 * h);
            scale += std::fabs(dy[i]) * (1 + real(x[i]) * x[i]);
            RC_ASSERT(same_bits(dx[i], T(dy[i] * make(p).derivative(x[i]))));
        }
        RC_ASSERT(std::fabs(d_param - want) <= 1e-4L * (1 + scale));
    });
}

template <class T, class F>
void run_elementwise_suite(const elementwise_spec<F>& s)
{
    const F& f = s.f;
    const std::string name = F::name;

    SECTION("every length and offset: forward, derivative and backward equal the scalar path bit for bit")
    {
        check_lanes<T>([&](const T* x, T* y, std::size_t n) { xact::forward(f, x, y, n); },
                       [&](T x) { return f(x); });
        check_lanes<T>([&](const T* x, T* y, std::size_t n) { xact::derivative(f, x, y, n); },
                       [&](T x) { return f.derivative(x); });
        // backward with dy = x: dx = x * f'(x)
        check_lanes<T>([&](const T* x, T* y, std::size_t n) { xact::backward(f, x, x, y, n); },
                       [&](T x) { return x * f.derivative(x); });
        if constexpr (has_from_output<F>::value)
            check_lanes<T>([&](const T* y, T* d, std::size_t n) { xact::backward_from_output(f, y, y, d, n); },
                           [&](T y) { return y * f.derivative_from_output(y); });
    }

    SECTION("accuracy against the long double reference")
    {
        // The bit-pattern sweep, plus a dense run over [-40, 40] where the functions do their work.
        auto xs = sweep_inputs<T>();
        const std::size_t dense = sweep_count(std::size_t(1) << 19); // XACT_TEST_SWEEP_SCALE
        for (std::size_t i = 0; i <= dense; ++i)
            xs.push_back(T(-40) + T(80) * T(i) / T(dense));
        const auto fwd = measure<T>(xs, [&](const T* x, T* y, std::size_t n) { xact::forward(f, x, y, n); }, s.ref,
                                    [](T got, real want) { return ulp_error(got, want); });
        INFO(name << " forward: " << fwd.describe());
        CHECK(fwd.max <= s.forward_bound);
        std::vector<T> d(xs.size());
        xact::derivative(f, xs.data(), d.data(), xs.size());
        error_stats der;
        for (std::size_t i = 0; i < xs.size(); ++i) {
            const real want = s.ref_prime(static_cast<real>(xs[i]));
            der.add(derivative_error(xs[i], d[i], want, s.derivative_scale, s.roots), xs[i], d[i], want);
        }
        INFO(name << " derivative: " << der.describe());
        CHECK(der.max <= s.derivative_bound);
        // The README's accuracy table is read from these lines (ctest --verbose).
        std::printf("accuracy: %-10s %-6s forward %.2f ULP (bound %g), derivative %.2f (bound %g), %zu inputs\n",
                    F::name, sizeof(T) == 4 ? "float" : "double", fwd.max, s.forward_bound, der.max,
                    s.derivative_bound, xs.size());
    }

    SECTION("special values match the reference's limits")
    {
        for (T x : special_values<T>()) {
            const T y = f(x), d = f.derivative(x);
            INFO(name << " at x = " << x << ": f = " << y << ", f' = " << d);
            CHECK(ulp_error(y, s.ref(x)) <= s.forward_bound);
            CHECK(derivative_error(x, d, s.ref_prime(x), s.derivative_scale, s.roots) <= s.derivative_bound);
            CHECK(std::isnan(y) == std::isnan(x));
            CHECK(std::isnan(d) == std::isnan(x));
        }
    }

    SECTION("properties")
    {
        rc::prop("the derivative agrees with a central difference of the reference", [&] {
            const T x = *rc::gen::map(rc::gen::inRange(-8000, 8000), [](int i) { return T(i) / T(1000) + T(0.00037); });
            const real cd = central_difference(s.ref, x);
            const real tol = real(1e-4) * (std::fabs(cd) + s.derivative_scale * real(1e-3));
            RC_ASSERT(std::fabs(static_cast<real>(f.derivative(x)) - cd) <= tol);
        });
        rc::prop("backward is dy * f'(x), bit for bit", [&] {
            const auto x = *rc::gen::container<std::vector<T>>(rc::gen::arbitrary<T>());
            const auto dy = *rc::gen::container<std::vector<T>>(x.size(), rc::gen::arbitrary<T>());
            std::vector<T> dx(x.size());
            xact::backward(f, x.data(), dy.data(), dx.data(), x.size());
            for (std::size_t i = 0; i < x.size(); ++i)
                RC_ASSERT(same_bits(dx[i], T(dy[i] * f.derivative(x[i]))));
        });
        if constexpr (has_from_output<F>::value) {
            rc::prop("backward from the output agrees with backward from x", [&] {
                const auto x = *rc::gen::container<std::vector<T>>(
                    rc::gen::map(rc::gen::inRange(-6000, 6000), [](int i) { return T(i) / T(1000); }));
                std::vector<T> y(x.size()), a(x.size()), b(x.size()), dy(x.size(), T(1));
                xact::forward(f, x.data(), y.data(), x.size());
                xact::backward(f, x.data(), dy.data(), a.data(), x.size());
                xact::backward_from_output(f, y.data(), dy.data(), b.data(), x.size());
                for (std::size_t i = 0; i < x.size(); ++i)
                    RC_ASSERT(std::fabs(a[i] - b[i]) <= 64 * std::numeric_limits<T>::epsilon() * s.derivative_scale);
            });
        }
    }
}

} // namespace xact_test
