#include "support/elementwise_suite.hpp"
#include "support/reference_extra.hpp"

using namespace xact_test;
using xact_ref::real;

TEMPLATE_TEST_CASE("celu", "[celu]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::celu>{
        {}, [](real x) { return xact_ref::celu(x, 1); }, [](real x) { return xact_ref::celu_prime(x, 1); }, 2, 3, 1});

    SECTION("other alphas: x/alpha inexact, alpha not a float")
    {
        for (double alpha : {0.3, 2.5, 1.0 / 3}) {
            const xact::celu f(alpha);
            const auto [e, d] = measure_functor<T>(f, [=](real x) { return xact_ref::celu(x, alpha); },
                                                   [=](real x) { return xact_ref::celu_prime(x, alpha); });
            INFO("alpha = " << alpha << ": forward " << e.describe() << "; derivative " << d.describe());
            // the product with alpha is taken before the last rounding of expm1
            CHECK(e.max <= 2);
            CHECK(d.max <= 3);
            std::printf("accuracy: celu(%g) %-6s forward %.2f ULP, derivative %.2f\n", alpha,
                        sizeof(T) == 4 ? "float" : "double", e.max, d.max);
        }
    }

    SECTION("known values, limits and the kink")
    {
        const T inf = std::numeric_limits<T>::infinity();
        for (double alpha : {0.3, 1.0, 2.5}) {
            const xact::celu f(alpha);
            CHECK(same_bits(f(T(0)), T(0))); // alpha expm1(+-0/alpha) = +-0: the zero's sign kept
            CHECK(same_bits(f(T(-0.0)), T(-0.0)));
            CHECK(f(T(1.5)) == T(1.5));
            CHECK(f(inf) == inf);
            CHECK(f(-inf) == T(-alpha));
            CHECK(f.derivative(T(0)) == T(1)); // both branches give 1: celu is C^1
            CHECK(f.derivative(-inf) == T(0));
            CHECK(f.derivative_from_output(T(0)) == T(1));
        }
        // alpha = 1 is elu
        const xact::celu c;
        const xact::elu e;
        for (T x : {T(-7.5), T(-1), T(-0.001), T(0), T(2)})
            CHECK(same_bits(c(x), e(x)));
    }

    SECTION("backward_from_output needs alpha > 0")
    {
        const T y[1] = {T(-0.5)}, dy[1] = {T(1)};
        T dx[1] = {T(0)};
        CHECK_NOTHROW(xact::backward_from_output(xact::celu(0.5), y, dy, dx, 1));
        CHECK_THROWS_AS(xact::backward_from_output(xact::celu(-0.5), y, dy, dx, 1), std::invalid_argument);
    }
}
