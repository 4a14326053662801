// xact/parallel.hpp: every operation with xact::threads(n) gives, bit for bit, the one-thread
// call's result (the one-thread call is the oracle here; its own accuracy is tested elsewhere),
// for every element-wise functor, float and double, at lengths around the 16 KiB pieces and the
// one-thread threshold, from starts at and off a 16 KiB boundary, on Eigen blocks, rows and
// mixed storage orders, softmax by rows and columns, in place; the parameter gradients too.
// Errors: the one-thread call's message, before anything is written. The cut itself: pieces
// start on 16 KiB boundaries, small calls stay on one thread, large ones use the threads asked.
#include <algorithm>
#include <cstddef>
#include <limits>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <Eigen/Core>

#include "support/harness.hpp"

#include <xact/parallel.hpp>
#include <xact/xact.hpp>

using namespace xact_test;

namespace {

constexpr std::size_t page = 16384; // the cut's boundary, in bytes

template <class T>
using page_vector = std::vector<T, xsimd::aligned_allocator<T, page>>;

template <class T>
using array_xx = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;

const std::size_t thread_counts[] = {1, 2, 3, 8};

// The index of the first element whose bits differ, or n.
template <class T>
std::size_t first_difference(const T* a, const T* b, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        if (!identical_bits(a[i], b[i]))
            return i;
    return n;
}

template <class D>
bool same_array(const D& a, const D& b)
{
    if (a.rows() != b.rows() || a.cols() != b.cols())
        return false;
    for (Eigen::Index c = 0; c < a.cols(); ++c)
        for (Eigen::Index r = 0; r < a.rows(); ++r)
            if (!identical_bits(a(r, c), b(r, c)))
                return false;
    return true;
}

// Thread policies: min_per_thread = 1 cuts even small calls into 16 KiB pieces (the boundary
// cases); the default keeps calls under 64K elements on one thread (the threshold cases).
std::vector<xact::threads> policies()
{
    std::vector<xact::threads> p;
    for (std::size_t t : thread_counts) {
        p.emplace_back(t, 1);
        p.emplace_back(t);
    }
    return p;
}

// run(policy..., a, b, out, n) with and without a policy, at every length and start offset;
// out must come back bit-identical. `a` and `b` are inputs (b is dy, or unused).
template <class T, class Run>
void check_pointer_form(Run run)
{
    const std::size_t grain = page / sizeof(T);
    const std::size_t lengths[] = {0, 1, 17, grain - 1, grain + 1, 3 * grain + 5, 65535, 65536, 65537, 100003};
    for (std::size_t n : lengths) {
        for (std::size_t offset : {std::size_t(0), std::size_t(3), grain - 1}) {
            const auto xs = lane_inputs<T>(n, n + offset), gs = lane_inputs<T>(n, 7 * n + 1);
            page_vector<T> a(n + offset), b(n + offset), want(n + offset), got(n + offset);
            std::copy(xs.begin(), xs.end(), a.begin() + offset);
            std::copy(gs.begin(), gs.end(), b.begin() + offset);
            run(a.data() + offset, b.data() + offset, want.data() + offset, n);
            for (const auto& policy : policies()) {
                if (policy.min_per_thread > 1 && n < 65535)
                    continue; // the default threshold keeps these on one thread: the call above
                std::fill(got.begin(), got.end(), sentinel<T>());
                run(policy, a.data() + offset, b.data() + offset, got.data() + offset, n);
                INFO("n " << n << ", offset " << offset << ", threads " << policy.count << ", min "
                          << policy.min_per_thread);
                REQUIRE(first_difference(want.data() + offset, got.data() + offset, n) == n);
                REQUIRE(first_difference(want.data(), got.data(), offset) == 0); // before the start: untouched
            }
        }
    }
}

// backward(policy..., f, x, dy, dx, n) from (policy..., x, dy, dx, n, f).
template <class F, class T>
struct backward_call {
    const F& f;
    void operator()(const T* x, const T* dy, T* dx, std::size_t n) const { xact::backward(f, x, dy, dx, n); }
    void operator()(const xact::threads& t, const T* x, const T* dy, T* dx, std::size_t n) const
    {
        xact::backward(t, f, x, dy, dx, n);
    }
};

template <class F, class T>
struct from_output_call {
    const F& f;
    // y is computed from x first, as a caller would have it.
    void operator()(const T* x, const T* dy, T* dx, std::size_t n) const
    {
        std::vector<T> y(n);
        xact::forward(f, x, y.data(), n);
        xact::backward_from_output(f, y.data(), dy, dx, n);
    }
    void operator()(const xact::threads& t, const T* x, const T* dy, T* dx, std::size_t n) const
    {
        std::vector<T> y(n);
        xact::forward(f, x, y.data(), n);
        xact::backward_from_output(t, f, y.data(), dy, dx, n);
    }
};

template <class F, class T>
struct forward_call {
    const F& f;
    void operator()(const T* x, const T*, T* y, std::size_t n) const { xact::forward(f, x, y, n); }
    void operator()(const xact::threads& t, const T* x, const T*, T* y, std::size_t n) const
    {
        xact::forward(t, f, x, y, n);
    }
};

template <class F, class T>
struct derivative_call {
    const F& f;
    void operator()(const T* x, const T*, T* d, std::size_t n) const { xact::derivative(f, x, d, n); }
    void operator()(const xact::threads& t, const T* x, const T*, T* d, std::size_t n) const
    {
        xact::derivative(t, f, x, d, n);
    }
};

template <class T, class F>
void check_functor(const F& f)
{
    SECTION("forward") { check_pointer_form<T>(forward_call<F, T>{f}); }
    SECTION("derivative") { check_pointer_form<T>(derivative_call<F, T>{f}); }
    SECTION("backward") { check_pointer_form<T>(backward_call<F, T>{f}); }
    if constexpr (xact::engine::has_output_derivative<F>::value) {
        SECTION("backward_from_output") { check_pointer_form<T>(from_output_call<F, T>{f}); }
    }
    SECTION("forward in place")
    {
        const std::size_t n = 100003;
        const auto xs = lane_inputs<T>(n, 5);
        page_vector<T> want(n), buf(n);
        xact::forward(f, xs.data(), want.data(), n);
        for (std::size_t t : thread_counts) {
            std::copy(xs.begin(), xs.end(), buf.begin());
            xact::forward(xact::threads(t, 1), f, buf.data(), buf.data(), n);
            REQUIRE(first_difference(want.data(), buf.data(), n) == n);
        }
    }
}

} // namespace

