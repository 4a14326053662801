#include "support/elementwise_suite.hpp"

using namespace xact_test;

TEMPLATE_TEST_CASE("swish", "[swish]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::swish>{{}, [](xact_ref::real x){ return xact_ref::swish(x, 1); }, [](xact_ref::real x){ return xact_ref::swish_prime(x, 1); }, 4, 8, 1.1L});

    SECTION("beta, its gradient, and silu")
    {
        for (double beta : {0.3, 0.7, 1.702, 4.0}) {
            const xact::swish f(beta);
            const auto ref = [beta](xact_ref::real x) { return xact_ref::swish(x, beta); };
            const auto refp = [beta](xact_ref::real x) { return xact_ref::swish_prime(x, beta); };
            const auto xs = sweep_inputs<T>();
            const auto e = measure<T>(xs, [&](const T* x, T* y, std::size_t n) { xact::forward(f, x, y, n); }, ref,
                                      [](T got, xact_ref::real want) { return ulp_error(got, want); });
            const auto d = measure<T>(xs, [&](const T* x, T* y, std::size_t n) { xact::derivative(f, x, y, n); }, refp,
                                      [](T got, xact_ref::real want) { return ulp_error(got, want); });
            INFO("beta = " << beta << ": forward " << e.describe() << "; derivative " << d.describe());
            CHECK(e.max <= 4);
            CHECK(d.max <= 8);
        }
        const xact::silu s;
        for (T x : {T(-3), T(-0.5), T(0), T(2)}) {
            CHECK(same_bits(s(x), xact::swish(1.0)(x)));
            CHECK(same_bits(s.derivative(x), xact::swish(1.0).derivative(x)));
        }
        CHECK(s(-std::numeric_limits<T>::infinity()) == T(0));
        CHECK(s.derivative(-std::numeric_limits<T>::infinity()) == T(0));
        CHECK(s.derivative(std::numeric_limits<T>::infinity()) == T(1));
    }
    SECTION("the beta gradient matches a finite difference")
    {
        rc::prop("d beta", [] {
            const auto x = *rc::gen::container<std::vector<T>>(
                rc::gen::map(rc::gen::inRange(-5000, 5000), [](int i) { return T(i) / T(1000); }));
            const auto dy = *rc::gen::container<std::vector<T>>(
                x.size(), rc::gen::map(rc::gen::inRange(-1000, 1000), [](int i) { return T(i) / T(1000); }));
            const double beta = 1.3;
            std::vector<T> dx(x.size());
            T d_beta = T(-1);
            xact::backward(xact::swish(beta), x.data(), dy.data(), dx.data(), x.size(), d_beta);
            xact_ref::real want = 0, scale = 0;
            for (std::size_t i = 0; i < x.size(); ++i) {
                const xact_ref::real h = 1e-6L;
                want += dy[i] * (xact_ref::swish(x[i], beta + h) - xact_ref::swish(x[i], beta - h)) / (2 * h);
                scale += std::fabs(dy[i]) * (1 + x[i] * x[i]);
            }
            RC_ASSERT(std::fabs(d_beta - want) <= 1e-4L * (1 + scale));
        });
    }
}
