#include "support/elementwise_suite.hpp"
#include "support/reference_extra.hpp"

using namespace xact_test;
using xact_ref::real;

TEMPLATE_TEST_CASE("hard_tanh", "[hard_tanh]", float, double)
{
    using T = TestType;
    // A clamp is exact: bound 0 ULP for both.
    run_elementwise_suite<T>(elementwise_spec<xact::hard_tanh>{
        {}, [](real x) { return xact_ref::hard_tanh(x, -1, 1); },
        [](real x) { return xact_ref::hard_tanh_prime(x, -1, 1); }, 0, 0, 1});

    SECTION("other bounds")
    {
        for (auto [lo, hi] : {std::pair{-2.0, 3.5}, std::pair{0.0, 6.0}, std::pair{-0.25, -0.125}, std::pair{1.0, 1.0}}) {
            const xact::hard_tanh f(lo, hi);
            const auto [e, d] = measure_functor<T>(f, [=](real x) { return xact_ref::hard_tanh(x, lo, hi); },
                                                   [=](real x) { return xact_ref::hard_tanh_prime(x, lo, hi); });
            INFO("[" << lo << ", " << hi << "]: forward " << e.describe() << "; derivative " << d.describe());
            CHECK(e.max == 0);
            CHECK(d.max == 0);
        }
    }

    SECTION("a bound that T cannot hold is rounded to nearest: the clamp stays correctly rounded")
    {
        const double lo = -0.1; // not a float nor a double
        const xact::hard_tanh f(lo, 1);
        CHECK(f(T(-5)) == T(lo));
        CHECK(f(std::numeric_limits<T>::lowest()) == T(lo));
        // the derivative tests against the same rounded bound
        CHECK(f.derivative(T(lo)) == T(0));
        CHECK(f.derivative(std::nextafter(T(lo), T(0))) == T(1));
    }

    SECTION("known values, limits and the kinks")
    {
        const xact::hard_tanh f;
        const T inf = std::numeric_limits<T>::infinity();
        CHECK(f(T(-3)) == T(-1));
        CHECK(f(T(0.75)) == T(0.75));
        CHECK(same_bits(f(T(-0.0)), T(-0.0)));
        CHECK(f(inf) == T(1));
        CHECK(f(-inf) == T(-1));
        // 0 at both kinks (PyTorch's hardtanh_backward).
        CHECK(f.derivative(T(-1)) == T(0));
        CHECK(f.derivative(T(1)) == T(0));
        CHECK(f.derivative(T(0.5)) == T(1));
        CHECK(f.derivative_from_output(T(1)) == T(0));
        CHECK(f.derivative_from_output(T(-1)) == T(0));
        CHECK(f.derivative_from_output(T(-0.5)) == T(1));
    }

    SECTION("a zero equal to a bound is returned as it is (the clamp returns x unless x is outside)")
    {
        const xact::hard_tanh f(0.0, 6.0), g(-6.0, -0.0);
        CHECK(same_bits(f(T(-0.0)), T(-0.0)));
        CHECK(same_bits(f(T(0)), T(0)));
        CHECK(same_bits(g(T(0)), T(0)));
        CHECK(same_bits(g(T(-0.0)), T(-0.0)));
        CHECK(std::isnan(f(std::numeric_limits<T>::quiet_NaN())));
    }
}
