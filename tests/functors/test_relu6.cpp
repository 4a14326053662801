#include "support/elementwise_suite.hpp"
#include "support/reference_extra.hpp"

using namespace xact_test;
using xact_ref::real;

TEMPLATE_TEST_CASE("relu6", "[relu6]", float, double)
{
    using T = TestType;
    // A clamp is exact: bound 0 ULP for both.
    run_elementwise_suite<T>(elementwise_spec<xact::relu6>{
        {}, [](real x) { return xact_ref::relu6(x); }, [](real x) { return xact_ref::relu6_prime(x); }, 0, 0,
        xact_ref::relu6_max_prime});

    SECTION("known values, limits and the kinks")
    {
        const xact::relu6 f;
        const T inf = std::numeric_limits<T>::infinity();
        CHECK(same_bits(f(T(-2.5)), T(0)));
        CHECK(same_bits(f(T(-0.0)), T(0))); // +0, as relu
        CHECK(f(T(3.25)) == T(3.25));
        CHECK(f(T(6)) == T(6));
        CHECK(f(T(6.5)) == T(6));
        CHECK(f(inf) == T(6));
        CHECK(same_bits(f(-inf), T(0)));
        // PyTorch's relu6 is hardtanh(0, 6): the derivative is 0 at both kinks.
        CHECK(f.derivative(T(0)) == T(0));
        CHECK(f.derivative(T(6)) == T(0));
        CHECK(f.derivative(std::numeric_limits<T>::denorm_min()) == T(1));
        CHECK(f.derivative(std::nextafter(T(6), T(0))) == T(1));
        CHECK(f.derivative_from_output(T(0)) == T(0));
        CHECK(f.derivative_from_output(T(6)) == T(0));
        CHECK(f.derivative_from_output(T(2)) == T(1));
    }
}
