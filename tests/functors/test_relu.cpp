// relu, and the example of a functor test: the generic checks through run_elementwise_suite
// (tests/support/elementwise_suite.hpp), then each harness tool used by hand:
//   known values                  plain CHECKs
//   lanes                         check_lanes / check_lanes2 (every length and alignment, bit
//                                 for bit against the scalar functor, nothing else written)
//   accuracy                      float_sweep / double_samples against xact_ref with
//                                 ulp_error and error_stats (relu is exact: 0 ULP)
//   properties                    RapidCheck with the generators of support/generators.hpp
//   special values                special_values<T>() and same_bits
//   Eigen forms                   Array, row-major Matrix, strided Map, Block, in place, fixed
//                                 size, expressions
//   errors                        every bad argument throws std::invalid_argument naming the
//                                 function and the shapes, with the output untouched
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "support/elementwise_suite.hpp"
#include "support/generators.hpp"

using namespace xact_test;

namespace {

// The exact result: relu and relu' are representable in T, so the reference rounds exactly.
template <class T>
T exact_relu(T x)
{
    return static_cast<T>(xact_ref::relu(x));
}

template <class T>
T exact_relu_prime(T x)
{
    return static_cast<T>(xact_ref::relu_prime(x));
}

// Every element of a (any Eigen dense object) equals f(element of x), bit for bit.
template <class A, class X, class F>
bool all_same_bits(const A& a, const X& x, F f)
{
    if (a.rows() != x.rows() || a.cols() != x.cols())
        return false;
    for (Eigen::Index c = 0; c < a.cols(); ++c)
        for (Eigen::Index r = 0; r < a.rows(); ++r)
            if (!same_bits(a(r, c), f(x(r, c))))
                return false;
    return true;
}

template <class A>
void fill_sentinel(A& a)
{
    using T = typename A::Scalar;
    for (Eigen::Index c = 0; c < a.cols(); ++c)
        for (Eigen::Index r = 0; r < a.rows(); ++r)
            a(r, c) = sentinel<T>();
}

template <class A>
bool untouched(const A& a)
{
    using T = typename A::Scalar;
    for (Eigen::Index c = 0; c < a.cols(); ++c)
        for (Eigen::Index r = 0; r < a.rows(); ++r)
            if (!identical_bits(a(r, c), sentinel<T>()))
                return false;
    return true;
}

// call() must throw std::invalid_argument whose message contains every one of parts.
template <class Call>
void expect_invalid_argument(Call call, const std::vector<std::string>& parts)
{
    try {
        call();
        FAIL_CHECK("no exception thrown; expected std::invalid_argument mentioning " << parts.front());
    } catch (const std::invalid_argument& e) {
        const std::string message = e.what();
        for (const auto& p : parts) {
            INFO("message: " << message);
            CHECK(message.find(p) != std::string::npos);
        }
    }
}

} // namespace

TEMPLATE_TEST_CASE("relu", "[relu]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::relu>{
        {}, [](xact_ref::real x) { return xact_ref::relu(x); }, [](xact_ref::real x) { return xact_ref::relu_prime(x); },
        0, 0, xact_ref::relu_max_prime});

    SECTION("known values and special cases")
    {
        const xact::relu f;
        CHECK(f(T(3)) == T(3));
        CHECK(f(T(-3)) == T(0));
        CHECK(f(T(0.25)) == T(0.25));
        CHECK(same_bits(f(-T(0)), T(0))); // +0, not -0
        CHECK(same_bits(f(std::numeric_limits<T>::denorm_min()), std::numeric_limits<T>::denorm_min()));
        CHECK(f.derivative(T(0)) == T(0)); // the x <= 0 branch at the kink, as PyTorch
        CHECK(f.derivative(-T(0)) == T(0));
        CHECK(f.derivative(std::numeric_limits<T>::denorm_min()) == T(1));
        CHECK(f.derivative(T(-2)) == T(0));
        CHECK(std::isnan(f(std::numeric_limits<T>::quiet_NaN())));
        CHECK(std::isnan(f.derivative(std::numeric_limits<T>::quiet_NaN())));
        CHECK(f.derivative_from_output(T(0)) == T(0));
        CHECK(f.derivative_from_output(T(2)) == T(1));
        CHECK(std::string(xact::relu::name) == "relu");
    }

    SECTION("monotone and non-negative")
    {
        rc::prop("relu", [](T a, T b) {
            RC_PRE(!std::isnan(a) && !std::isnan(b));
            const xact::relu f;
            RC_ASSERT(f(a) >= T(0));
            if (a <= b)
                RC_ASSERT(f(a) <= f(b));
        });
    }
}

