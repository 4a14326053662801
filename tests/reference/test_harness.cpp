// The test harness itself: the ULP metric, the error accumulator, the input generators and the
// lane check (including that it notices the faults it exists to catch: those cases are tagged
// [!shouldfail], Catch reports them as passing when their checks fail).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <vector>

#include "support/harness.hpp"

using namespace xact_test;
using xact_ref::real;

TEMPLATE_TEST_CASE("ulp_error", "[harness]", float, double)
{
    using T = TestType;
    using L = std::numeric_limits<T>;
    const real one = 1, eps = L::epsilon();
    CHECK(ulp_error(T(1), one) == 0);
    CHECK(ulp_error(std::nextafter(T(1), T(2)), one) == 1);
    CHECK(ulp_error(T(1), one + eps / 2) == 0.5);      // half a ULP above 1
    CHECK(ulp_error(T(1), one - eps / 4) == 0.25);     // below 1: ref rounds to 1, unit is the spacing above
    CHECK(ulp_error(T(3), real(3) + 2 * eps) == 1);    // spacing at [2, 4) is 2 eps
    CHECK(ulp_error(T(-3), real(-3) - 2 * eps) == 1);  // sign does not matter
    CHECK(ulp_error(T(0), real(0)) == 0);
    CHECK(ulp_error(-T(0), real(0)) == 0);             // the sign of zero is not judged
    // below the normal range: absolute error in units of denorm_min
    CHECK(ulp_error(L::denorm_min(), real(0)) == 1);
    CHECK(ulp_error(T(0), real(L::denorm_min()) / 2) == 0.5);
    CHECK(ulp_error(T(3 * L::denorm_min()), real(L::denorm_min())) == 2);
    CHECK(ulp_error(L::min(), real(L::min()) + real(L::denorm_min())) == 1);
    // NaN and infinities
    CHECK(ulp_error(L::quiet_NaN(), std::numeric_limits<real>::quiet_NaN()) == 0);
    CHECK(std::isinf(ulp_error(L::quiet_NaN(), one)));
    CHECK(std::isinf(ulp_error(T(1), std::numeric_limits<real>::quiet_NaN())));
    CHECK(ulp_error(L::infinity(), std::numeric_limits<real>::infinity()) == 0);
    CHECK(std::isinf(ulp_error(-L::infinity(), std::numeric_limits<real>::infinity())));
    CHECK(std::isinf(ulp_error(L::max(), std::numeric_limits<real>::infinity())));
    // overflow: inf is right for a ref beyond the range; max scores 1 there
    const real beyond = std::ldexp(real(1), L::max_exponent) * 3;
    CHECK(ulp_error(L::infinity(), beyond) == 0);
    CHECK(ulp_error(L::max(), beyond) == 1);
    CHECK(ulp_error(L::infinity(), real(L::max())) == 1);
    CHECK(ulp_error(L::infinity(), one) > 1e30);
}

TEMPLATE_TEST_CASE("mixed_error", "[harness]", float, double)
{
    using T = TestType;
    const real eps = std::numeric_limits<T>::epsilon();
    // near a root (|ref| < scale/1024): absolute error in eps * scale
    CHECK(mixed_error(T(0), real(eps), real(1)) == 1);
    CHECK(mixed_error(T(0), real(eps) / 2, real(2)) == 0.25);
    // elsewhere: ULPs
    CHECK(mixed_error(T(0.5), real(0.5) + eps / 2, real(1)) == 1);
    CHECK(std::isinf(mixed_error(std::numeric_limits<T>::quiet_NaN(), real(0), real(1))));
}

TEST_CASE("error_stats keeps the first worst input", "[harness]")
{
    error_stats s;
    s.add(0.5, 1.0L, 1.0L, 1.0L);
    s.add(2.0, 3.0L, 4.0L, 5.0L);
    s.add(2.0, 6.0L, 7.0L, 8.0L);
    s.add_ulp(1.0f, 1.0f, 1.0L);
    CHECK(s.max == 2.0);
    CHECK(s.at == 3.0L);
    CHECK(s.got == 4.0L);
    CHECK(s.want == 5.0L);
    CHECK(s.count == 4);
    error_stats t;
    t.add(9.0, -1.0L, 0.0L, 0.0L);
    s.merge(t);
    CHECK(s.max == 9.0);
    CHECK(s.at == -1.0L);
    CHECK(s.count == 5);
    CHECK(s.describe().find("max error 9 at x = -1") == 0);
}

