#include "support/elementwise_suite.hpp"

using namespace xact_test;

TEMPLATE_TEST_CASE("leaky_relu", "[leaky_relu]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::leaky_relu>{{}, [](xact_ref::real x){ return xact_ref::leaky_relu(x, 0.01L); }, [](xact_ref::real x){ return xact_ref::leaky_relu_prime(x, 0.01L); }, 2, 0.5, 1});

    SECTION("parameters")
    {
        for (double alpha : {0.0, 0.2, 0.3, 1.5}) {
            const xact::leaky_relu f(alpha);
            const auto ref = [alpha](xact_ref::real x) { return xact_ref::leaky_relu(x, alpha); };
            const auto xs = sweep_inputs<T>();
            const auto e = measure<T>(xs, [&](const T* x, T* y, std::size_t n) { xact::forward(f, x, y, n); }, ref,
                                      [](T got, xact_ref::real want) { return ulp_error(got, want); });
            INFO("alpha = " << alpha << ": " << e.describe());
            CHECK(e.max <= 2);
            CHECK(f.derivative(T(0)) == T(alpha)); // the x <= 0 branch at the kink
            CHECK(f(-std::numeric_limits<T>::infinity()) == (alpha == 0 ? T(0) : -std::numeric_limits<T>::infinity()));
        }
    }
    SECTION("backward_from_output needs alpha > 0")
    {
        std::vector<T> y{T(1)}, dy{T(1)}, dx{T(7)};
        CHECK_THROWS_WITH(xact::backward_from_output(xact::leaky_relu(0.0), y.data(), dy.data(), dx.data(), 1),
                          Catch::Contains("alpha > 0"));
        CHECK(dx[0] == T(7));
    }
}
