#include "support/elementwise_suite.hpp"
#include "support/reference_extra.hpp"

using namespace xact_test;
using xact_ref::real;

TEMPLATE_TEST_CASE("mish", "[mish]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::mish>{
        {}, [](real x) { return xact_ref::mish(x); }, [](real x) { return xact_ref::mish_prime(x); }, 2, 3,
        xact_ref::mish_max_prime});

    SECTION("next to the root of f' (the minimum of mish) the derivative keeps its relative accuracy")
    {
        const xact::mish f;
        const T x0 = static_cast<T>(xact_ref::mish_prime_root);
        error_stats d;
        // the polynomial window (|t| <= 1/32), its edges, and the double-word form beyond
        for (T x : ordered_values<T>(x0 - T(0.1), x0 + T(0.1), 400000))
            d.add_ulp(x, f.derivative(x), xact_ref::mish_prime(x));
        INFO(d.describe());
        CHECK(d.max <= 3);
    }

    SECTION("the left tail, where mish ~ x e^x runs into the denormals")
    {
        const xact::mish f;
        error_stats e, d;
        const T lo = sizeof(T) == 4 ? T(-110) : T(-760);
        for (T x : ordered_values<T>(lo, T(-10), 200000)) {
            e.add_ulp(x, f(x), xact_ref::mish(x));
            d.add_ulp(x, f.derivative(x), xact_ref::mish_prime(x));
        }
        INFO("forward " << e.describe() << "; derivative " << d.describe());
        CHECK(e.max <= 2);
        CHECK(d.max <= 3);
    }

    SECTION("known values and limits")
    {
        const xact::mish f;
        const T inf = std::numeric_limits<T>::infinity();
        CHECK(f(T(0)) == T(0));
        CHECK(ulp_error(f.derivative(T(0)), std::tanh(std::log(real(2)))) <= 0.5); // tanh(ln 2) = 0.6
        CHECK(f(inf) == inf);
        CHECK(f(-inf) == T(0));
        CHECK(f.derivative(inf) == T(1));
        CHECK(f.derivative(-inf) == T(0));
        CHECK(f(T(100)) == T(100));
        // the minimum, -0.30884 at x0 = -1.19243
        CHECK(ulp_error(f(static_cast<T>(xact_ref::mish_prime_root)), xact_ref::mish(static_cast<T>(xact_ref::mish_prime_root))) <= 1);
    }

    SECTION("a zero result carries x's sign")
    {
        // mish(x) = x tanh(softplus(x)) has x's sign: -0 at -0 and in the far left tail
        const xact::mish f;
        CHECK(same_bits(f(T(0)), T(0)));
        CHECK(same_bits(f(T(-0.0)), T(-0.0)));
        CHECK(same_bits(f(T(-800)), T(-0.0)));
        CHECK(same_bits(f(-std::numeric_limits<T>::infinity()), T(-0.0)));
    }
}
