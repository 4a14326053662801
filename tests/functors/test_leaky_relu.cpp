#include "support/elementwise_suite.hpp"

using namespace xact_test;

TEMPLATE_TEST_CASE("leaky_relu", "[leaky_relu]", float, double)
{
    using T = TestType;
    // The reference uses alpha rounded to T, as the functor documents: then the forward is
    // correctly rounded and the derivative exact.
    const xact_ref::real a = T(0.01);
    run_elementwise_suite<T>(elementwise_spec<xact::leaky_relu>{{}, [a](xact_ref::real x){ return xact_ref::leaky_relu(x, a); }, [a](xact_ref::real x){ return xact_ref::leaky_relu_prime(x, a); }, 0.5, 0, 1});

    SECTION("parameters")
    {
        for (double alpha : {0.0, 0.2, 0.3, 1.5}) {
            const xact::leaky_relu f(alpha);
            const xact_ref::real a = T(alpha);
            const auto ref = [a](xact_ref::real x) { return xact_ref::leaky_relu(x, a); };
            const auto xs = sweep_inputs<T>();
            const auto e = measure<T>(xs, [&](const T* x, T* y, std::size_t n) { xact::forward(f, x, y, n); }, ref,
                                      [](T got, xact_ref::real want) { return ulp_error(got, want); });
            INFO("alpha = " << alpha << ": " << e.describe());
            CHECK(e.max <= 0.5);
            CHECK(f.derivative(T(0)) == T(alpha)); // the x <= 0 branch at the kink
            CHECK(f(-std::numeric_limits<T>::infinity()) == (alpha == 0 ? T(0) : -std::numeric_limits<T>::infinity()));
        }
    }
    SECTION("the forward is x for x > 0 and alpha x otherwise, bit for bit, for any alpha")
    {
        // alpha = 0 takes its own branch (mul0), other alphas the plain product: both must give
        // exactly the definition, signed zeros and NaN included.
        auto xs = sweep_inputs<T>();
        for (T v : {T(0), T(-0.0), std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity(),
                    std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::denorm_min(),
                    -std::numeric_limits<T>::denorm_min(), std::numeric_limits<T>::max(),
                    std::numeric_limits<T>::lowest()})
            xs.push_back(v);
        for (double alpha : {0.0, -0.0, 0.01, 0.5, 1.0, 1.5, -0.5}) {
            const xact::leaky_relu f(alpha);
            const T a = T(alpha);
            std::vector<T> y(xs.size());
            xact::forward(f, xs.data(), y.data(), xs.size());
            std::size_t wrong = 0;
            for (std::size_t i = 0; i < xs.size(); ++i) {
                const T x = xs[i];
                // alpha = 0: 0 with the product's sign at x = -inf, not NaN
                const T want = x > 0 ? x : (a == 0 && std::isinf(x) ? std::copysign(T(0), x) * std::copysign(T(1), a) : x * a);
                const bool ok = std::isnan(x) ? std::isnan(y[i]) : same_bits(y[i], want);
                if (!ok && ++wrong <= 5)
                    UNSCOPED_INFO("alpha = " << alpha << ", x = " << x << ": " << y[i] << ", want " << want);
            }
            CHECK(wrong == 0);
        }
    }
    SECTION("backward_from_output needs alpha > 0")
    {
        std::vector<T> y{T(1)}, dy{T(1)}, dx{T(7)};
        CHECK_THROWS_WITH(xact::backward_from_output(xact::leaky_relu(0.0), y.data(), dy.data(), dx.data(), 1),
                          Catch::Contains("alpha > 0"));
        CHECK(dx[0] == T(7));
    }
}
