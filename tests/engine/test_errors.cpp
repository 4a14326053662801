// Every public error path (DESIGN.md, Errors): wrong shapes for each operation, prelu's alpha of
// the wrong length (Eigen) or n not a multiple of its channels (pointers), null pointers with
// n > 0, partial overlap, a d_alpha of the wrong size, backward_from_output with alpha <= 0.
// Each must throw std::invalid_argument naming the operation, the function and the shapes or
// sizes, and leave every output (y, d, dx, d_param) bit for bit as it was: outputs are filled
// with a NaN whose payload no computation produces first. test_view.cpp and the functor tests
// hold single examples; this file walks every operation and form, float and double.
#include <algorithm>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "support/harness.hpp"

#include <xact/xact.hpp>

using namespace xact_test;

namespace {

template <class T>
using array_xx = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;

template <class D>
void fill_sentinel(D&& a)
{
    using T = typename std::decay_t<D>::Scalar;
    for (Eigen::Index c = 0; c < a.cols(); ++c)
        for (Eigen::Index r = 0; r < a.rows(); ++r)
            a(r, c) = sentinel<T>();
}

template <class D>
bool untouched(const D& a)
{
    using T = typename D::Scalar;
    for (Eigen::Index c = 0; c < a.cols(); ++c)
        for (Eigen::Index r = 0; r < a.rows(); ++r)
            if (!identical_bits(a(r, c), sentinel<T>()))
                return false;
    return true;
}

template <class T>
bool untouched(const std::vector<T>& v)
{
    return std::all_of(v.begin(), v.end(), [](T x) { return identical_bits(x, sentinel<T>()); });
}

template <class T>
bool same_buffer(const std::vector<T>& a, const std::vector<T>& b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](T x, T y) { return identical_bits(x, y); });
}

// call() throws std::invalid_argument whose message contains every one of parts.
template <class Call>
void expect_invalid(Call&& call, const std::vector<std::string>& parts)
{
    bool threw = false;
    try {
        call();
    } catch (const std::invalid_argument& e) {
        threw = true;
        const std::string message = e.what();
        INFO("message: " << message);
        for (const auto& p : parts) {
            INFO("expected to contain: " << p);
            CHECK(message.find(p) != std::string::npos);
        }
    } catch (const std::exception& e) {
        FAIL_CHECK("threw something other than std::invalid_argument: " << e.what());
        threw = true;
    }
    if (!threw)
        FAIL_CHECK("no exception; expected std::invalid_argument mentioning \"" << parts.front() << "\"");
}

std::string site(const char* op, const char* fn)
{
    return std::string("xact::") + op + "(" + fn + ")";
}

template <class F, class = void>
struct has_from_output : std::false_type {};
template <class F>
struct has_from_output<F, std::void_t<decltype(std::declval<const F&>().derivative_from_output(0.0f))>>
    : std::true_type {};

template <class F>
inline constexpr bool has_scalar_parameter_v = std::is_same_v<F, xact::elu> || std::is_same_v<F, xact::swish>;

// Calls fn(functor) for every element-wise functor (prelu with one alpha: it is element-wise
// then; its per-channel errors have their own section).
template <class Fn>
void for_each_elementwise(Fn&& fn)
{
    fn(xact::relu{});
    fn(xact::leaky_relu{0.1});
    fn(xact::prelu{0.25});
    fn(xact::elu{1.5});
    fn(xact::gelu{});
    fn(xact::gelu_tanh{});
    fn(xact::sigmoid{});
    fn(xact::tanh{});
    fn(xact::swish{1.3});
    fn(xact::silu{});
}

} // namespace

