// prelu (functors/prelu.hpp): one alpha or one per channel (row), its gradient, and the
// checks on alpha's length.
#include <Eigen/Core>

#include "support/harness.hpp"

#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <xact/xact.hpp>

using namespace xact_test;

TEMPLATE_TEST_CASE("prelu", "[prelu]", float, double)
{
    using T = TestType;
    using A = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
    const std::vector<double> alphas{0.1, 0.2, 0.3};
    const xact::prelu f(alphas);
    A x = A::Random(3, 37) * T(4);
    x(1, 5) = std::numeric_limits<T>::quiet_NaN();
    x(2, 6) = -std::numeric_limits<T>::infinity();

    SECTION("one alpha per row: each row is leaky_relu with that alpha, bit for bit")
    {
        const A y = xact::forward(f, x), d = xact::derivative(f, x);
        for (Eigen::Index r = 0; r < x.rows(); ++r) {
            const xact::leaky_relu g(alphas[static_cast<std::size_t>(r)]);
            for (Eigen::Index c = 0; c < x.cols(); ++c) {
                CHECK(same_bits(y(r, c), g(x(r, c))));
                CHECK(same_bits(d(r, c), g.derivative(x(r, c))));
                CHECK(ulp_error(y(r, c), xact_ref::leaky_relu(x(r, c), alphas[static_cast<std::size_t>(r)])) <= 1);
            }
        }
        // the pointer form: column-major channels x samples
        std::vector<T> yp(static_cast<std::size_t>(x.size()));
        xact::forward(f, x.data(), yp.data(), yp.size());
        CHECK(std::equal(yp.begin(), yp.end(), y.data(), [](T a, T b) { return same_bits(a, b); }));
    }

    SECTION("one alpha for everything")
    {
        const A y = xact::forward(xact::prelu(0.25), x);
        for (Eigen::Index i = 0; i < x.size(); ++i)
            CHECK(same_bits(y(i), xact::leaky_relu(0.25)(x(i))));
    }

    SECTION("the alpha gradient is the per-channel sum of dy * min(x, 0)")
    {
        A xs = A::Random(3, 50) * T(3);
        const A dy = A::Random(3, 50);
        A dx(3, 50);
        Eigen::Matrix<T, Eigen::Dynamic, 1> d_alpha(3);
        xact::backward(f, xs, dy, dx, d_alpha);
        for (Eigen::Index r = 0; r < 3; ++r) {
            xact_ref::real want = 0;
            for (Eigen::Index c = 0; c < xs.cols(); ++c) {
                want += static_cast<xact_ref::real>(dy(r, c)) * xact_ref::leaky_relu_dalpha(xs(r, c));
                CHECK(same_bits(dx(r, c), T(dy(r, c) * f.channel(static_cast<std::size_t>(r)).derivative(xs(r, c)))));
            }
            CHECK(d_alpha(r) == Approx(static_cast<double>(want)).epsilon(1e-5).margin(1e-5));
        }
        std::vector<T> dxp(static_cast<std::size_t>(xs.size())), dap(3);
        xact::backward(f, xs.data(), dy.data(), dxp.data(), dxp.size(), dap.data());
        for (Eigen::Index r = 0; r < 3; ++r)
            CHECK(dap[static_cast<std::size_t>(r)] == d_alpha(r));
    }

    SECTION("backward from the output equals backward from x (alpha > 0)")
    {
        const A xs = A::Random(3, 20);
        const A dy = A::Random(3, 20);
        A a(3, 20), b(3, 20);
        xact::backward(f, xs, dy, a);
        xact::backward_from_output(f, xact::forward(f, xs), dy, b);
        CHECK((a == b).all());
    }

    SECTION("alpha of the wrong length, and outputs left untouched")
    {
        A y = A::Constant(3, 37, T(7));
        CHECK_THROWS_WITH(xact::forward(xact::prelu({0.1, 0.2}), x, y),
                          Catch::Contains("prelu") && Catch::Contains("alpha has 2 entries") &&
                              Catch::Contains("3x37"));
        CHECK((y == T(7)).all());
        std::vector<T> p(10), q(10, T(7));
        CHECK_THROWS_WITH(xact::forward(f, p.data(), q.data(), 10), Catch::Contains("multiple of the 3 channels"));
        CHECK(std::all_of(q.begin(), q.end(), [](T v) { return v == T(7); }));
        Eigen::Matrix<T, Eigen::Dynamic, 1> d_alpha = Eigen::Matrix<T, Eigen::Dynamic, 1>::Constant(2, T(7));
        A dx = A::Constant(3, 37, T(7));
        CHECK_THROWS_WITH(xact::backward(f, x, x, dx, d_alpha), Catch::Contains("d_alpha has 2 entries"));
        CHECK((dx == T(7)).all());
        CHECK((d_alpha.array() == T(7)).all());
        CHECK_THROWS_WITH(xact::backward_from_output(xact::prelu({0.1, -0.2, 0.3}), x, x, dx),
                          Catch::Contains("alpha > 0"));
        CHECK((dx == T(7)).all());
    }
}