TEMPLATE_TEST_CASE("every element-wise functor, pointer form: bit-identical to one thread", "[parallel]", float, double)
{
    SECTION("relu") { check_functor<TestType>(xact::relu{}); }
    SECTION("leaky_relu") { check_functor<TestType>(xact::leaky_relu(0.1)); }
    SECTION("prelu") { check_functor<TestType>(xact::prelu(0.3)); }
    SECTION("elu") { check_functor<TestType>(xact::elu(1.3)); }
    SECTION("gelu") { check_functor<TestType>(xact::gelu{}); }
    SECTION("gelu_tanh") { check_functor<TestType>(xact::gelu_tanh{}); }
    SECTION("sigmoid") { check_functor<TestType>(xact::sigmoid{}); }
    SECTION("tanh") { check_functor<TestType>(xact::tanh{}); }
    SECTION("swish") { check_functor<TestType>(xact::swish(1.7)); }
    SECTION("silu") { check_functor<TestType>(xact::silu{}); }
}

namespace {

template <class T>
array_xx<T> random_array(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed)
{
    const auto v = lane_inputs<T>(static_cast<std::size_t>(rows * cols), seed);
    array_xx<T> a(rows, cols);
    std::copy(v.begin(), v.end(), a.data());
    return a;
}

// Eigen objects whose views cut differently: flat (whole arrays, either order), by lines (a
// block of a larger array), across one strided line (a row), mixed storage orders, an
// expression as input.
template <class T, class F>
void check_eigen_layouts(const F& f)
{
    const array_xx<T> big = random_array<T>(300, 700, 1), big_dy = random_array<T>(300, 700, 2);
    const array_xx<T> wide = random_array<T>(3, 70001, 3);
    for (std::size_t t : thread_counts) {
        const xact::threads policy(t, 1);
        INFO("threads " << t);
        // a block: one line per column
        array_xx<T> want = array_xx<T>::Constant(300, 700, sentinel<T>()), got = want;
        xact::forward(f, big.block(5, 3, 250, 600), want.block(7, 1, 250, 600));
        xact::forward(policy, f, big.block(5, 3, 250, 600), got.block(7, 1, 250, 600));
        REQUIRE(same_array(want, got));
        xact::backward(f, big.block(5, 3, 250, 600), big_dy.block(0, 0, 250, 600), want.block(7, 1, 250, 600));
        xact::backward(policy, f, big.block(5, 3, 250, 600), big_dy.block(0, 0, 250, 600), got.block(7, 1, 250, 600));
        REQUIRE(same_array(want, got));
        // one strided line, cut across
        Eigen::Array<T, 1, Eigen::Dynamic> row_want(70001), row_got(70001);
        xact::derivative(f, wide.row(1), row_want);
        xact::derivative(policy, f, wide.row(1), row_got);
        REQUIRE(same_array(row_want, row_got));
        // row-major output, column-major input: the lines are the output's rows
        Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm_want(300, 700), rm_got(300, 700);
        xact::forward(f, big, rm_want);
        xact::forward(policy, f, big, rm_got);
        REQUIRE(same_array(rm_want, rm_got));
        // whole row-major arrays: flat; an expression input, evaluated once
        Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm_in = big;
        xact::forward(f, rm_in * T(0.5), rm_want);
        xact::forward(policy, f, rm_in * T(0.5), rm_got);
        REQUIRE(same_array(rm_want, rm_got));
        // the returning form
        REQUIRE(same_array(xact::forward(f, big), xact::forward(policy, f, big)));
    }
}

} // namespace