TEMPLATE_TEST_CASE("errors: element-wise operations with an output or dy of the wrong shape", "[errors]", float,
                   double)
{
    using T = TestType;
    using A = array_xx<T>;
    const A x = A::Random(4, 3);
    for_each_elementwise([&](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        const char* name = F::name;
        INFO("function " << name);
        A wrong(3, 4), right(4, 3);
        fill_sentinel(wrong);
        fill_sentinel(right);
        const A dy_wrong = A::Random(4, 2), dy = A::Random(4, 3);

        expect_invalid([&] { xact::forward(f, x, wrong); }, {site("forward", name), "y has shape 3x4", "expected 4x3"});
        expect_invalid([&] { xact::derivative(f, x, wrong); },
                       {site("derivative", name), "d has shape 3x4", "expected 4x3"});
        expect_invalid([&] { xact::backward(f, x, dy, wrong); },
                       {site("backward", name), "dx has shape 3x4", "expected 4x3"});
        expect_invalid([&] { xact::backward(f, x, dy_wrong, right); },
                       {site("backward", name), "dy has shape 4x2", "expected 4x3"});
        if constexpr (has_from_output<F>::value || std::is_same_v<F, xact::prelu>) {
            expect_invalid([&] { xact::backward_from_output(f, x, dy, wrong); },
                           {site("backward_from_output", name), "dx has shape 3x4", "expected 4x3 (y's shape)"});
            expect_invalid([&] { xact::backward_from_output(f, x, dy_wrong, right); },
                           {site("backward_from_output", name), "dy has shape 4x2", "expected 4x3"});
        }
        if constexpr (has_scalar_parameter_v<F>) {
            T d_param = sentinel<T>();
            double d_param_double = sentinel<double>();
            expect_invalid([&] { xact::backward(f, x, dy, wrong, d_param); },
                           {site("backward", name), "dx has shape 3x4", "expected 4x3"});
            expect_invalid([&] { xact::backward(f, x, dy_wrong, right, d_param_double); },
                           {site("backward", name), "dy has shape 4x2", "expected 4x3"});
            CHECK(identical_bits(d_param, sentinel<T>()));
            CHECK(identical_bits(d_param_double, sentinel<double>()));
        }
        if constexpr (std::is_same_v<F, xact::prelu>) {
            Eigen::Matrix<T, Eigen::Dynamic, 1> d_alpha(1);
            fill_sentinel(d_alpha);
            expect_invalid([&] { xact::backward(f, x, dy, wrong, d_alpha); },
                           {site("backward", name), "dx has shape 3x4", "expected 4x3"});
            expect_invalid([&] { xact::backward(f, x, dy_wrong, right, d_alpha); },
                           {site("backward", name), "dy has shape 4x2", "expected 4x3"});
            CHECK(untouched(d_alpha));
        }
        CHECK(untouched(wrong));
        CHECK(untouched(right));
    });
}

TEMPLATE_TEST_CASE("errors: wrong shapes across kinds of Eigen object", "[errors]", float, double)
{
    using T = TestType;
    const xact::gelu f;
    // a column and a row of the same length differ in shape
    const Eigen::Matrix<T, Eigen::Dynamic, 1> column = Eigen::Matrix<T, Eigen::Dynamic, 1>::Random(5);
    Eigen::Matrix<T, 1, Eigen::Dynamic> row(5);
    fill_sentinel(row);
    expect_invalid([&] { xact::forward(f, column, row); }, {site("forward", "gelu"), "1x5", "5x1"});
    CHECK(untouched(row));
    // a block of a bigger array, fixed-size, row-major and strided outputs of the wrong shape
    array_xx<T> big(6, 6);
    fill_sentinel(big);
    const array_xx<T> x = array_xx<T>::Random(3, 4);
    expect_invalid([&] { xact::derivative(f, x, big.block(1, 1, 4, 3)); }, {site("derivative", "gelu"), "4x3", "3x4"});
    CHECK(untouched(big));
    Eigen::Array<T, 3, 3> fixed;
    fill_sentinel(fixed);
    expect_invalid([&] { xact::backward(f, x, x, fixed); }, {site("backward", "gelu"), "3x3", "3x4"});
    CHECK(untouched(fixed));
    Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major(4, 3);
    fill_sentinel(row_major);
    expect_invalid([&] { xact::forward(f, x, row_major); }, {"4x3", "3x4"});
    CHECK(untouched(row_major));
    std::vector<T> storage(40);
    std::fill(storage.begin(), storage.end(), sentinel<T>());
    Eigen::Map<array_xx<T>, 0, Eigen::InnerStride<2>> strided(storage.data(), 3, 5);
    expect_invalid([&] { xact::forward(f, x, strided); }, {"3x5", "3x4"});
    CHECK(untouched(storage));
    // an expression input of one shape, an output of another
    array_xx<T> y(4, 3);
    fill_sentinel(y);
    expect_invalid([&] { xact::forward(f, x * T(2), y); }, {site("forward", "gelu"), "4x3", "3x4"});
    CHECK(untouched(y));
}

