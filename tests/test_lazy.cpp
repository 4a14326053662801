// Lazy evaluation inside Eigen expressions (xact/lazy.hpp): for every element-wise functor,
// float and double, every kind of expression (plain, sums, matrix products, blocks, strides,
// transposes, row-major, fixed sizes that make Eigen use half packets) must give exactly the
// bits of the eager operation on the materialised input.
#include <xact/lazy.hpp>

#include <stdexcept>
#include <string>
#include <tuple>

#include <Eigen/Core>

#include "support/harness.hpp"

#include <xact/xact.hpp>

using namespace xact_test;

// Eigen's packets are vector types whose attributes GCC notes are dropped when they are template
// arguments; Eigen silences the note in its own headers.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wignored-attributes"
#endif

namespace {

template <class T>
using array_cm = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using array_rm = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using matrix_cm = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using matrix_rm = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Under the sanitizers (build/sanitize) one functor of each kind of kernel: the bridge's memory
// paths do not depend on the functor, and instantiating every expression for all thirty took
// over 20 CPU-minutes and 11 GB to compile there. The other trees check every functor.
#if defined(__SANITIZE_ADDRESS__)
#define XACT_TEST_LAZY_FEW_FUNCTORS 1
#endif

// Every element-wise functor, the parameterised ones at their defaults and elsewhere.
auto element_functors()
{
#ifdef XACT_TEST_LAZY_FEW_FUNCTORS
    return std::make_tuple(xact::relu{}, xact::prelu{-0.5}, xact::elu{0.5}, xact::gelu{}, xact::swish{0.7});
#else
    return std::make_tuple(xact::relu{}, xact::leaky_relu{}, xact::leaky_relu{0.2}, xact::leaky_relu{0.0},
                           xact::prelu{0.25}, xact::prelu{-0.5}, xact::elu{}, xact::elu{0.5}, xact::celu{},
                           xact::celu{2.5}, xact::selu{}, xact::gelu{}, xact::gelu_tanh{}, xact::sigmoid{},
                           xact::tanh{}, xact::swish{}, xact::swish{0.7}, xact::swish{2.5}, xact::silu{},
                           xact::quick_gelu{}, xact::mish{}, xact::softplus{}, xact::softplus{2.0, 10.0},
                           xact::softsign{}, xact::log_sigmoid{}, xact::hard_sigmoid{}, xact::hard_swish{},
                           xact::hard_tanh{}, xact::hard_tanh{-2.0, 0.5}, xact::relu6{});
#endif
}

std::string describe(const xact::prelu& f) { return std::string("prelu ") + std::to_string(f.alpha[0]); }
template <class F>
std::string describe(const F& f)
{
    std::string s = F::name;
    if constexpr (std::is_same_v<F, xact::leaky_relu> || std::is_same_v<F, xact::elu> || std::is_same_v<F, xact::celu>)
        s += " alpha " + std::to_string(f.alpha);
    else if constexpr (std::is_same_v<F, xact::swish> || std::is_same_v<F, xact::softplus>)
        s += " beta " + std::to_string(f.beta);
    else if constexpr (std::is_same_v<F, xact::hard_tanh>)
        s += " [" + std::to_string(f.min_val) + ", " + std::to_string(f.max_val) + "]";
    return s;
}

// Random values on [-12, 12], with the special values (NaN, infinities, signed zeros, denormals,
// extremes) scattered so that each one lands in every lane position across sizes.
template <class Plain>
Plain values(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed)
{
    using T = typename Plain::Scalar;
    splitmix64 rng(seed);
    const auto specials = special_values<T>();
    Plain a(rows, cols);
    for (Eigen::Index i = 0; i < a.size(); ++i) {
        const auto u = rng.next();
        T v = static_cast<T>(rng.uniform(-12, 12));
        if (u % 5 == 0)
            v = specials[(u >> 8) % specials.size()];
        a(i % rows, i / rows) = v;
    }
    return a;
}

template <class A, class B>
std::size_t mismatches(const Eigen::DenseBase<A>& got, const Eigen::DenseBase<B>& want)
{
    REQUIRE(got.rows() == want.rows());
    REQUIRE(got.cols() == want.cols());
    std::size_t bad = 0;
    for (Eigen::Index c = 0; c < got.cols(); ++c)
        for (Eigen::Index r = 0; r < got.rows(); ++r)
            if (!same_bits(got.derived().coeff(r, c), want.derived().coeff(r, c)))
                ++bad;
    return bad;
}

// lazy(f, x) and lazy_derivative(f, x) against the eager operations on x evaluated into a plain
// object. `wide` adds the other storage order for the destination and the unaryExpr form.
template <bool wide = false, class F, class D>
void check_unary(const std::string& what, const F& f, const Eigen::DenseBase<D>& x)
{
    INFO(what << ", " << x.rows() << " x " << x.cols());
    using plain = typename D::PlainObject;
    const plain in = x;
    const plain want = xact::forward(f, in);
    const plain got = xact::lazy(f, x);
    CHECK(mismatches(got, want) == 0);
    plain want_d(in.rows(), in.cols());
    xact::derivative(f, in, want_d);
    const plain got_d = xact::lazy_derivative(f, x);
    CHECK(mismatches(got_d, want_d) == 0);
    if constexpr (wide) {
        using other_order = Eigen::Array<typename D::Scalar, Eigen::Dynamic, Eigen::Dynamic,
                                         plain::IsRowMajor ? Eigen::ColMajor : Eigen::RowMajor>;
        const other_order got_other = xact::lazy(f, x).array();
        CHECK(mismatches(got_other, want) == 0);
        const plain got_op = x.derived().unaryExpr(xact::lazy_op(f));
        CHECK(mismatches(got_op, want) == 0);
    }
}

// lazy_backward(f, x, dy) against xact::backward on plain copies.
template <class F, class D, class E>
void check_backward(const std::string& what, const F& f, const Eigen::DenseBase<D>& x, const Eigen::DenseBase<E>& dy)
{
    INFO(what << " (backward), " << x.rows() << " x " << x.cols());
    using plain = typename D::PlainObject;
    const plain in = x, g = dy;
    plain want(in.rows(), in.cols());
    xact::backward(f, in, g, want);
    const plain got = xact::lazy_backward(f, x, dy);
    CHECK(mismatches(got, want) == 0);
}

template <class T>
using vec = Eigen::Array<T, Eigen::Dynamic, 1>;

// Every special value in every lane position.
template <class T>
vec<T> every_special_in_every_lane()
{
    const auto specials = special_values<T>();
    vec<T> s(static_cast<Eigen::Index>(specials.size() * (lanes<T> + 1)));
    for (Eigen::Index i = 0; i < s.size(); ++i)
        s(i) = specials[static_cast<std::size_t>(i) % specials.size()];
    return s;
}

// What every functor goes through: the lengths about a batch (plain and sums), special values
// in every lane, the dense layer W X + b with the product inside the expression, row-major
// storage, a block (strided columns), a fixed size walked with half packets, and backward.
template <class T, class F>
void check_functor(const F& f)
{
    const std::string name = describe(f);
    const auto L = static_cast<Eigen::Index>(lanes<T>);
    const auto P = static_cast<Eigen::Index>(Eigen::internal::packet_traits<T>::size);
    std::uint64_t seed = 1;
    for (const Eigen::Index n : {Eigen::Index(0), Eigen::Index(1), L - 1, L, L + 1, P + 1, 2 * L + 3, Eigen::Index(1000)}) {
        const vec<T> a = values<vec<T>>(n, 1, seed++), b = values<vec<T>>(n, 1, seed++);
        check_unary(name + ": x", f, a);
        check_unary(name + ": a + b", f, a + b);
        check_backward(name + ": x", f, a, b);
    }
    const vec<T> s = every_special_in_every_lane<T>();
    check_unary(name + ": special values", f, s);
    check_backward(name + ": special values", f, s, vec<T>(s.reverse()));

    for (const auto& [m, k, n] : {std::tuple<Eigen::Index, Eigen::Index, Eigen::Index>{L + 1, 7, 5}, {33, 16, 31}, {1, 3, 1}}) {
        const auto W = values<matrix_cm<T>>(m, k, seed++);
        const auto X = values<matrix_cm<T>>(k, n, seed++);
        const auto b = values<vec<T>>(m, 1, seed++);
        check_unary(name + ": W X + b", f, (W * X).array() + b.replicate(1, n));
    }
    const auto A = values<array_cm<T>>(37, 29, seed++);
    check_unary(name + ": row-major", f, array_rm<T>(values<array_rm<T>>(19, 2 * L + 1, seed++)));
    check_unary(name + ": block", f, A.block(3, 2, 20, 11));
    check_unary(name + ": fixed 8", f, values<Eigen::Array<T, 8, 1>>(8, 1, seed++));
}

// Every kind of expression, for a few functors of each kind of kernel.
template <class T, class F>
void check_expressions(const F& f)
{
    const std::string name = describe(f);
    const auto L = static_cast<Eigen::Index>(lanes<T>);
    std::uint64_t seed = 100;
    for (const Eigen::Index n : {Eigen::Index(2), L, L + 1, Eigen::Index(1000)}) {
        const vec<T> a = values<vec<T>>(n, 1, seed++);
        check_unary<true>(name + ": segment from 1 (unaligned)", f, a.segment(1, n - 1));
    }
    for (const auto& [m, k, n] : {std::tuple<Eigen::Index, Eigen::Index, Eigen::Index>{L + 1, 7, 5}, {33, 16, 31}}) {
        const auto W = values<matrix_cm<T>>(m, k, seed++);
        const auto X = values<matrix_cm<T>>(k, n, seed++);
        const auto b = values<vec<T>>(m, 1, seed++);
        check_unary<true>(name + ": W X + b (arrays)", f, (W * X).array() + b.replicate(1, n));
        check_unary<true>(name + ": W X + b (matrices)", f, (W * X).colwise() + b.matrix());
        const matrix_rm<T> Wr = W, Xr = X;
        check_unary<true>(name + ": W X + b (row-major)", f, (Wr * Xr).array().colwise() + b);
        const auto c = values<vec<T>>(n, 1, seed++);
        check_unary<true>(name + ": W X + c per row", f, (W * X).array().rowwise() + c.transpose());
        const auto dy = values<array_cm<T>>(m, n, seed++);
        check_backward(name + ": W X + b", f, (W * X).array() + b.replicate(1, n), dy);
    }
    const auto A = values<array_cm<T>>(37, 29, seed++);
    const auto B = values<array_cm<T>>(37, 29, seed++);
    const array_rm<T> R = values<array_rm<T>>(19, 2 * L + 1, seed++);
    check_unary<true>(name + ": column-major", f, A);
    check_unary<true>(name + ": row-major sum", f, R + R.reverse());
    check_unary<true>(name + ": block sum", f, A.block(1, 1, 30, 7) + B.block(2, 5, 30, 7));
    check_unary<true>(name + ": row (strided)", f, A.row(5));
    check_unary<true>(name + ": transpose", f, A.transpose());
    check_unary<true>(name + ": row-major block", f, R.block(2, 1, 9, L + 2));
    const Eigen::Map<const vec<T>, 0, Eigen::InnerStride<3>> strided(A.data(), 300);
    check_unary<true>(name + ": inner stride 3", f, strided);
    check_backward(name + ": blocks", f, A.block(3, 2, 20, 11), B.block(0, 0, 20, 11));
    check_unary<true>(name + ": fixed 16", f, values<Eigen::Array<T, 16, 1>>(16, 1, seed++));
    check_unary<true>(name + ": fixed 2", f, values<Eigen::Array<T, 2, 1>>(2, 1, seed++));
    check_unary<true>(name + ": fixed 3 x 5", f, values<Eigen::Array<T, 3, 5>>(3, 5, seed++));
    const auto M4 = values<Eigen::Matrix<T, 4, 4>>(4, 4, seed++);
    check_unary<true>(name + ": fixed 4 x 4 product", f, M4 * M4 + M4);
}

} // namespace

