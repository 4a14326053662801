#include "support/elementwise_suite.hpp"

using namespace xact_test;

TEMPLATE_TEST_CASE("gelu_tanh", "[gelu_tanh]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::gelu_tanh>{{}, xact_ref::gelu_tanh, xact_ref::gelu_tanh_prime, 2, 3, xact_ref::gelu_tanh_max_prime, {xact_ref::gelu_tanh_prime_root}});

    SECTION("known values and limits")
    {
        const xact::gelu_tanh f;
        CHECK(f(T(1)) == Approx(0.8411919906082768).epsilon(1e-6));
        CHECK(f(T(-3)) == Approx(-0.0036373920817729943).epsilon(1e-6));
        CHECK(f(-std::numeric_limits<T>::infinity()) == T(0));
        CHECK(f(std::numeric_limits<T>::infinity()) == std::numeric_limits<T>::infinity());
        CHECK(f.derivative(T(0)) == T(0.5));
    }
}