TEMPLATE_TEST_CASE("errors: softmax and log_softmax shapes, columnwise and rowwise", "[errors][softmax]", float, double)
{
    using T = TestType;
    using A = array_xx<T>;
    const A x = A::Random(5, 3), dy = A::Random(5, 3), dy_wrong = A::Random(3, 5);
    for (xact::options o : {xact::options::none, xact::rowwise, xact::masked_zero, xact::rowwise | xact::masked_zero}) {
        const auto check = [&](const auto& f) {
            const char* name = std::decay_t<decltype(f)>::name;
            INFO(name << ", options " << static_cast<unsigned>(o));
            A wrong(5, 4), right(5, 3);
            fill_sentinel(wrong);
            fill_sentinel(right);
            expect_invalid([&] { xact::forward(f, x, wrong); }, {site("forward", name), "y has shape 5x4", "expected 5x3"});
            expect_invalid([&] { xact::backward(f, x, dy, wrong); },
                           {site("backward", name), "dx has shape 5x4", "expected 5x3"});
            expect_invalid([&] { xact::backward(f, x, dy_wrong, right); },
                           {site("backward", name), "dy has shape 3x5", "expected 5x3"});
            expect_invalid([&] { xact::backward_from_output(f, x, dy, wrong); },
                           {site("backward_from_output", name), "dx has shape 5x4", "expected 5x3"});
            expect_invalid([&] { xact::backward_from_output(f, x, dy_wrong, right); },
                           {site("backward_from_output", name), "dy has shape 3x5", "expected 5x3"});
            // a 1-D output for a 2-D input of another shape
            Eigen::Matrix<T, Eigen::Dynamic, 1> flat(15);
            fill_sentinel(flat);
            expect_invalid([&] { xact::forward(f, x, flat); }, {site("forward", name), "15x1", "5x3"});
            CHECK(untouched(flat));
            CHECK(untouched(wrong));
            CHECK(untouched(right));
        };
        check(xact::softmax{o});
        check(xact::log_softmax{o});
    }
}