TEMPLATE_TEST_CASE("lazy is bit-identical to the eager operations", "[lazy]", float, double)
{
    std::apply([](const auto&... f) { (check_functor<TestType>(f), ...); }, element_functors());
}

TEMPLATE_TEST_CASE("lazy in every kind of expression", "[lazy]", float, double)
{
    // The kernels of each kind: double-word polynomial (gelu), exp with a parameter (elu),
    // exact clamps (relu6), logistic with a parameter (swish).
    check_expressions<TestType>(xact::gelu{});
#ifndef XACT_TEST_LAZY_FEW_FUNCTORS
    check_expressions<TestType>(xact::elu{0.5});
    check_expressions<TestType>(xact::relu6{});
    check_expressions<TestType>(xact::swish{0.7});
#endif
}

TEMPLATE_TEST_CASE("lazy expressions are vectorized", "[lazy]", float, double)
{
    using T = TestType;
    const vec<T> a = vec<T>::Zero(8), b = vec<T>::Zero(8);
    using expr = decltype(xact::lazy(xact::gelu{}, a + b));
    STATIC_REQUIRE((Eigen::internal::evaluator<expr>::Flags & Eigen::PacketAccessBit) != 0);
    // Eigen gives a Replicate (a column added to every column) no packet access; lazy gathers
    // its coefficients into packets.
    const array_cm<T> m = array_cm<T>::Zero(8, 3);
    using bias_expr = decltype(xact::lazy(xact::gelu{}, m.colwise() + a));
    STATIC_REQUIRE((Eigen::internal::evaluator<decltype(m.colwise() + a)>::Flags & Eigen::PacketAccessBit) == 0);
    STATIC_REQUIRE((Eigen::internal::evaluator<bias_expr>::Flags & Eigen::PacketAccessBit) != 0);
    using backward_expr = decltype(xact::lazy_backward(xact::gelu{}, a, b));
    STATIC_REQUIRE((Eigen::internal::evaluator<backward_expr>::Flags & Eigen::PacketAccessBit) != 0);
#if defined(__x86_64__) || defined(__aarch64__)
    // Where Eigen and xsimd agree on the width, Eigen's packet is xsimd's register and converts
    // in place (the buffered path is for half packets).
    STATIC_REQUIRE(xact::engine::is_direct_packet_v<typename Eigen::internal::packet_traits<T>::type>);
    STATIC_REQUIRE(Eigen::internal::packet_traits<T>::size == static_cast<int>(lanes<T>));
#endif
}

