#include "support/elementwise_suite.hpp"
#include "support/reference_extra.hpp"

using namespace xact_test;
using xact_ref::real;

TEMPLATE_TEST_CASE("selu", "[selu]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::selu>{
        {}, [](real x) { return xact_ref::selu(x); }, [](real x) { return xact_ref::selu_prime(x); }, 2, 3,
        xact_ref::selu_max_prime});

    SECTION("known values, limits and the kink")
    {
        const xact::selu f;
        const T inf = std::numeric_limits<T>::infinity();
        const real sa = xact_ref::selu_scale * xact_ref::selu_alpha;
        CHECK(f(T(0)) == T(0));
        CHECK(f(T(2)) == T(2 * xact_ref::selu_scale));
        CHECK(f(inf) == inf);
        CHECK(f(-inf) == T(-sa));
        // the x <= 0 branch at the kink (PyTorch's elu_backward): scale alpha, not scale
        CHECK(f.derivative(T(0)) == T(sa));
        CHECK(f.derivative(std::numeric_limits<T>::denorm_min()) == T(xact_ref::selu_scale));
        CHECK(f.derivative(-inf) == T(0));
        CHECK(f.derivative_from_output(T(0)) == T(sa));
        // tiny x keeps its relative accuracy (expm1, not exp - 1)
        CHECK(ulp_error(f(T(-1e-10)), xact_ref::selu(static_cast<real>(T(-1e-10)))) <= 2);
    }
}