TEMPLATE_TEST_CASE("errors: prelu's alpha of the wrong length, and d_alpha of the wrong size", "[errors][prelu]",
                   float, double)
{
    using T = TestType;
    using A = array_xx<T>;
    using V = Eigen::Matrix<T, Eigen::Dynamic, 1>;
    const A x = A::Random(3, 5), dy = A::Random(3, 5);

    SECTION("Eigen: alpha must have one entry or one per row")
    {
        for (const xact::prelu& f : {xact::prelu{0.1, 0.2}, xact::prelu{0.1, 0.2, 0.3, 0.4}}) {
            const std::string entries = "alpha has " + std::to_string(f.channels()) + " entries, expected 1 or 3";
            A out(3, 5);
            fill_sentinel(out);
            V d_alpha(static_cast<Eigen::Index>(f.channels()));
            fill_sentinel(d_alpha);
            expect_invalid([&] { xact::forward(f, x, out); }, {site("forward", "prelu"), entries, "3x5"});
            expect_invalid([&] { xact::derivative(f, x, out); }, {site("derivative", "prelu"), entries, "3x5"});
            expect_invalid([&] { xact::backward(f, x, dy, out); }, {site("backward", "prelu"), entries, "3x5"});
            expect_invalid([&] { xact::backward_from_output(f, x, dy, out); },
                           {site("backward_from_output", "prelu"), entries, "3x5"});
            expect_invalid([&] { xact::backward(f, x, dy, out, d_alpha); }, {site("backward", "prelu"), entries, "3x5"});
            CHECK(untouched(out));
            CHECK(untouched(d_alpha));
        }
    }
    SECTION("an empty alpha")
    {
        const xact::prelu f{std::vector<double>{}};
        A out(3, 5);
        fill_sentinel(out);
        expect_invalid([&] { xact::forward(f, x, out); }, {site("forward", "prelu"), "alpha is empty"});
        std::vector<T> y(15, sentinel<T>());
        expect_invalid([&] { xact::forward(f, x.data(), y.data(), 15); }, {site("forward", "prelu"), "alpha is empty"});
        CHECK(untouched(out));
        CHECK(untouched(y));
    }
    SECTION("Eigen: d_alpha must have alpha's size")
    {
        const xact::prelu f{0.1, 0.2, 0.3};
        for (Eigen::Index size : {0, 1, 2, 4}) {
            A dx(3, 5);
            fill_sentinel(dx);
            V d_alpha(size);
            fill_sentinel(d_alpha);
            expect_invalid([&] { xact::backward(f, x, dy, dx, d_alpha); },
                           {site("backward", "prelu"), "d_alpha has " + std::to_string(size) + " entries, expected 3"});
            CHECK(untouched(dx));
            CHECK(untouched(d_alpha));
        }
        // one alpha: d_alpha has one entry
        A dx(3, 5);
        fill_sentinel(dx);
        Eigen::Matrix<T, 3, 1> d_alpha3;
        fill_sentinel(d_alpha3);
        expect_invalid([&] { xact::backward(xact::prelu{0.25}, x, dy, dx, d_alpha3); },
                       {site("backward", "prelu"), "d_alpha has 3 entries, expected 1"});
        CHECK(untouched(dx));
        CHECK(untouched(d_alpha3));
    }
    SECTION("pointers: n must be a multiple of the channels")
    {
        const xact::prelu f{0.1, 0.2, 0.3};
        const std::vector<T> xp(10, T(-1)), gp(10, T(1));
        std::vector<T> out(10, sentinel<T>()), d_alpha(3, sentinel<T>());
        const std::vector<std::string> parts{"n = 10 is not a multiple of the 3 channels"};
        auto with_site = [&](const char* op) {
            auto p = parts;
            p.push_back(site(op, "prelu"));
            return p;
        };
        expect_invalid([&] { xact::forward(f, xp.data(), out.data(), 10); }, with_site("forward"));
        expect_invalid([&] { xact::derivative(f, xp.data(), out.data(), 10); }, with_site("derivative"));
        expect_invalid([&] { xact::backward(f, xp.data(), gp.data(), out.data(), 10); }, with_site("backward"));
        expect_invalid([&] { xact::backward_from_output(f, xp.data(), gp.data(), out.data(), 10); },
                       with_site("backward_from_output"));
        expect_invalid([&] { xact::backward(f, xp.data(), gp.data(), out.data(), 10, d_alpha.data()); },
                       with_site("backward"));
        CHECK(untouched(out));
        CHECK(untouched(d_alpha));
    }
}