namespace {

// packetOp on a packet type directly, against the pointer form of xact::forward.
template <class Packet, class F>
void check_packet(const F& f)
{
    using T = typename Eigen::internal::unpacket_traits<Packet>::type;
    constexpr int n = Eigen::internal::unpacket_traits<Packet>::size;
    INFO(describe(f) << ", packet of " << n);
    const auto specials = special_values<T>();
    splitmix64 rng(7);
    for (int round = 0; round < 20; ++round) {
        alignas(64) T x[n], y[n], d[n], want[n], want_d[n];
        for (int i = 0; i < n; ++i)
            x[i] = (round + i) % 3 == 0 ? specials[static_cast<std::size_t>(round * n + i) % specials.size()]
                                        : static_cast<T>(rng.uniform(-12, 12));
        Eigen::internal::pstoreu(y, xact::lazy_op(f).packetOp(Eigen::internal::ploadu<Packet>(x)));
        Eigen::internal::pstoreu(d, xact::lazy_derivative_op(f).packetOp(Eigen::internal::ploadu<Packet>(x)));
        xact::forward(f, x, want, static_cast<std::size_t>(n));
        xact::derivative(f, x, want_d, static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
            CHECK(same_bits(y[i], want[i]));
            CHECK(same_bits(d[i], want_d[i]));
            CHECK(same_bits(xact::lazy_op(f)(x[i]), want[i]));
        }
    }
}

template <class T, class F>
void check_packets(const F& f)
{
    using full = typename Eigen::internal::packet_traits<T>::type;
    using half = typename Eigen::internal::unpacket_traits<full>::half;
    using quarter = typename Eigen::internal::unpacket_traits<half>::half;
    check_packet<full>(f);
    if constexpr (!std::is_same_v<half, full>)
        check_packet<half>(f);
    if constexpr (!std::is_same_v<quarter, half>)
        check_packet<quarter>(f);
}

} // namespace