TEMPLATE_TEST_CASE("Eigen blocks, rows and storage orders: bit-identical to one thread", "[parallel]", float, double)
{
    SECTION("gelu") { check_eigen_layouts<TestType>(xact::gelu{}); }
    SECTION("leaky_relu") { check_eigen_layouts<TestType>(xact::leaky_relu(0.2)); }
    SECTION("elu") { check_eigen_layouts<TestType>(xact::elu(0.7)); }
}

TEMPLATE_TEST_CASE("prelu with one alpha per channel: cut by whole columns", "[parallel]", float, double)
{
    using T = TestType;
    const xact::prelu f{0.1, -0.2, 0.3, 0.4, 0.5, 0.6, 0.7};
    const array_xx<T> x = random_array<T>(7, 20001, 11), dy = random_array<T>(7, 20001, 12);
    array_xx<T> want(7, 20001), got(7, 20001);
    for (std::size_t t : thread_counts) {
        INFO("threads " << t);
        xact::forward(f, x, want);
        xact::forward(xact::threads(t, 1), f, x, got);
        REQUIRE(same_array(want, got));
        xact::backward(f, x, dy, want);
        xact::backward(xact::threads(t, 1), f, x, dy, got);
        REQUIRE(same_array(want, got));
        // pointers: channels x samples, column-major
        std::vector<T> pw(x.size()), pg(x.size());
        xact::derivative(f, x.data(), pw.data(), pw.size());
        xact::derivative(xact::threads(t, 1), f, x.data(), pg.data(), pg.size());
        REQUIRE(first_difference(pw.data(), pg.data(), pw.size()) == pw.size());
    }
}

namespace {

template <class T, class F>
void check_softmax(const F& f)
{
    const array_xx<T> x = random_array<T>(64, 3001, 21), dy = random_array<T>(64, 3001, 22);
    array_xx<T> y(64, 3001), want(64, 3001), got(64, 3001);
    xact::forward(f, x, y);
    for (std::size_t t : thread_counts) {
        const xact::threads policy(t, 1);
        INFO("threads " << t);
        xact::forward(policy, f, x, got);
        REQUIRE(same_array(y, got));
        xact::backward(f, x, dy, want);
        xact::backward(policy, f, x, dy, got);
        REQUIRE(same_array(want, got));
        xact::backward_from_output(f, y, dy, want);
        xact::backward_from_output(policy, f, y, dy, got);
        REQUIRE(same_array(want, got));
        // a block (strided vectors), in place
        array_xx<T> in_place = x, block_want = x;
        xact::forward(f, x.block(3, 5, 50, 2900), block_want.block(3, 5, 50, 2900));
        xact::forward(policy, f, in_place.block(3, 5, 50, 2900), in_place.block(3, 5, 50, 2900));
        REQUIRE(same_array(block_want, in_place));
        // pointers: rows x cols, column-major
        std::vector<T> pw(x.size()), pg(x.size());
        xact::backward(f, x.data(), dy.data(), pw.data(), 64, 3001);
        xact::backward(policy, f, x.data(), dy.data(), pg.data(), 64, 3001);
        REQUIRE(first_difference(pw.data(), pg.data(), pw.size()) == pw.size());
    }
}

} // namespace