TEMPLATE_TEST_CASE("errors: null pointers with n > 0, every pointer form and argument", "[errors]", float, double)
{
    using T = TestType;
    constexpr std::size_t n = 12;
    const std::vector<T> in(n, T(0.5)), dy(n, T(1));
    const T* no_in = nullptr;
    T* no_out = nullptr;
    const std::string with_n = "is a null pointer with n = 12";

    for_each_elementwise([&](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        const char* name = F::name;
        INFO("function " << name);
        std::vector<T> out(n, sentinel<T>());
        expect_invalid([&] { xact::forward(f, no_in, out.data(), n); }, {site("forward", name), "x " + with_n});
        expect_invalid([&] { xact::forward(f, in.data(), no_out, n); }, {site("forward", name), "y " + with_n});
        expect_invalid([&] { xact::derivative(f, no_in, out.data(), n); }, {site("derivative", name), "x " + with_n});
        expect_invalid([&] { xact::derivative(f, in.data(), no_out, n); }, {site("derivative", name), "d " + with_n});
        expect_invalid([&] { xact::backward(f, no_in, dy.data(), out.data(), n); }, {site("backward", name), "x " + with_n});
        expect_invalid([&] { xact::backward(f, in.data(), no_in, out.data(), n); }, {site("backward", name), "dy " + with_n});
        expect_invalid([&] { xact::backward(f, in.data(), dy.data(), no_out, n); }, {site("backward", name), "dx " + with_n});
        if constexpr (has_from_output<F>::value || std::is_same_v<F, xact::prelu>) {
            const auto op = site("backward_from_output", name);
            expect_invalid([&] { xact::backward_from_output(f, no_in, dy.data(), out.data(), n); }, {op, "y " + with_n});
            expect_invalid([&] { xact::backward_from_output(f, in.data(), no_in, out.data(), n); }, {op, "dy " + with_n});
            expect_invalid([&] { xact::backward_from_output(f, in.data(), dy.data(), no_out, n); }, {op, "dx " + with_n});
        }
        if constexpr (has_scalar_parameter_v<F>) {
            T d_param = sentinel<T>();
            const auto op = site("backward", name);
            expect_invalid([&] { xact::backward(f, no_in, dy.data(), out.data(), n, d_param); }, {op, "x " + with_n});
            expect_invalid([&] { xact::backward(f, in.data(), no_in, out.data(), n, d_param); }, {op, "dy " + with_n});
            expect_invalid([&] { xact::backward(f, in.data(), dy.data(), no_out, n, d_param); }, {op, "dx " + with_n});
            CHECK(identical_bits(d_param, sentinel<T>()));
        }
        CHECK(untouched(out));
    });

    SECTION("prelu's parameter gradient, d_alpha included")
    {
        const xact::prelu f{0.1, 0.2, 0.3};
        std::vector<T> out(n, sentinel<T>()), d_alpha(3, sentinel<T>());
        const auto op = site("backward", "prelu");
        expect_invalid([&] { xact::backward(f, no_in, dy.data(), out.data(), n, d_alpha.data()); }, {op, "x " + with_n});
        expect_invalid([&] { xact::backward(f, in.data(), no_in, out.data(), n, d_alpha.data()); }, {op, "dy " + with_n});
        expect_invalid([&] { xact::backward(f, in.data(), dy.data(), no_out, n, d_alpha.data()); }, {op, "dx " + with_n});
        expect_invalid([&] { xact::backward(f, in.data(), dy.data(), out.data(), n, no_out); },
                       {op, "d_alpha is a null pointer with n = 3"});
        CHECK(untouched(out));
        CHECK(untouched(d_alpha));
    }
    SECTION("softmax and log_softmax, (n) and (rows, cols) forms")
    {
        const auto check = [&](const auto& f) {
            const char* name = std::decay_t<decltype(f)>::name;
            INFO(name);
            std::vector<T> out(n, sentinel<T>());
            const auto fw = site("forward", name), bw = site("backward", name), bo = site("backward_from_output", name);
            expect_invalid([&] { xact::forward(f, no_in, out.data(), n); }, {fw, "x " + with_n});
            expect_invalid([&] { xact::forward(f, in.data(), no_out, n); }, {fw, "y " + with_n});
            expect_invalid([&] { xact::forward(f, no_in, out.data(), 3, 4); }, {fw, "x " + with_n});
            expect_invalid([&] { xact::forward(f, in.data(), no_out, 3, 4); }, {fw, "y " + with_n});
            expect_invalid([&] { xact::backward(f, no_in, dy.data(), out.data(), n); }, {bw, "x " + with_n});
            expect_invalid([&] { xact::backward(f, in.data(), no_in, out.data(), 4, 3); }, {bw, "dy " + with_n});
            expect_invalid([&] { xact::backward(f, in.data(), dy.data(), no_out, 4, 3); }, {bw, "dx " + with_n});
            expect_invalid([&] { xact::backward_from_output(f, no_in, dy.data(), out.data(), 6, 2); }, {bo, "y " + with_n});
            expect_invalid([&] { xact::backward_from_output(f, in.data(), no_in, out.data(), n); }, {bo, "dy " + with_n});
            expect_invalid([&] { xact::backward_from_output(f, in.data(), dy.data(), no_out, 2, 6); }, {bo, "dx " + with_n});
            CHECK(untouched(out));
        };
        check(xact::softmax{});
        check(xact::log_softmax{xact::rowwise});
    }
}

