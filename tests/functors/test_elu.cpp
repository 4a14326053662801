#include "support/elementwise_suite.hpp"

using namespace xact_test;

TEMPLATE_TEST_CASE("elu", "[elu]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::elu>{{}, [](xact_ref::real x){ return xact_ref::elu(x, 1); }, [](xact_ref::real x){ return xact_ref::elu_prime(x, 1); }, 2, 3, 1});

    SECTION("alpha, its gradient, and the limits")
    {
        for (double alpha : {0.3, 1.0, 2.5}) {
            const xact::elu f(alpha);
            const auto ref = [alpha](xact_ref::real x) { return xact_ref::elu(x, alpha); };
            const auto refp = [alpha](xact_ref::real x) { return xact_ref::elu_prime(x, alpha); };
            const auto [e, d] = measure_functor<T>(f, ref, refp);
            INFO("alpha = " << alpha << ": forward " << e.describe() << "; derivative " << d.describe());
            CHECK(e.max <= 2);
            CHECK(d.max <= 3);
            CHECK(f(-std::numeric_limits<T>::infinity()) == T(-alpha));
            CHECK(f.derivative(T(0)) == T(alpha)); // alpha e^0 on the x <= 0 branch
            // alpha expm1(+-0) = +-0 (alpha > 0): a zero keeps its sign, forward and d/d alpha
            CHECK(same_bits(f(T(0)), T(0)));
            CHECK(same_bits(f(T(-0.0)), T(-0.0)));
            CHECK(same_bits(f.derivative_alpha(T(0)), T(0)));
            CHECK(same_bits(f.derivative_alpha(T(-0.0)), T(-0.0)));
            // tiny x keeps its relative accuracy (expm1, not exp - 1)
            CHECK(f(T(-1e-10)) == Approx(-1e-10 * alpha).epsilon(1e-6));
        }
    }
    SECTION("the alpha gradient matches a finite difference")
    {
        check_parameter_gradient<T>("d alpha", 0.7, [](double a) { return xact::elu(a); },
                                    [](xact_ref::real x, xact_ref::real a) { return xact_ref::elu(x, a); });
    }
}