TEMPLATE_TEST_CASE("relu: every lane of backward and backward_from_output", "[relu]", float, double)
{
    using T = TestType;
    const xact::relu f;
    // dx = dy * f'(x) with an independent dy (the suite uses dy = x).
    check_lanes2<T>([&](const T* x, const T* dy, T* dx, std::size_t n) { xact::backward(f, x, dy, dx, n); },
                    [&](T x, T dy) { return dy * f.derivative(x); });
    check_lanes2<T>([&](const T* y, const T* dy, T* dx, std::size_t n) { xact::backward_from_output(f, y, dy, dx, n); },
                    [&](T y, T dy) { return dy * f.derivative_from_output(y); });
}

TEMPLATE_TEST_CASE("relu: exact over the sweep", "[relu]", float, double)
{
    using T = TestType;
    const xact::relu f;
    const auto xs = sweep_inputs<T>();
    std::vector<T> y(xs.size()), d(xs.size());
    xact::forward(f, xs.data(), y.data(), xs.size());
    xact::derivative(f, xs.data(), d.data(), xs.size());
    error_stats fwd, der, scalar;
    std::size_t wrong_bits = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        fwd.add_ulp(xs[i], y[i], xact_ref::relu(xs[i]));
        der.add_ulp(xs[i], d[i], xact_ref::relu_prime(xs[i]));
        scalar.add_ulp(xs[i], f(xs[i]), xact_ref::relu(xs[i]));
        wrong_bits += !same_bits(y[i], exact_relu(xs[i])) || !same_bits(d[i], exact_relu_prime(xs[i]));
    }
    INFO("forward: " << fwd.describe() << "\nderivative: " << der.describe() << "\nscalar: " << scalar.describe());
    CHECK(fwd.max == 0);
    CHECK(der.max == 0);
    CHECK(scalar.max == 0);
    CHECK(wrong_bits == 0); // also the sign of zero: relu(-x) is +0
}

TEMPLATE_TEST_CASE("relu: properties", "[relu]", float, double)
{
    using T = TestType;
    rc::prop("backward is dy * f'(x), bit for bit, whatever x and dy", [] {
        const auto x = *rc::gen::container<std::vector<T>>(gen::value<T>());
        const auto dy = *rc::gen::container<std::vector<T>>(x.size(), gen::value<T>());
        std::vector<T> dx(x.size());
        xact::backward(xact::relu{}, x.data(), dy.data(), dx.data(), x.size());
        for (std::size_t i = 0; i < x.size(); ++i)
            RC_ASSERT(same_bits(dx[i], T(dy[i] * xact::relu{}.derivative(x[i]))));
    });
    rc::prop("backward_from_output(relu(x)) equals backward(x), bit for bit", [] {
        const auto x = *rc::gen::container<std::vector<T>>(gen::value<T>());
        const auto dy = *rc::gen::container<std::vector<T>>(x.size(), gen::value<T>());
        std::vector<T> y(x.size()), a(x.size()), b(x.size());
        xact::forward(xact::relu{}, x.data(), y.data(), x.size());
        xact::backward(xact::relu{}, x.data(), dy.data(), a.data(), x.size());
        xact::backward_from_output(xact::relu{}, y.data(), dy.data(), b.data(), x.size());
        for (std::size_t i = 0; i < x.size(); ++i)
            RC_ASSERT(same_bits(a[i], b[i]));
    });
    rc::prop("the derivative is the central difference of the reference away from the kink", [] {
        const T x = *gen::ordered<T>(T(-1e6), T(1e6));
        const xact_ref::real h = std::max(std::fabs(xact_ref::real(x)) * 1e-6L, 1e-30L);
        RC_PRE(std::fabs(xact_ref::real(x)) > 2 * h);
        const xact_ref::real cd = central_difference([](xact_ref::real v) { return xact_ref::relu(v); }, x, h);
        RC_ASSERT(std::fabs(xact_ref::real(xact::relu{}.derivative(x)) - cd) <= 1e-12L);
    });
    rc::prop("relu(x) = max(x, 0) and relu(x) - relu(-x) = x", [] {
        const T x = *gen::value<T>();
        RC_PRE(!std::isnan(x));
        const xact::relu f;
        RC_ASSERT(f(x) == std::max(x, T(0)));
        if (std::isfinite(x))
            RC_ASSERT(f(x) - f(-x) == x);
    });
}

