#include "support/elementwise_suite.hpp"

using namespace xact_test;

TEMPLATE_TEST_CASE("gelu", "[gelu]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::gelu>{{}, xact_ref::gelu, xact_ref::gelu_prime, 2, 3, xact_ref::gelu_max_prime, {xact_ref::gelu_prime_root}});

    SECTION("known values")
    {
        const xact::gelu f;
        CHECK(f(T(0)) == T(0));
        CHECK(f(T(1)) == Approx(0.8413447460685429).epsilon(1e-6));
        CHECK(f(T(-1)) == Approx(-0.15865525393145707).epsilon(1e-6));
        CHECK(f.derivative(T(0)) == T(0.5));
        CHECK(f(-std::numeric_limits<T>::infinity()) == T(0));
        CHECK(f(std::numeric_limits<T>::infinity()) == std::numeric_limits<T>::infinity());
        CHECK(f.derivative(-std::numeric_limits<T>::infinity()) == T(0));
        CHECK(f.derivative(std::numeric_limits<T>::infinity()) == T(1));
        // the tail, where 1 + erf would give 0: gelu(-10) = -7.6198530241605269e-23
        CHECK(f(T(-10)) == Approx(-7.6198530241605269e-23).epsilon(1e-6));
    }

    SECTION("a zero result carries x's sign")
    {
        // gelu(x) = x Phi(x) has x's sign: -0 at -0, and where a negative x's gelu rounds to 0
        // (-denorm_min Phi(-denorm_min), just below half of denorm_min, and the far tail)
        const xact::gelu f;
        const T tiny = std::numeric_limits<T>::denorm_min(), inf = std::numeric_limits<T>::infinity();
        CHECK(same_bits(f(T(0)), T(0)));
        CHECK(same_bits(f(T(-0.0)), T(-0.0)));
        CHECK(same_bits(f(-tiny), T(-0.0)));
        CHECK(same_bits(f(T(-60)), T(-0.0)));
        CHECK(same_bits(f(-inf), T(-0.0)));
    }

    SECTION("gelu(x) - gelu(-x) = x")
    {
        rc::prop("odd part", [](int i) {
            const T x = T(i % 100000) / T(10000);
            const xact::gelu f;
            RC_ASSERT(std::fabs(static_cast<double>(f(x) - f(-x) - x)) <= 4 * std::numeric_limits<T>::epsilon() * (1 + std::fabs(x)));
        });
    }
}
