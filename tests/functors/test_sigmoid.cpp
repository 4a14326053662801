#include "support/elementwise_suite.hpp"

using namespace xact_test;

TEMPLATE_TEST_CASE("sigmoid", "[sigmoid]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::sigmoid>{{}, xact_ref::sigmoid, xact_ref::sigmoid_prime, 2, 3, 0.25L});

    SECTION("bounds, monotonicity, symmetry, tails")
    {
        const xact::sigmoid f;
        CHECK(f(T(0)) == T(0.5));
        CHECK(f(-std::numeric_limits<T>::infinity()) == T(0));
        CHECK(f(std::numeric_limits<T>::infinity()) == T(1));
        // the tail never forms 1 - tiny: sigmoid(-80) = 1.8048513878454153e-35
        CHECK(f(T(-80)) == Approx(1.8048513878454153e-35).epsilon(1e-6));
        CHECK(f.derivative(T(-80)) == Approx(1.8048513878454153e-35).epsilon(1e-6));
        rc::prop("sigmoid", [](int a, int b) {
            const xact::sigmoid f;
            const T x = T(a % 100000) / T(1000), y = T(b % 100000) / T(1000);
            RC_ASSERT(f(x) >= T(0));
            RC_ASSERT(f(x) <= T(1));
            if (x <= y)
                RC_ASSERT(f(x) <= f(y));
            RC_ASSERT(std::fabs(f(x) + f(-x) - T(1)) <= 2 * std::numeric_limits<T>::epsilon());
            RC_ASSERT(same_bits(f.derivative(x), f.derivative(-x)));
        });
    }
}
