#include "support/elementwise_suite.hpp"
#include "support/reference_extra.hpp"

using namespace xact_test;
using xact_ref::real;

TEMPLATE_TEST_CASE("hard_swish", "[hard_swish]", float, double)
{
    using T = TestType;
    // Rounded once: 0.5 ULP plus the reference's own rounding (ulp.hpp) and a correction term's.
    run_elementwise_suite<T>(elementwise_spec<xact::hard_swish>{
        {}, [](real x) { return xact_ref::hard_swish(x); }, [](real x) { return xact_ref::hard_swish_prime(x); },
        0.51, 0.51, xact_ref::hard_swish_max_prime});

    SECTION("every value near -3, 0 and the root -1.5 of f' is correctly rounded")
    {
        const xact::hard_swish f;
        error_stats e, d;
        for (auto [lo, hi] : {std::pair{T(-3), T(-2.5)}, std::pair{T(-1.625), T(-1.375)}, std::pair{T(-1e-3), T(1e-3)}})
            for (T x : ordered_values<T>(lo, hi, 200000)) {
                e.add_ulp(x, f(x), xact_ref::hard_swish(x));
                d.add_ulp(x, f.derivative(x), xact_ref::hard_swish_prime(x));
            }
        INFO("forward " << e.describe() << "; derivative " << d.describe());
        CHECK(e.max <= 0.51);
        CHECK(d.max <= 0.51);
    }

    SECTION("known values, limits and the kinks")
    {
        const xact::hard_swish f;
        const T inf = std::numeric_limits<T>::infinity();
        CHECK(f(T(0)) == T(0));
        CHECK(f(T(1.5)) == T(1.125));
        CHECK(f(T(-1.5)) == T(-0.375)); // the minimum
        CHECK(f(T(-3)) == T(0));
        CHECK(f(T(3)) == T(3));
        CHECK(f(inf) == inf);
        CHECK(f(-inf) == T(0));
        // PyTorch's hardswish_backward: the middle branch (2x + 3)/6 at both kinks.
        CHECK(f.derivative(T(-3)) == T(-0.5));
        CHECK(f.derivative(T(3)) == T(1.5));
        CHECK(f.derivative(std::nextafter(T(-3), -inf)) == T(0));
        CHECK(f.derivative(std::nextafter(T(3), inf)) == T(1));
        CHECK(f.derivative(T(-1.5)) == T(0));
        CHECK(f.derivative(inf) == T(1));
        CHECK(f.derivative(-inf) == T(0));
    }

    SECTION("a zero result carries x's sign")
    {
        // x relu6(x + 3) / 6 as PyTorch computes it: -0 at -0 and for x <= -3 (x * 0), and where
        // a tiny negative x's result rounds to 0
        const xact::hard_swish f;
        const T tiny = std::numeric_limits<T>::denorm_min(), inf = std::numeric_limits<T>::infinity();
        CHECK(same_bits(f(T(0)), T(0)));
        CHECK(same_bits(f(T(-0.0)), T(-0.0)));
        CHECK(same_bits(f(-tiny), T(-0.0)));
        CHECK(same_bits(f(T(-3)), T(-0.0)));
        CHECK(same_bits(f(T(-5)), T(-0.0)));
        CHECK(same_bits(f(-inf), T(-0.0)));
    }
}