TEST_CASE("sweep inputs", "[harness]")
{
    const auto f = float_sweep(4096);
    CHECK(f.size() == (std::size_t(1) << 20) + special_values<float>().size());
    std::size_t nan = 0, inf = 0, denormal = 0, negative = 0;
    for (float x : f) {
        nan += std::isnan(x);
        inf += std::isinf(x);
        denormal += std::fpclassify(x) == FP_SUBNORMAL;
        negative += std::signbit(x);
    }
    CHECK(nan > 1000);
    CHECK(inf >= 2);
    CHECK(denormal > 1000);
    CHECK(negative > f.size() / 2 - 100);

    const auto d = double_samples(4000, 7);
    const auto again = double_samples(4000, 7), other = double_samples(4000, 8);
    std::size_t same = 0, same_other = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
        same += identical_bits(d[i], again[i]);
        same_other += identical_bits(d[i], other[i]);
    }
    CHECK(same == d.size()); // deterministic
    CHECK(same_other == special_values<double>().size());
    std::set<int> exponents;
    std::size_t in_body = 0;
    for (double x : d) {
        if (std::isfinite(x) && x != 0)
            exponents.insert(std::ilogb(x));
        in_body += std::fabs(x) <= 40;
    }
    CHECK(exponents.size() > 500); // spread over the exponent range
    CHECK(*exponents.begin() < -1000);
    CHECK(*exponents.rbegin() > 1000);
    CHECK(in_body > 1500);
    std::size_t n = 0;
    double_samples(100, 1, [&](double) { ++n; });
    CHECK(n == 100 + special_values<double>().size());
}

TEMPLATE_TEST_CASE("ordinals and ordered_values", "[harness]", float, double)
{
    using T = TestType;
    using L = std::numeric_limits<T>;
    CHECK(ordinal(T(0)) == 0);
    CHECK(ordinal(-T(0)) == 0);
    CHECK(ordinal(L::denorm_min()) == 1);
    CHECK(ordinal(-L::denorm_min()) == -1);
    CHECK(from_ordinal<T>(ordinal(T(-2.5))) == T(-2.5));
    CHECK(ordinal(std::nextafter(T(1), T(2))) == ordinal(T(1)) + 1);
    // every value when the range is small
    const auto all = ordered_values<T>(T(1), std::nextafter(std::nextafter(T(1), T(2)), T(2)), 100);
    REQUIRE(all.size() == 3);
    CHECK(all[0] == T(1));
    // spread, ends included, increasing
    const auto v = ordered_values<T>(-L::max(), L::max(), 1001);
    REQUIRE(v.size() == 1001);
    CHECK(v.front() == -L::max());
    CHECK(v.back() == L::max());
    for (std::size_t i = 1; i < v.size(); ++i)
        CHECK(v[i - 1] < v[i]);
}

TEMPLATE_TEST_CASE("same_bits and the sentinel", "[harness]", float, double)
{
    using T = TestType;
    CHECK(same_bits(std::numeric_limits<T>::quiet_NaN(), -std::numeric_limits<T>::quiet_NaN()));
    CHECK(!same_bits(T(0), -T(0)));
    CHECK(!same_bits(T(1), std::numeric_limits<T>::quiet_NaN()));
    CHECK(std::isnan(sentinel<T>()));
    CHECK(!identical_bits(sentinel<T>(), std::numeric_limits<T>::quiet_NaN()));
    CHECK(identical_bits(sentinel<T>(), sentinel<T>()));
    CHECK(special_values<T>().size() == 17);
}

TEMPLATE_TEST_CASE("check_lanes passes a correct array operation", "[harness]", float, double)
{
    using T = TestType;
    const auto f = [](T x) { return x * T(3) - T(1); };
    check_lanes<T>([&](const T* x, T* y, std::size_t n) { for (std::size_t i = 0; i < n; ++i) y[i] = f(x[i]); }, f);
    check_lanes2<T>([](const T* a, const T* b, T* y, std::size_t n) { for (std::size_t i = 0; i < n; ++i) y[i] = a[i] * b[i]; },
                    [](T a, T b) { return a * b; });
}

TEST_CASE("check_lanes notices a write past the end", "[harness][!shouldfail]")
{
    check_lanes<float>([](const float* x, float* y, std::size_t n) { for (std::size_t i = 0; i <= n; ++i) y[i] = i < n ? x[i] : 0.f; },
                       [](float x) { return x; });
}

TEST_CASE("check_lanes notices one lane differing", "[harness][!shouldfail]")
{
    check_lanes<double>([](const double* x, double* y, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i)
            y[i] = i % lanes<double> == 1 ? std::nextafter(x[i], 1e300) : x[i];
    },
                        [](double x) { return x; });
}

TEST_CASE("check_lanes notices a wrong sign of zero", "[harness][!shouldfail]")
{
    check_lanes<float>([](const float* x, float* y, std::size_t n) { for (std::size_t i = 0; i < n; ++i) y[i] = x[i] + 0.f; },
                       [](float x) { return x; });
}

TEST_CASE("check_lanes notices an in-place failure", "[harness][!shouldfail]")
{
    // correct out of place, wrong when y is x (y[0] is scribbled on before x[0] is read)
    check_lanes<float>([](const float* x, float* y, std::size_t n) {
        if (n == 0)
            return;
        y[0] = 12345.f;
        for (std::size_t i = 1; i < n; ++i)
            y[i] = x[i];
        y[0] = x[0];
    },
                       [](float x) { return x; });
}
