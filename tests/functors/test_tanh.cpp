#include "support/elementwise_suite.hpp"

using namespace xact_test;

TEMPLATE_TEST_CASE("tanh", "[tanh]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::tanh>{{}, xact_ref::tanh, xact_ref::tanh_prime, 2, 3, 1});

    SECTION("odd, bounded, monotone, tails")
    {
        const xact::tanh f;
        CHECK(same_bits(f(-T(0)), -T(0)));
        CHECK(f(std::numeric_limits<T>::infinity()) == T(1));
        CHECK(f(-std::numeric_limits<T>::infinity()) == T(-1));
        // 1 - tanh^2 would give 0 here: tanh'(20) = 1.6993417021166355e-17
        CHECK(f.derivative(T(20)) == Approx(1.6993417021166355e-17).epsilon(1e-6));
        rc::prop("tanh", [](int a, int b) {
            const xact::tanh f;
            const T x = T(a % 100000) / T(1000), y = T(b % 100000) / T(1000);
            RC_ASSERT(same_bits(f(-x), T(-f(x))));
            RC_ASSERT(std::fabs(f(x)) <= T(1));
            if (x <= y)
                RC_ASSERT(f(x) <= f(y));
        });
    }
}
