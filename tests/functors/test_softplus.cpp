#include "support/elementwise_suite.hpp"
#include "support/reference_extra.hpp"

using namespace xact_test;
using xact_ref::real;

TEMPLATE_TEST_CASE("softplus", "[softplus]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::softplus>{
        {}, [](real x) { return xact_ref::softplus(x, 1, 20); }, [](real x) { return xact_ref::softplus_prime(x, 1, 20); },
        2, 3, xact_ref::softplus_max_prime});

    SECTION("other beta and threshold")
    {
        for (auto [beta, threshold] : {std::pair{2.0, 20.0}, std::pair{0.5, 20.0}, std::pair{1.5, 20.0},
                                       std::pair{1.0, 5.0}, std::pair{3.0, 1e30}}) {
            const xact::softplus f(beta, threshold);
            const auto [e, d] = measure_functor<T>(f, [=](real x) { return xact_ref::softplus(x, beta, threshold); },
                                                   [=](real x) { return xact_ref::softplus_prime(x, beta, threshold); });
            INFO("beta = " << beta << ", threshold = " << threshold << ": forward " << e.describe() << "; derivative "
                           << d.describe());
            // 1/beta is applied to the double word before the last rounding (measured 1.18 ULP at
            // most, beta = 1.5 in float)
            CHECK(e.max <= 2);
            CHECK(d.max <= 3);
            std::printf("accuracy: softplus(%g, %g) %-6s forward %.2f ULP, derivative %.2f\n", beta, threshold,
                        sizeof(T) == 4 ? "float" : "double", e.max, d.max);
        }
    }

    // In float, log(1 + e^-20) is below half an ULP of x at the threshold: only double can tell.
    if (sizeof(T) == 8) SECTION("the threshold is tested on the exact product beta x")
    {
        // 1.5 x rounds to 20 for the T values next to 40/3, on both sides of it.
        const xact::softplus f(1.5, 20);
        const T x0 = T(40) / T(3);
        for (T x : {std::nextafter(x0, T(0)), x0, std::nextafter(x0, T(100))}) {
            const bool linear = xact_ref::softplus_linear(x, 1.5, 20);
            INFO("x = " << x << ", linear: " << linear);
            CHECK((f(x) == x) == linear);
            CHECK((f.derivative(x) == T(1)) == linear);
        }
        // beyond the threshold f = x exactly (PyTorch), though log(1 + e^20) - 20 > 0
        CHECK(f(T(14)) == T(14));
        CHECK(xact::softplus()(T(20.5)) == T(20.5));
    }

    SECTION("known values and limits")
    {
        const xact::softplus f;
        const T inf = std::numeric_limits<T>::infinity();
        CHECK(ulp_error(f(T(0)), std::log(real(2))) <= 0.5);
        CHECK(f.derivative(T(0)) == T(0.5));
        CHECK(f(inf) == inf);
        CHECK(f(-inf) == T(0));
        CHECK(f.derivative(inf) == T(1));
        CHECK(f.derivative(-inf) == T(0));
        CHECK(f.derivative_from_output(T(0)) == T(0));
        // the left tail keeps relative accuracy down to the denormals: softplus(x) ~ e^x
        const T x = sizeof(T) == 4 ? T(-90) : T(-720);
        CHECK(f(x) > T(0));
        CHECK(ulp_error(f(x), xact_ref::softplus(x, 1, 20)) <= 2);
    }
}