TEMPLATE_TEST_CASE("relu: special values", "[relu]", float, double)
{
    using T = TestType;
    const T inf = std::numeric_limits<T>::infinity();
    const xact::relu f;
    CHECK(std::isnan(f(std::numeric_limits<T>::quiet_NaN())));
    CHECK(std::isnan(f(-std::numeric_limits<T>::quiet_NaN())));
    CHECK(same_bits(f(-inf), T(0)));
    CHECK(f(inf) == inf);
    CHECK(f.derivative(-inf) == T(0));
    CHECK(f.derivative(inf) == T(1));
    CHECK(std::isnan(f.derivative_from_output(std::numeric_limits<T>::quiet_NaN())));
    // the array path agrees with the exact values for every special value, at every position
    const auto specials = special_values<T>();
    for (std::size_t shift = 0; shift < lanes<T>; ++shift) {
        std::vector<T> x(shift, T(1));
        x.insert(x.end(), specials.begin(), specials.end());
        std::vector<T> y(x.size()), d(x.size());
        xact::forward(f, x.data(), y.data(), x.size());
        xact::derivative(f, x.data(), d.data(), x.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            INFO("x = " << x[i] << " at position " << i);
            CHECK(same_bits(y[i], exact_relu(x[i])));
            CHECK(same_bits(d[i], exact_relu_prime(x[i])));
        }
    }
}

TEST_CASE("relu: Eigen forms", "[relu][eigen]")
{
    const xact::relu f;
    const auto rf = [](float v) { return exact_relu(v); };
    const auto rd = [](double v) { return exact_relu(v); };
    const auto rdp = [](double v) { return exact_relu_prime(v); };

    SECTION("ArrayXf: returned and into an output")
    {
        const Eigen::ArrayXf x = Eigen::ArrayXf::LinSpaced(37, -9.f, 9.f);
        const auto y = xact::forward(f, x);
        static_assert(std::is_same_v<std::decay_t<decltype(y)>, Eigen::ArrayXf>);
        CHECK(all_same_bits(y, x, rf));
        Eigen::ArrayXf out(37);
        xact::forward(f, x, out);
        CHECK(all_same_bits(out, x, rf));
        const auto d = xact::derivative(f, x);
        CHECK(all_same_bits(d, x, [](float v) { return exact_relu_prime(v); }));
    }

    SECTION("row-major MatrixXd, with backward and backward_from_output")
    {
        using M = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        const M x = M::Random(5, 7) * 3;
        const M dy = M::Random(5, 7);
        const M y = xact::forward(f, x);
        CHECK(all_same_bits(y, x, rd));
        M dx(5, 7), dx2(5, 7);
        xact::backward(f, x, dy, dx);
        xact::backward_from_output(f, y, dy, dx2);
        for (Eigen::Index r = 0; r < 5; ++r)
            for (Eigen::Index c = 0; c < 7; ++c) {
                CHECK(same_bits(dx(r, c), dy(r, c) * rdp(x(r, c))));
                CHECK(same_bits(dx2(r, c), dx(r, c)));
            }
    }

    SECTION("Map with an inner stride of 2, input and output")
    {
        std::vector<float> buffer(2 * 23);
        for (std::size_t i = 0; i < buffer.size(); ++i)
            buffer[i] = float(i) - 20.5f;
        const std::vector<float> original = buffer;
        using Strided = Eigen::Map<Eigen::ArrayXf, 0, Eigen::InnerStride<2>>;
        Strided x(buffer.data(), 23); // the even elements
        Eigen::ArrayXf y(23);
        xact::forward(f, x, y);
        CHECK(all_same_bits(y, x, rf));
        // output through a strided map: the odd elements are left alone
        Strided odd(buffer.data() + 1, 23);
        xact::forward(f, Eigen::ArrayXf(x), odd);
        for (std::size_t i = 0; i < buffer.size(); ++i) {
            INFO("element " << i);
            CHECK(same_bits(buffer[i], i % 2 ? exact_relu(original[i - 1]) : original[i]));
        }
    }

    SECTION("Block of a larger matrix, in and out; the rest untouched")
    {
        Eigen::MatrixXd m = Eigen::MatrixXd::Random(9, 8) * 4;
        const Eigen::MatrixXd before = m;
        xact::forward(f, m.block(2, 1, 5, 4), m.block(2, 1, 5, 4)); // in place, strided
        for (Eigen::Index r = 0; r < 9; ++r)
            for (Eigen::Index c = 0; c < 8; ++c) {
                const bool inside = r >= 2 && r < 7 && c >= 1 && c < 5;
                CHECK(same_bits(m(r, c), inside ? rd(before(r, c)) : before(r, c)));
            }
        Eigen::MatrixXd out(5, 4);
        xact::forward(f, before.block(2, 1, 5, 4), out);
        CHECK(all_same_bits(out, before.block(2, 1, 5, 4), rd));
    }

    SECTION("in place on a whole array")
    {
        Eigen::ArrayXd x = Eigen::ArrayXd::LinSpaced(101, -50, 50);
        const Eigen::ArrayXd before = x;
        xact::forward(f, x, x);
        CHECK(all_same_bits(x, before, rd));
        Eigen::ArrayXd dy = Eigen::ArrayXd::Constant(101, 2.0);
        xact::backward(f, before, dy, dy); // dx aliases dy
        CHECK(all_same_bits(dy, before, [&](double v) { return 2.0 * rdp(v); }));
    }

    SECTION("fixed size Array4f and Matrix3d")
    {
        const Eigen::Array4f x(-1.5f, 0.f, 2.5f, -0.f);
        const Eigen::Array4f y = xact::forward(f, x);
        static_assert(std::is_same_v<std::decay_t<decltype(xact::forward(f, x))>, Eigen::Array4f>);
        CHECK(all_same_bits(y, x, rf));
        const Eigen::Matrix3d m = Eigen::Matrix3d::Random();
        Eigen::Matrix3d out;
        xact::forward(f, m, out);
        CHECK(all_same_bits(out, m, rd));
    }

    SECTION("expressions as inputs, evaluated once")
    {
        const Eigen::ArrayXf x = Eigen::ArrayXf::LinSpaced(19, -4.f, 5.f);
        const auto y = xact::forward(f, x * 2.0f);
        static_assert(std::is_same_v<std::decay_t<decltype(y)>, Eigen::ArrayXf>);
        const Eigen::ArrayXf x2 = x * 2.0f;
        CHECK(all_same_bits(y, x2, rf));
        const Eigen::MatrixXd a = Eigen::MatrixXd::Random(4, 6);
        Eigen::MatrixXd out(6, 4);
        xact::forward(f, a.transpose() - Eigen::MatrixXd::Constant(6, 4, 0.25), out);
        const Eigen::MatrixXd e = a.transpose() - Eigen::MatrixXd::Constant(6, 4, 0.25);
        CHECK(all_same_bits(out, e, rd));
        Eigen::ArrayXf dx(19);
        xact::backward(f, x * 2.0f, Eigen::ArrayXf::Constant(19, 3.f), dx);
        CHECK(all_same_bits(dx, x2, [](float v) { return 3.f * exact_relu_prime(v); }));
    }
}