TEMPLATE_TEST_CASE("packetOp at every packet width Eigen uses", "[lazy]", float, double)
{
    std::apply([](const auto&... f) { (check_packets<TestType>(f), ...); }, element_functors());
}

TEST_CASE("a lazy activation nested in a product", "[lazy]")
{
    // Eigen evaluates the activation once into a temporary before the outer product (its cost
    // says so); the bits are the eager pipeline's.
    const auto W1 = values<Eigen::MatrixXf>(24, 10, 11), W2 = values<Eigen::MatrixXf>(6, 24, 12);
    const auto X = values<Eigen::MatrixXf>(10, 9, 13);
    const Eigen::VectorXf b = values<Eigen::VectorXf>(24, 1, 14);
    const Eigen::MatrixXf h = (W1 * X).colwise() + b;
    const Eigen::MatrixXf want = W2 * xact::forward(xact::gelu{}, h);
    const Eigen::MatrixXf got = W2 * xact::lazy(xact::gelu{}, (W1 * X).colwise() + b);
    CHECK(mismatches(got, want) == 0);
}

TEST_CASE("lazy errors", "[lazy]")
{
    const Eigen::ArrayXXd x = Eigen::ArrayXXd::Ones(3, 4);
    CHECK_THROWS_AS(xact::lazy(xact::prelu{0.1, 0.2, 0.3}, x), std::invalid_argument);
    CHECK_THROWS_WITH(xact::lazy(xact::prelu{0.1, 0.2, 0.3}, x), Catch::Contains("xact::lazy(prelu)"));
    CHECK_THROWS_AS(xact::lazy_op(xact::prelu{std::vector<double>{}}), std::invalid_argument);
    const Eigen::ArrayXXd dy = Eigen::ArrayXXd::Ones(4, 3);
    CHECK_THROWS_WITH(xact::lazy_backward(xact::gelu{}, x, dy),
                      Catch::Contains("xact::lazy_backward(gelu)") && Catch::Contains("4x3"));
    CHECK_NOTHROW(xact::lazy(xact::prelu{0.1}, x));
}