TEMPLATE_TEST_CASE("softmax and log_softmax: cut between whole vectors", "[parallel]", float, double)
{
    SECTION("softmax by columns") { check_softmax<TestType>(xact::softmax{}); }
    SECTION("softmax by rows") { check_softmax<TestType>(xact::softmax{xact::rowwise}); }
    SECTION("log_softmax by columns") { check_softmax<TestType>(xact::log_softmax{}); }
    SECTION("log_softmax by rows, masked") { check_softmax<TestType>(xact::log_softmax{xact::rowwise | xact::masked_zero}); }
    SECTION("one long vector runs whole")
    {
        using T = TestType;
        const auto xs = lane_inputs<T>(200003, 31);
        const Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>> x(xs.data(), 200003);
        REQUIRE(same_array(xact::forward(xact::softmax{}, x).eval(), xact::forward(xact::threads(8, 1), xact::softmax{}, x).eval()));
    }
}

namespace {

template <class T, class F>
void check_scalar_parameter(const F& f)
{
    // vectors of several 4096-element sum blocks (with a partial last one) and 2-D blocks of
    // several lines: the gradient must come out in the one-thread order
    for (std::size_t n : {std::size_t(70001), std::size_t(3 * 4096)}) {
        const auto xs = lane_inputs<T>(n, 41), gs = lane_inputs<T>(n, 42);
        // finite inputs: a NaN anywhere would make every sum NaN and hide the order
        std::vector<T> x(n), dy(n);
        for (std::size_t i = 0; i < n; ++i) {
            x[i] = std::isfinite(xs[i]) ? xs[i] : T(0.5);
            dy[i] = std::isfinite(gs[i]) ? gs[i] : T(-0.25);
        }
        std::vector<T> want(n), got(n);
        double p_want = 0, p_got = 0;
        xact::backward(f, x.data(), dy.data(), want.data(), n, p_want);
        REQUIRE(std::isfinite(p_want));
        for (std::size_t t : thread_counts) {
            INFO("n " << n << ", threads " << t);
            xact::backward(xact::threads(t, 1), f, x.data(), dy.data(), got.data(), n, p_got);
            REQUIRE(first_difference(want.data(), got.data(), n) == n);
            REQUIRE(identical_bits(p_want, p_got));
        }
    }
    const array_xx<T> x = random_array<T>(300, 700, 43).isFinite().select(random_array<T>(300, 700, 43), T(1));
    const array_xx<T> dy = random_array<T>(300, 700, 44).isFinite().select(random_array<T>(300, 700, 44), T(1));
    array_xx<T> want(250, 600), got(250, 600);
    T p_want = 0, p_got = 0;
    xact::backward(f, x.block(1, 2, 250, 600), dy.block(3, 4, 250, 600), want, p_want);
    for (std::size_t t : thread_counts) {
        xact::backward(xact::threads(t, 1), f, x.block(1, 2, 250, 600), dy.block(3, 4, 250, 600), got, p_got);
        REQUIRE(same_array(want, got));
        REQUIRE(identical_bits(p_want, p_got));
    }
}

} // namespace

