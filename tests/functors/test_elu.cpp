#include "support/elementwise_suite.hpp"

using namespace xact_test;

TEMPLATE_TEST_CASE("elu", "[elu]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::elu>{{}, [](xact_ref::real x){ return xact_ref::elu(x, 1); }, [](xact_ref::real x){ return xact_ref::elu_prime(x, 1); }, 4, 8, 1});

    SECTION("alpha, its gradient, and the limits")
    {
        for (double alpha : {0.3, 1.0, 2.5}) {
            const xact::elu f(alpha);
            const auto ref = [alpha](xact_ref::real x) { return xact_ref::elu(x, alpha); };
            const auto refp = [alpha](xact_ref::real x) { return xact_ref::elu_prime(x, alpha); };
            const auto xs = sweep_inputs<T>();
            const auto e = measure<T>(xs, [&](const T* x, T* y, std::size_t n) { xact::forward(f, x, y, n); }, ref,
                                      [](T got, xact_ref::real want) { return ulp_error(got, want); });
            const auto d = measure<T>(xs, [&](const T* x, T* y, std::size_t n) { xact::derivative(f, x, y, n); }, refp,
                                      [](T got, xact_ref::real want) { return ulp_error(got, want); });
            INFO("alpha = " << alpha << ": forward " << e.describe() << "; derivative " << d.describe());
            CHECK(e.max <= 4);
            CHECK(d.max <= 8);
            CHECK(f(-std::numeric_limits<T>::infinity()) == T(-alpha));
            CHECK(f.derivative(T(0)) == T(alpha)); // alpha e^0 on the x <= 0 branch
            // tiny x keeps its relative accuracy (expm1, not exp - 1)
            CHECK(f(T(-1e-10)) == Approx(-1e-10 * alpha).epsilon(1e-6));
        }
    }
    SECTION("the alpha gradient matches a finite difference")
    {
        rc::prop("d alpha", [] {
            const auto x = *rc::gen::container<std::vector<T>>(
                rc::gen::map(rc::gen::inRange(-5000, 5000), [](int i) { return T(i) / T(1000); }));
            const auto dy = *rc::gen::container<std::vector<T>>(
                x.size(), rc::gen::map(rc::gen::inRange(-1000, 1000), [](int i) { return T(i) / T(1000); }));
            const double alpha = 0.7;
            std::vector<T> dx(x.size());
            T d_alpha = T(-1);
            xact::backward(xact::elu(alpha), x.data(), dy.data(), dx.data(), x.size(), d_alpha);
            xact_ref::real want = 0, scale = 0;
            for (std::size_t i = 0; i < x.size(); ++i) {
                const xact_ref::real h = 1e-6L;
                want += dy[i] * (xact_ref::elu(x[i], alpha + h) - xact_ref::elu(x[i], alpha - h)) / (2 * h);
                scale += std::fabs(dy[i]);
                RC_ASSERT(same_bits(dx[i], T(dy[i] * xact::elu(alpha).derivative(x[i]))));
            }
            RC_ASSERT(std::fabs(d_alpha - want) <= 1e-4L * (1 + scale));
        });
    }
}
