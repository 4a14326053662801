#include "support/elementwise_suite.hpp"
#include "support/reference_extra.hpp"

using namespace xact_test;
using xact_ref::real;

TEMPLATE_TEST_CASE("quick_gelu", "[quick_gelu]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::quick_gelu>{
        {}, [](real x) { return xact_ref::quick_gelu(x); }, [](real x) { return xact_ref::quick_gelu_prime(x); }, 2, 3,
        xact_ref::silu_max_prime, {xact_ref::silu_prime_root / xact_ref::quick_gelu_beta}});

    SECTION("next to the root of f' (x0 = -1.27846/1.702): the mixed metric of the accuracy issue")
    {
        const xact::quick_gelu f;
        const real root = xact_ref::silu_prime_root / xact_ref::quick_gelu_beta;
        const T x0 = static_cast<T>(root);
        error_stats d;
        for (T x : ordered_values<T>(x0 - T(0.01), x0 + T(0.01), 200000))
            d.add(derivative_error(x, f.derivative(x), xact_ref::quick_gelu_prime(x), xact_ref::silu_max_prime, {root}), x,
                  f.derivative(x), xact_ref::quick_gelu_prime(x));
        INFO(d.describe());
        CHECK(d.max <= 3);
    }

    SECTION("known values and limits")
    {
        const xact::quick_gelu f;
        const T inf = std::numeric_limits<T>::infinity();
        CHECK(f(T(0)) == T(0));
        CHECK(f.derivative(T(0)) == T(0.5));
        CHECK(f(inf) == inf);
        CHECK(f(-inf) == T(0));
        CHECK(f.derivative(inf) == T(1));
        CHECK(f.derivative(-inf) == T(0));
        // the same function as swish with beta = 1.702
        const xact::swish s(1.702);
        for (T x : {T(-30), T(-0.75), T(0.125), T(4)}) {
            CHECK(same_bits(f(x), s(x)));
            CHECK(same_bits(f.derivative(x), s.derivative(x)));
        }
    }
}