TEMPLATE_TEST_CASE("parameter gradients: bit-identical to one thread's sums", "[parallel]", float, double)
{
    using T = TestType;
    SECTION("elu d alpha") { check_scalar_parameter<T>(xact::elu(1.1)); }
    SECTION("swish d beta") { check_scalar_parameter<T>(xact::swish(0.8)); }
    SECTION("prelu d alpha, one alpha and one per channel")
    {
        const array_xx<T> x = random_array<T>(9, 30001, 51).isFinite().select(random_array<T>(9, 30001, 51), T(-1));
        const array_xx<T> dy = random_array<T>(9, 30001, 52).isFinite().select(random_array<T>(9, 30001, 52), T(1));
        for (const xact::prelu& f : {xact::prelu(0.2), xact::prelu(std::vector<double>{.1, .2, .3, .4, .5, .6, .7, .8, .9})}) {
            array_xx<T> want(9, 30001), got(9, 30001);
            Eigen::Array<T, Eigen::Dynamic, 1> a_want(f.channels()), a_got(f.channels());
            xact::backward(f, x, dy, want, a_want);
            std::vector<T> pw(x.size()), pa_want(f.channels()), pg(x.size()), pa_got(f.channels());
            xact::backward(f, x.data(), dy.data(), pw.data(), pw.size(), pa_want.data());
            for (std::size_t t : thread_counts) {
                INFO("channels " << f.channels() << ", threads " << t);
                xact::backward(xact::threads(t, 1), f, x, dy, got, a_got);
                REQUIRE(same_array(want, got));
                REQUIRE(same_array(a_want, a_got));
                xact::backward(xact::threads(t, 1), f, x.data(), dy.data(), pg.data(), pg.size(), pa_got.data());
                REQUIRE(first_difference(pw.data(), pg.data(), pw.size()) == pw.size());
                REQUIRE(first_difference(pa_want.data(), pa_got.data(), pa_want.size()) == pa_want.size());
            }
        }
    }
}