TEST_CASE("relu: errors", "[relu][errors]")
{
    const xact::relu f;

    SECTION("Eigen: an output of the wrong shape")
    {
        const Eigen::MatrixXd x = Eigen::MatrixXd::Random(3, 4);
        Eigen::MatrixXd y(4, 3), d(4, 3), dx(4, 3);
        fill_sentinel(y);
        fill_sentinel(d);
        fill_sentinel(dx);
        expect_invalid_argument([&] { xact::forward(f, x, y); }, {"forward", "relu", "4x3", "3x4"});
        expect_invalid_argument([&] { xact::derivative(f, x, d); }, {"derivative", "relu", "4x3", "3x4"});
        expect_invalid_argument([&] { xact::backward(f, x, x, dx); }, {"backward", "relu", "4x3", "3x4"});
        expect_invalid_argument([&] { xact::backward_from_output(f, x, x, dx); },
                                {"backward_from_output", "relu", "4x3", "3x4"});
        CHECK(untouched(y));
        CHECK(untouched(d));
        CHECK(untouched(dx));
        // dy of the wrong shape, dx right
        Eigen::MatrixXd good(3, 4);
        fill_sentinel(good);
        const Eigen::MatrixXd bad_dy = Eigen::MatrixXd::Random(2, 6);
        expect_invalid_argument([&] { xact::backward(f, x, bad_dy, good); }, {"backward", "relu", "2x6", "3x4"});
        expect_invalid_argument([&] { xact::backward_from_output(f, x, bad_dy, good); },
                                {"backward_from_output", "relu", "2x6", "3x4"});
        CHECK(untouched(good));
        // a fixed-size output of the wrong size
        Eigen::Array4f y4;
        fill_sentinel(y4);
        expect_invalid_argument([&] { xact::forward(f, Eigen::ArrayXf::Zero(5), y4); }, {"forward", "relu", "4x1", "5x1"});
        CHECK(untouched(y4));
    }

    SECTION("pointers: null with n > 0")
    {
        std::vector<float> x(8, 1.f), y(8), dy(8, 1.f);
        for (auto& v : y)
            v = sentinel<float>();
        const auto y0 = y;
        const float* no_input = nullptr;
        float* no_output = nullptr;
        expect_invalid_argument([&] { xact::forward(f, no_input, y.data(), 8); }, {"forward", "relu", "x", "null"});
        expect_invalid_argument([&] { xact::forward(f, x.data(), no_output, 8); }, {"forward", "relu", "y", "null"});
        expect_invalid_argument([&] { xact::derivative(f, no_input, y.data(), 8); }, {"derivative", "relu", "null"});
        expect_invalid_argument([&] { xact::backward(f, x.data(), no_input, y.data(), 8); }, {"backward", "relu", "dy", "null"});
        expect_invalid_argument([&] { xact::backward(f, no_input, dy.data(), y.data(), 8); }, {"backward", "relu", "x", "null"});
        expect_invalid_argument([&] { xact::backward_from_output(f, x.data(), dy.data(), no_output, 8); },
                                {"backward_from_output", "relu", "dx", "null"});
        for (std::size_t i = 0; i < y.size(); ++i)
            CHECK(identical_bits(y[i], y0[i]));
        // n = 0 with null pointers is an empty call, not an error
        CHECK_NOTHROW(xact::forward(f, no_input, no_output, 0));
        CHECK_NOTHROW(xact::backward(f, no_input, no_input, no_output, 0));
    }

    SECTION("pointers: partial overlap")
    {
        std::vector<double> buffer(40);
        for (std::size_t i = 0; i < buffer.size(); ++i)
            buffer[i] = double(i) - 20;
        const auto before = buffer;
        double* p = buffer.data();
        expect_invalid_argument([&] { xact::forward(f, p, p + 1, 16); }, {"forward", "relu", "overlap"});
        expect_invalid_argument([&] { xact::forward(f, p + 5, p, 16); }, {"forward", "relu", "overlap"});
        expect_invalid_argument([&] { xact::derivative(f, p, p + 15, 16); }, {"derivative", "relu", "overlap"});
        expect_invalid_argument([&] { xact::backward(f, p, p + 20, p + 3, 16); }, {"backward", "relu", "overlap"});
        expect_invalid_argument([&] { xact::backward(f, p + 20, p, p + 3, 16); }, {"backward", "relu", "overlap"});
        expect_invalid_argument([&] { xact::backward_from_output(f, p, p + 20, p + 22, 16); },
                                {"backward_from_output", "relu", "overlap"});
        for (std::size_t i = 0; i < buffer.size(); ++i)
            CHECK(identical_bits(buffer[i], before[i]));
        // exact aliasing is in place, and adjacent (touching, not overlapping) ranges are fine
        CHECK_NOTHROW(xact::forward(f, p, p, 16));
        CHECK_NOTHROW(xact::forward(f, p, p + 16, 16));
        CHECK_NOTHROW(xact::backward(f, p, p + 16, p + 16, 16));
    }

    SECTION("Eigen: partial overlap through Maps")
    {
        Eigen::ArrayXf storage = Eigen::ArrayXf::LinSpaced(30, -3.f, 3.f);
        const Eigen::ArrayXf before = storage;
        Eigen::Map<Eigen::ArrayXf> a(storage.data(), 20), b(storage.data() + 7, 20);
        expect_invalid_argument([&] { xact::forward(f, a, b); }, {"forward", "relu", "overlap"});
        // a strided output interleaved with a contiguous input overlaps it too
        Eigen::Map<Eigen::ArrayXf, 0, Eigen::InnerStride<2>> evens(storage.data(), 10);
        Eigen::Map<const Eigen::ArrayXf> head(storage.data() + 1, 10);
        expect_invalid_argument([&] { xact::forward(f, head, evens); }, {"forward", "relu", "overlap"});
        CHECK(all_same_bits(storage, before, [](float v) { return v; }));
    }
}
