#include "support/elementwise_suite.hpp"

using namespace xact_test;

TEMPLATE_TEST_CASE("swish", "[swish]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::swish>{{}, [](xact_ref::real x){ return xact_ref::swish(x, 1); }, [](xact_ref::real x){ return xact_ref::swish_prime(x, 1); }, 2, 3, xact_ref::silu_max_prime, {xact_ref::silu_prime_root}});

    SECTION("beta, its gradient, and silu")
    {
        for (double beta : {0.3, 0.7, 1.702, 4.0}) {
            const xact::swish f(beta);
            const auto ref = [beta](xact_ref::real x) { return xact_ref::swish(x, beta); };
            const auto refp = [beta](xact_ref::real x) { return xact_ref::swish_prime(x, beta); };
            const auto [e, d] = measure_functor<T>(f, ref, refp, xact_ref::swish_max_prime(beta),
                                                   {xact_ref::silu_prime_root / beta});
            INFO("beta = " << beta << ": forward " << e.describe() << "; derivative " << d.describe());
            CHECK(e.max <= 2);
            CHECK(d.max <= 3);
        }
        const xact::silu s;
        for (T x : {T(-3), T(-0.5), T(0), T(2)}) {
            CHECK(same_bits(s(x), xact::swish(1.0)(x)));
            CHECK(same_bits(s.derivative(x), xact::swish(1.0).derivative(x)));
        }
        CHECK(s(-std::numeric_limits<T>::infinity()) == T(0));
        CHECK(s.derivative(-std::numeric_limits<T>::infinity()) == T(0));
        CHECK(s.derivative(std::numeric_limits<T>::infinity()) == T(1));
    }
    SECTION("the beta gradient matches a finite difference")
    {
        check_parameter_gradient<T>("d beta", 1.3, [](double b) { return xact::swish(b); },
                                    [](xact_ref::real x, xact_ref::real b) { return xact_ref::swish(x, b); });
    }
}
