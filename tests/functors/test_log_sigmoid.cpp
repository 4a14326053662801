#include "support/elementwise_suite.hpp"
#include "support/reference_extra.hpp"

using namespace xact_test;
using xact_ref::real;

TEMPLATE_TEST_CASE("log_sigmoid", "[log_sigmoid]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::log_sigmoid>{
        {}, [](real x) { return xact_ref::log_sigmoid(x); }, [](real x) { return xact_ref::log_sigmoid_prime(x); }, 2,
        3, xact_ref::log_sigmoid_max_prime});

    SECTION("known values, limits, and log_sigmoid(x) = -softplus(-x)")
    {
        const xact::log_sigmoid f;
        const T inf = std::numeric_limits<T>::infinity();
        CHECK(ulp_error(f(T(0)), -std::log(real(2))) <= 0.5);
        CHECK(f.derivative(T(0)) == T(0.5));
        CHECK(f(-inf) == -inf);
        CHECK(f(inf) == T(0));
        CHECK(f.derivative(-inf) == T(1));
        CHECK(f.derivative(inf) == T(0));
        CHECK(f.derivative_from_output(T(0)) == T(0));
        CHECK(f.derivative_from_output(-inf) == T(1));
        const xact::softplus sp(1, std::numeric_limits<double>::infinity());
        for (T x : {T(-50), T(-3.25), T(-1e-3), T(0), T(0.7), T(12), T(80)})
            CHECK(same_bits(f(x), T(-sp(-x))));
    }
}