namespace {

// The one-thread call's message for the same arguments, or "" if it does not throw.
template <class Call>
std::string message_of(Call call)
{
    try {
        call();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEMPLATE_TEST_CASE("errors: the one-thread message, before any thread starts, outputs untouched", "[parallel]", float,
                   double)
{
    using T = TestType;
    const xact::threads policy(2, 1);
    const std::size_t n = 100000;
    std::vector<T> x(n, T(1)), dy(n, T(1)), out(n, sentinel<T>());
    auto untouched = [&] {
        return std::all_of(out.begin(), out.end(), [](T v) { return identical_bits(v, sentinel<T>()); });
    };
    auto same_error = [&](auto one, auto threaded) {
        const std::string want = message_of(one);
        REQUIRE(!want.empty());
        REQUIRE_THROWS_WITH(threaded(), want);
        REQUIRE(untouched());
    };
    SECTION("partial overlap")
    {
        same_error([&] { xact::forward(xact::gelu{}, out.data(), out.data() + 1, n - 1); },
                   [&] { xact::forward(policy, xact::gelu{}, out.data(), out.data() + 1, n - 1); });
        same_error([&] { xact::backward(xact::sigmoid{}, x.data(), out.data(), out.data() + 3, n - 3); },
                   [&] { xact::backward(policy, xact::sigmoid{}, x.data(), out.data(), out.data() + 3, n - 3); });
    }
    SECTION("null pointers and prelu's channels")
    {
        same_error([&] { xact::derivative(xact::relu{}, static_cast<const T*>(nullptr), out.data(), n); },
                   [&] { xact::derivative(policy, xact::relu{}, static_cast<const T*>(nullptr), out.data(), n); });
        same_error([&] { xact::forward(xact::prelu{0.1, 0.2, 0.3}, x.data(), out.data(), n - 2); },
                   [&] { xact::forward(policy, xact::prelu{0.1, 0.2, 0.3}, x.data(), out.data(), n - 2); });
        T d_alpha[2] = {sentinel<T>(), sentinel<T>()};
        same_error([&] { xact::backward_from_output(xact::elu(-1.0), x.data(), dy.data(), out.data(), n); },
                   [&] { xact::backward_from_output(policy, xact::elu(-1.0), x.data(), dy.data(), out.data(), n); });
        same_error([&] { xact::backward(xact::prelu{0.1, 0.2}, x.data(), dy.data(), out.data(), n - 1, d_alpha); },
                   [&] { xact::backward(policy, xact::prelu{0.1, 0.2}, x.data(), dy.data(), out.data(), n - 1, d_alpha); });
        REQUIRE(identical_bits(d_alpha[0], sentinel<T>()));
    }
    SECTION("shapes")
    {
        const array_xx<T> a = array_xx<T>::Ones(400, 300), g = array_xx<T>::Ones(300, 400);
        Eigen::Map<array_xx<T>> o(out.data(), 400, 250);
        same_error([&] { xact::forward(xact::tanh{}, a, o); }, [&] { xact::forward(policy, xact::tanh{}, a, o); });
        Eigen::Map<array_xx<T>> o2(out.data(), 400, 300);
        same_error([&] { xact::backward(xact::softmax{}, a, g, o2); },
                   [&] { xact::backward(policy, xact::softmax{}, a, g, o2); });
        T d_beta = sentinel<T>();
        same_error([&] { xact::backward(xact::swish{}, a, g, o2, d_beta); },
                   [&] { xact::backward(policy, xact::swish{}, a, g, o2, d_beta); });
        REQUIRE(identical_bits(d_beta, sentinel<T>()));
    }
}

namespace {

// A user's functor that records which threads ran it.
struct thread_probe {
    static constexpr const char* name = "thread_probe";
    static std::mutex& mutex()
    {
        static std::mutex m;
        return m;
    }
    static std::set<std::thread::id>& ids()
    {
        static std::set<std::thread::id> s;
        return s;
    }
    template <class V>
    V operator()(V x) const
    {
        const std::lock_guard<std::mutex> lock(mutex());
        ids().insert(std::this_thread::get_id());
        return x;
    }
};

} // namespace

TEST_CASE("the cut: 16 KiB boundaries in whole loop steps, the threshold, the threads used", "[parallel]")
{
    SECTION("every piece but the first starts within one loop step past a 16 KiB boundary, a whole "
            "number of steps from the start, and the pieces cover [0, n)")
    {
        page_vector<float> buf(300000);
        for (std::size_t offset : {0, 1, 1000, 4095})
            for (std::size_t n : {1, 4096, 4097, 40000, 290000})
                for (std::size_t pieces : {1, 2, 3, 8, 100}) {
                    const float* p = buf.data() + offset;
                    const auto b = xact::engine::flat_bounds(p, n, pieces);
                    INFO("offset " << offset << ", n " << n << ", pieces " << pieces);
                    REQUIRE(b.front() == 0);
                    REQUIRE(static_cast<std::size_t>(b.back()) == n);
                    REQUIRE(b.size() - 1 <= pieces);
                    for (std::size_t i = 1; i + 1 < b.size(); ++i) {
                        REQUIRE(b[i] > b[i - 1]);
                        // the same loop step (two batches of the widest target) as one thread's walk
                        REQUIRE(static_cast<std::size_t>(b[i]) % (xact::engine::loop_step_bytes / sizeof(float)) == 0);
                        REQUIRE(reinterpret_cast<std::uintptr_t>(p + b[i]) % page < xact::engine::loop_step_bytes);
                    }
                    // enough work for every piece: as many as asked, up to one per 16 KiB
                    if (n >= pieces * 4096 + 4096)
                        REQUIRE(b.size() - 1 == pieces);
                }
    }
    SECTION("below 2 x min_per_thread elements: one thread; above: up to the count asked")
    {
        using xact::engine::pieces_for;
        REQUIRE(pieces_for({2, 32768}, 65535) == 1);
        REQUIRE(pieces_for({2, 32768}, 65536) == 2);
        REQUIRE(pieces_for({8, 32768}, 100000) == 3);
        REQUIRE(pieces_for({8, 32768}, 1 << 24) == 8);
        REQUIRE(pieces_for({0, 1}, 1 << 20) == xact::engine::hardware_threads());
    }
    SECTION("a large call runs on as many threads as asked")
    {
        std::vector<float> x(1 << 18, 1.0f), y(x.size());
        thread_probe::ids().clear();
        xact::forward(xact::threads(3), thread_probe{}, x.data(), y.data(), x.size());
        REQUIRE(thread_probe::ids().size() == 3);
        REQUIRE(y == x);
        thread_probe::ids().clear();
        xact::forward(xact::threads(3), thread_probe{}, x.data(), y.data(), 60000); // under the threshold
        REQUIRE(thread_probe::ids().size() == 1);
    }
}
