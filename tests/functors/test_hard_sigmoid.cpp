#include "support/elementwise_suite.hpp"
#include "support/reference_extra.hpp"

using namespace xact_test;
using xact_ref::real;

TEMPLATE_TEST_CASE("hard_sigmoid", "[hard_sigmoid]", float, double)
{
    using T = TestType;
    // Rounded once: 0.5 ULP plus the reference's own rounding (ulp.hpp) and a correction term's.
    run_elementwise_suite<T>(elementwise_spec<xact::hard_sigmoid>{
        {}, [](real x) { return xact_ref::hard_sigmoid(x); }, [](real x) { return xact_ref::hard_sigmoid_prime(x); },
        0.51, 0.5, xact_ref::hard_sigmoid_max_prime});

    SECTION("every value near -3, where x + 3 and the result are small, is correctly rounded")
    {
        error_stats e;
        const xact::hard_sigmoid f;
        for (T x : ordered_values<T>(T(-3), T(-2.5), 200000))
            e.add_ulp(x, f(x), xact_ref::hard_sigmoid(x));
        INFO(e.describe());
        CHECK(e.max <= 0.51);
    }

    SECTION("known values, limits and the kinks")
    {
        const xact::hard_sigmoid f;
        const T inf = std::numeric_limits<T>::infinity();
        CHECK(f(T(0)) == T(0.5));
        CHECK(f(T(1.5)) == T(0.75));
        CHECK(f(T(-3)) == T(0));
        CHECK(f(T(3)) == T(1));
        CHECK(f(T(-1e30)) == T(0));
        CHECK(f(inf) == T(1));
        CHECK(f(-inf) == T(0));
        // 0 at both kinks (PyTorch's hardsigmoid_backward), 1/6 strictly between.
        CHECK(f.derivative(T(-3)) == T(0));
        CHECK(f.derivative(T(3)) == T(0));
        CHECK(f.derivative(T(2.75)) == T(1) / T(6));
        CHECK(f.derivative_from_output(T(0)) == T(0));
        CHECK(f.derivative_from_output(T(1)) == T(0));
        CHECK(f.derivative_from_output(T(0.5)) == T(1) / T(6));
        // the last values inside (-3, 3) map inside (0, 1), so from-output agrees there too
        const T below3 = std::nextafter(T(3), T(0)), above_m3 = std::nextafter(T(-3), T(0));
        CHECK(f.derivative_from_output(f(below3)) == f.derivative(below3));
        CHECK(f.derivative_from_output(f(above_m3)) == f.derivative(above_m3));
    }
}
