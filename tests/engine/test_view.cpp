// The checks at the entry points (engine/view.hpp): shapes, null pointers and partial overlap
// are reported with the function and both shapes, before any output is written.
#include <Eigen/Core>

#include "support/harness.hpp"

#include <xact/xact.hpp>

using namespace xact_test;

TEMPLATE_TEST_CASE("bad arguments throw and leave outputs untouched", "[errors]", float, double)
{
    using T = TestType;
    using A = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
    const T sentinel = T(7.25);
    const A x = A::Random(4, 3);

    SECTION("shape mismatch names the function and both shapes")
    {
        A y = A::Constant(3, 4, sentinel);
        CHECK_THROWS_AS(xact::forward(xact::gelu{}, x, y), std::invalid_argument);
        CHECK_THROWS_WITH(xact::forward(xact::gelu{}, x, y),
                          Catch::Contains("xact::forward(gelu)") && Catch::Contains("3x4") && Catch::Contains("4x3"));
        CHECK((y == sentinel).all());
        A dx = A::Constant(4, 3, sentinel);
        const A dy = A::Random(4, 2);
        CHECK_THROWS_WITH(xact::backward(xact::tanh{}, x, dy, dx),
                          Catch::Contains("xact::backward(tanh)") && Catch::Contains("dy has shape 4x2"));
        CHECK((dx == sentinel).all());
        CHECK_THROWS_WITH(xact::derivative(xact::sigmoid{}, x, y), Catch::Contains("xact::derivative(sigmoid)"));
        CHECK((y == sentinel).all());
        CHECK_THROWS_WITH(xact::backward_from_output(xact::softmax{}, x, dy, dx),
                          Catch::Contains("backward_from_output(softmax)"));
        CHECK((dx == sentinel).all());
        T d_alpha = sentinel;
        CHECK_THROWS(xact::backward(xact::elu{}, x, dy, dx, d_alpha));
        CHECK(d_alpha == sentinel);
        CHECK((dx == sentinel).all());
    }

    SECTION("null pointers with n > 0; n = 0 is fine")
    {
        std::vector<T> y(4, sentinel);
        CHECK_THROWS_WITH(xact::forward(xact::relu{}, static_cast<const T*>(nullptr), y.data(), 4),
                          Catch::Contains("x is a null pointer"));
        CHECK(std::all_of(y.begin(), y.end(), [&](T v) { return v == sentinel; }));
        CHECK_THROWS_WITH(xact::forward(xact::relu{}, y.data(), static_cast<T*>(nullptr), 4),
                          Catch::Contains("y is a null pointer"));
        CHECK_NOTHROW(xact::forward(xact::relu{}, static_cast<const T*>(nullptr), static_cast<T*>(nullptr), 0));
        CHECK_THROWS_WITH(xact::backward(xact::gelu{}, y.data(), static_cast<const T*>(nullptr), y.data(), 4),
                          Catch::Contains("dy is a null pointer"));
        CHECK(std::all_of(y.begin(), y.end(), [&](T v) { return v == sentinel; }));
    }

    SECTION("partial overlap is refused; exact aliasing is allowed")
    {
        std::vector<T> buf(20, T(1));
        const std::vector<T> before = buf;
        CHECK_THROWS_WITH(xact::forward(xact::gelu{}, buf.data(), buf.data() + 1, 10),
                          Catch::Contains("partially overlaps"));
        CHECK(buf == before);
        CHECK_THROWS_WITH(xact::backward(xact::gelu{}, buf.data(), buf.data() + 10, buf.data() + 5, 10),
                          Catch::Contains("partially overlaps"));
        CHECK(buf == before);
        CHECK_NOTHROW(xact::forward(xact::gelu{}, buf.data(), buf.data(), 10));
        // Eigen: a block shifted by one row overlaps its source
        A a = A::Random(6, 6);
        const A saved = a;
        CHECK_THROWS_WITH(xact::forward(xact::relu{}, a.block(0, 0, 5, 5), a.block(1, 0, 5, 5)),
                          Catch::Contains("partially overlaps"));
        CHECK((a == saved).all());
        // disjoint blocks of one array are fine
        CHECK_NOTHROW(xact::forward(xact::relu{}, a.block(0, 0, 3, 6), a.block(3, 0, 3, 6)));
    }
}

#if defined(XACT_NO_EXCEPTIONS)
#error "this test needs exceptions"
#endif
