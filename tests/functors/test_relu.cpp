#include "support/elementwise_suite.hpp"

using namespace xact_test;

TEMPLATE_TEST_CASE("relu", "[relu]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::relu>{{}, [](xact_ref::real x){ return xact_ref::relu(x); }, [](xact_ref::real x){ return xact_ref::relu_prime(x); }, 0, 0, 1});

    SECTION("known values and special cases")
    {
        const xact::relu f;
        CHECK(f(T(3)) == T(3));
        CHECK(f(T(-3)) == T(0));
        CHECK(same_bits(f(-T(0)), T(0)));
        CHECK(f.derivative(T(0)) == T(0)); // the x <= 0 branch at the kink, as PyTorch
        CHECK(std::isnan(f(std::numeric_limits<T>::quiet_NaN())));
        CHECK(std::isnan(f.derivative(std::numeric_limits<T>::quiet_NaN())));
        CHECK(f.derivative_from_output(T(0)) == T(0));
        CHECK(f.derivative_from_output(T(2)) == T(1));
    }
    SECTION("monotone and non-negative")
    {
        rc::prop("relu", [](T a, T b) {
            RC_PRE(!std::isnan(a) && !std::isnan(b));
            const xact::relu f;
            RC_ASSERT(f(a) >= T(0));
            if (a <= b)
                RC_ASSERT(f(a) <= f(b));
        });
    }
}