TEMPLATE_TEST_CASE("errors: partial overlap of an output with an input", "[errors]", float, double)
{
    using T = TestType;
    constexpr std::size_t n = 16;
    // one buffer holds x, dy and the output; the output starts 1..3 elements after an input
    const auto make = [] {
        std::vector<T> b(3 * n + 8);
        for (std::size_t i = 0; i < b.size(); ++i)
            b[i] = T(i % 7) - T(3);
        return b;
    };
    for_each_elementwise([&](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        const char* name = F::name;
        INFO("function " << name);
        for (std::size_t shift : {std::size_t(1), std::size_t(3), n - 1}) {
            INFO("shift " << shift);
            auto b = make();
            const auto before = b;
            T* x = b.data();
            T* g = b.data() + n + 4;
            const std::string overlaps = "partially overlaps";
            expect_invalid([&] { xact::forward(f, x, x + shift, n); }, {site("forward", name), "y (16x1) " + overlaps + " x (16x1)"});
            expect_invalid([&] { xact::derivative(f, x + shift, x, n); }, {site("derivative", name), "d (16x1) " + overlaps});
            expect_invalid([&] { xact::backward(f, x, g, x + shift, n); }, {site("backward", name), "dx (16x1) " + overlaps + " x"});
            expect_invalid([&] { xact::backward(f, x, g, g + shift, n); }, {site("backward", name), "dx (16x1) " + overlaps + " dy"});
            if constexpr (has_from_output<F>::value || std::is_same_v<F, xact::prelu>) {
                expect_invalid([&] { xact::backward_from_output(f, x, g, x + shift, n); },
                               {site("backward_from_output", name), overlaps + " y"});
                expect_invalid([&] { xact::backward_from_output(f, x, g, g + shift, n); },
                               {site("backward_from_output", name), overlaps + " dy"});
            }
            if constexpr (has_scalar_parameter_v<F>) {
                T d_param = sentinel<T>();
                expect_invalid([&] { xact::backward(f, x, g, x + shift, n, d_param); }, {site("backward", name), overlaps});
                expect_invalid([&] { xact::backward(f, x, g, g + shift, n, d_param); }, {site("backward", name), overlaps});
                CHECK(identical_bits(d_param, sentinel<T>()));
            }
            if constexpr (std::is_same_v<F, xact::prelu>) {
                std::vector<T> d_alpha(1, sentinel<T>());
                expect_invalid([&] { xact::backward(f, x, g, x + shift, n, d_alpha.data()); }, {site("backward", name), overlaps});
                CHECK(untouched(d_alpha));
            }
            CHECK(same_buffer(b, before));
        }
    });

    SECTION("softmax and log_softmax")
    {
        auto b = make();
        const auto before = b;
        T* x = b.data();
        T* g = b.data() + n + 4;
        for (bool log : {false, true}) {
            const char* name = log ? "log_softmax" : "softmax";
            const auto run = [&](auto&& call_softmax) {
                if (log)
                    call_softmax(xact::log_softmax{});
                else
                    call_softmax(xact::softmax{});
            };
            run([&](const auto& f) {
                expect_invalid([&] { xact::forward(f, x, x + 2, n); }, {site("forward", name), "partially overlaps x"});
                expect_invalid([&] { xact::forward(f, x, x + 5, 4, 4); }, {site("forward", name), "y (4x4) partially overlaps x (4x4)"});
                expect_invalid([&] { xact::backward(f, x, g, g + 1, n); }, {site("backward", name), "partially overlaps dy"});
                expect_invalid([&] { xact::backward(f, x, g, x + 1, 8, 2); }, {site("backward", name), "partially overlaps x"});
                expect_invalid([&] { xact::backward_from_output(f, x, g, x + 3, n); },
                               {site("backward_from_output", name), "partially overlaps y"});
                expect_invalid([&] { xact::backward_from_output(f, x, g, g + 3, 2, 8); },
                               {site("backward_from_output", name), "partially overlaps dy"});
            });
        }
        CHECK(same_buffer(b, before));
    }

    SECTION("Eigen: blocks, strided maps and rows of one array")
    {
        using A = array_xx<T>;
        A a = A::Random(8, 8);
        const A saved = a;
        const xact::tanh f;
        expect_invalid([&] { xact::forward(f, a.block(0, 0, 4, 4), a.block(2, 1, 4, 4)); },
                       {site("forward", "tanh"), "y (4x4) partially overlaps x (4x4)"});
        expect_invalid([&] { xact::derivative(f, a.block(0, 0, 4, 4), a.block(3, 3, 4, 4)); },
                       {site("derivative", "tanh"), "partially overlaps"});
        expect_invalid([&] { xact::backward(f, a.block(0, 0, 4, 4), a.block(4, 4, 4, 4), a.block(4, 3, 4, 4)); },
                       {site("backward", "tanh"), "dx (4x4) partially overlaps dy (4x4)"});
        expect_invalid([&] { xact::backward_from_output(f, a.block(0, 0, 4, 4), a.block(4, 4, 4, 4), a.block(1, 0, 4, 4)); },
                       {site("backward_from_output", "tanh"), "partially overlaps y"});
        expect_invalid([&] { xact::forward(xact::softmax{}, a.block(0, 0, 5, 5), a.block(0, 1, 5, 5)); },
                       {site("forward", "softmax"), "partially overlaps"});
        expect_invalid([&] { xact::backward(xact::log_softmax{xact::rowwise}, a.block(0, 0, 3, 3), a.block(0, 4, 3, 3), a.block(1, 1, 3, 3)); },
                       {site("backward", "log_softmax"), "partially overlaps x"});
        T d_param = sentinel<T>();
        expect_invalid([&] { xact::backward(xact::swish{}, a.block(0, 0, 4, 4), a.block(4, 4, 4, 4), a.block(0, 2, 4, 4), d_param); },
                       {site("backward", "swish"), "partially overlaps x"});
        CHECK(identical_bits(d_param, sentinel<T>()));
        Eigen::Matrix<T, Eigen::Dynamic, 1> d_alpha(4);
        fill_sentinel(d_alpha);
        expect_invalid([&] { xact::backward(xact::prelu{0.1, 0.2, 0.3, 0.4}, a.block(0, 0, 4, 4), a.block(4, 4, 4, 4), a.block(3, 4, 4, 4), d_alpha); },
                       {site("backward", "prelu"), "partially overlaps dy"});
        CHECK(untouched(d_alpha));
        // a strided map over every other element and one shifted by two share elements
        std::vector<T> storage(64);
        for (std::size_t i = 0; i < storage.size(); ++i)
            storage[i] = T(i);
        const auto stored = storage;
        using S = Eigen::Map<A, 0, Eigen::InnerStride<2>>;
        S first(storage.data(), 4, 4), second(storage.data() + 2, 4, 4);
        expect_invalid([&] { xact::forward(f, first, second); }, {site("forward", "tanh"), "partially overlaps"});
        CHECK(same_buffer(storage, stored));
        CHECK((a == saved).all());
    }
}

TEMPLATE_TEST_CASE("errors: backward_from_output needs alpha > 0", "[errors]", float, double)
{
    using T = TestType;
    using A = array_xx<T>;
    const A y = A::Random(3, 6), dy = A::Random(3, 6);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const auto check = [&](const auto& f) {
        const char* name = std::decay_t<decltype(f)>::name;
        A dx(3, 6);
        fill_sentinel(dx);
        std::vector<T> dxp(18, sentinel<T>());
        expect_invalid([&] { xact::backward_from_output(f, y, dy, dx); }, {site("backward_from_output", name), "alpha > 0"});
        expect_invalid([&] { xact::backward_from_output(f, y.data(), dy.data(), dxp.data(), 18); },
                       {site("backward_from_output", name), "alpha > 0"});
        CHECK(untouched(dx));
        CHECK(untouched(dxp));
    };
    for (double alpha : {0.0, -0.0, -0.5, nan}) {
        INFO("alpha " << alpha);
        check(xact::leaky_relu{alpha});
        check(xact::elu{alpha});
        check(xact::prelu{alpha});
        check(xact::prelu{0.1, alpha, 0.3});
    }
}
