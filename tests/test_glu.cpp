// The gated linear units (xact/glu.hpp, engine/glu.hpp). The fused passes must equal the
// composition of the element-wise operations bit for bit: y = act(z) * w is one rounding of
// xact::forward(act, z) times w, d_value = dy * forward(act, z), d_gate = backward(act, z, dy * w).
// Checked for every length 0..3*lanes+1 and offset (body and tail), float and double, in the
// separate and the split forms, pointers and Eigen objects of every kind, in place; known
// values and an accuracy check against the long double reference; every error throws before
// any output is touched.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "support/harness.hpp"

#include <xact/xact.hpp>

using namespace xact_test;

namespace {

template <class T>
using array_xx = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;

// The composition, one element at a time through the public element-wise operations (a call
// of length 1 is the engine's padded tail): act(z) w.
template <class G, class T>
T composed_forward(const G& g, T a, T b)
{
    const auto act = g.activation();
    T t;
    xact::forward(act, G::gate_second ? &b : &a, &t, 1);
    return G::gate_second ? a * t : t * b;
}

// {da, db} by the composition: d_value = dy * act(z), d_gate = backward(act, z, dy * w).
template <class G, class T>
std::pair<T, T> composed_backward(const G& g, T a, T b, T dy)
{
    const auto act = g.activation();
    const T z = G::gate_second ? b : a, w = G::gate_second ? a : b;
    T t, d_gate;
    xact::forward(act, &z, &t, 1);
    const T d_value = dy * t;
    const T dyw = dy * w;
    xact::backward(act, &z, &dyw, &d_gate, 1);
    return G::gate_second ? std::make_pair(d_value, d_gate) : std::make_pair(d_gate, d_value);
}

template <class A, class B>
bool same(const Eigen::DenseBase<A>& a, const Eigen::DenseBase<B>& b)
{
    if (a.rows() != b.rows() || a.cols() != b.cols())
        return false;
    for (Eigen::Index c = 0; c < a.cols(); ++c)
        for (Eigen::Index r = 0; r < a.rows(); ++r)
            if (!same_bits(a.derived().coeff(r, c), b.derived().coeff(r, c)))
                return false;
    return true;
}

// Inputs for 2-D checks: lane_inputs laid out as rows x cols.
template <class T>
array_xx<T> input_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed)
{
    const auto v = lane_inputs<T>(static_cast<std::size_t>(rows * cols), seed);
    array_xx<T> m(rows, cols);
    std::copy(v.begin(), v.end(), m.data());
    return m;
}

// The composition over whole arrays: y and {da, db} for a and b of one shape.
template <class G, class T>
array_xx<T> expected_forward(const G& g, const array_xx<T>& a, const array_xx<T>& b)
{
    array_xx<T> y(a.rows(), a.cols());
    for (Eigen::Index i = 0; i < a.size(); ++i)
        y(i) = composed_forward(g, a(i), b(i));
    return y;
}

template <class G, class T>
std::pair<array_xx<T>, array_xx<T>> expected_backward(const G& g, const array_xx<T>& a, const array_xx<T>& b,
                                                      const array_xx<T>& dy)
{
    array_xx<T> da(a.rows(), a.cols()), db(a.rows(), a.cols());
    for (Eigen::Index i = 0; i < a.size(); ++i)
        std::tie(da(i), db(i)) = composed_backward(g, a(i), b(i), dy(i));
    return {da, db};
}

// Every length and offset, the backward pass: da and db equal the composition, nothing outside
// [0, n) is written, the inputs are unchanged; then in place (da = a, db = b), swapped (da = b,
// db = a) and onto dy (da = dy).
template <class T, class G>
void check_backward_lanes(const G& g)
{
    constexpr std::size_t L = lanes<T>;
    detail::failures fails;
    for (std::size_t n = 0; n <= 3 * L + 1; ++n) {
        for (std::size_t offset = 0; offset <= L; ++offset) {
            const std::size_t start = L + offset, size = start + n + L;
            const auto va = lane_inputs<T>(n, n * 131 + offset), vb = lane_inputs<T>(n, n * 131 + offset + 0x5eed),
                       vd = lane_inputs<T>(n, n * 131 + offset + 0xd1);
            aligned_vector<T> a(size, sentinel<T>()), b = a, dy = a;
            std::copy(va.begin(), va.end(), a.begin() + long(start));
            std::copy(vb.begin(), vb.end(), b.begin() + long(start));
            std::copy(vd.begin(), vd.end(), dy.begin() + long(start));
            const auto want_a = [&](std::size_t i) { return composed_backward(g, va[i], vb[i], vd[i]).first; };
            const auto want_b = [&](std::size_t i) { return composed_backward(g, va[i], vb[i], vd[i]).second; };
            const std::string where = "n = " + std::to_string(n) + ", offset = " + std::to_string(offset);

            aligned_vector<T> da(size, sentinel<T>()), db(size, sentinel<T>());
            const aligned_vector<T> a0 = a, b0 = b, dy0 = dy;
            xact::glu_backward(g, &a[start], &b[start], &dy[start], &da[start], &db[start], n);
            detail::check_run(fails, da, start, n, want_a, where + ", da");
            detail::check_run(fails, db, start, n, want_b, where + ", db");
            if (!std::equal(a.begin(), a.end(), a0.begin(), identical_bits<T>) ||
                !std::equal(b.begin(), b.end(), b0.begin(), identical_bits<T>) ||
                !std::equal(dy.begin(), dy.end(), dy0.begin(), identical_bits<T>))
                fails.add(where + ": an input changed");

            aligned_vector<T> ia = a0, ib = b0;
            xact::glu_backward(g, &ia[start], &ib[start], &dy0[start], &ia[start], &ib[start], n);
            detail::check_run(fails, ia, start, n, want_a, where + ", in place da = a");
            detail::check_run(fails, ib, start, n, want_b, where + ", in place db = b");

            aligned_vector<T> sa = a0, sb = b0;
            xact::glu_backward(g, &sa[start], &sb[start], &dy0[start], &sb[start], &sa[start], n);
            detail::check_run(fails, sb, start, n, want_a, where + ", in place da = b");
            detail::check_run(fails, sa, start, n, want_b, where + ", in place db = a");

            aligned_vector<T> gd = dy0, gb(size, sentinel<T>());
            xact::glu_backward(g, &a0[start], &b0[start], &gd[start], &gd[start], &gb[start], n);
            detail::check_run(fails, gd, start, n, want_a, where + ", in place da = dy");
            detail::check_run(fails, gb, start, n, want_b, where + ", db beside da = dy");
        }
    }
    fails.report("check_backward_lanes");
}

// All the checks of one gated unit for one type.
template <class T, class G>
void check_unit(const G& g)
{
    SECTION("forward, separate pointers: every length and offset equals the composition, in place too")
    {
        check_lanes2<T>([&](const T* a, const T* b, T* y, std::size_t n) { xact::glu_forward(g, a, b, y, n); },
                        [&](T a, T b) { return composed_forward(g, a, b); });
    }
    SECTION("backward, separate pointers: every length and offset equals the composition, in place too")
    {
        check_backward_lanes<T>(g);
    }
    SECTION("split forms over channels x samples, every channel count, column-major pointers and Eigen")
    {
        constexpr Eigen::Index L = static_cast<Eigen::Index>(lanes<T>);
        for (Eigen::Index c = 0; c <= 3 * L + 1; ++c) {
            for (Eigen::Index s : {1, 2, 5}) {
                INFO("channels " << c << ", samples " << s);
                const array_xx<T> x = input_matrix<T>(2 * c, s, std::uint64_t(c * 7 + s));
                const array_xx<T> dy = input_matrix<T>(c, s, std::uint64_t(c * 7 + s + 99));
                const array_xx<T> a = x.topRows(c), b = x.bottomRows(c);
                const array_xx<T> want_y = expected_forward(g, a, b);
                const auto want_d = expected_backward(g, a, b, dy);
                array_xx<T> want_dx(2 * c, s);
                want_dx.topRows(c) = want_d.first;
                want_dx.bottomRows(c) = want_d.second;

                array_xx<T> y = array_xx<T>::Constant(c, s, sentinel<T>());
                xact::glu_forward(g, x.data(), y.data(), std::size_t(c), std::size_t(s));
                CHECK(same(y, want_y));
                CHECK(same(xact::glu_forward(g, x), want_y));

                array_xx<T> dx = array_xx<T>::Constant(2 * c, s, sentinel<T>());
                xact::glu_backward(g, x.data(), dy.data(), dx.data(), std::size_t(c), std::size_t(s));
                CHECK(same(dx, want_dx));
                CHECK(same(xact::glu_backward(g, x, dy), want_dx));

                // in place: y onto x's first half, dx onto x
                array_xx<T> z = x;
                xact::glu_forward(g, z, z.topRows(c));
                CHECK(same(z.topRows(c), want_y));
                CHECK(same(z.bottomRows(c), b));
                z = x;
                xact::glu_backward(g, z, dy, z);
                CHECK(same(z, want_dx));

                // the separate Eigen forms on the halves as blocks (strided when s > 1)
                array_xx<T> ys(c, s), da(c, s), db(c, s);
                xact::glu_forward(g, x.topRows(c), x.bottomRows(c), ys);
                CHECK(same(ys, want_y));
                xact::glu_backward(g, x.topRows(c), x.bottomRows(c), dy, da, db);
                CHECK(same(da, want_d.first));
                CHECK(same(db, want_d.second));
            }
        }
    }
    SECTION("Eigen objects of every kind: row-major, strided Map, expressions, 1-D, fixed size")
    {
        const Eigen::Index c = 13, s = 7;
        const array_xx<T> x = input_matrix<T>(2 * c, s, 5), dy = input_matrix<T>(c, s, 6);
        const array_xx<T> a = x.topRows(c), b = x.bottomRows(c);
        const array_xx<T> want_y = expected_forward(g, a, b);
        const auto want_d = expected_backward(g, a, b, dy);
        array_xx<T> want_dx(2 * c, s);
        want_dx.topRows(c) = want_d.first;
        want_dx.bottomRows(c) = want_d.second;

        using matrix_r = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        const matrix_r xr = x.matrix(), dyr = dy.matrix();
        matrix_r yr(c, s), dxr(2 * c, s);
        xact::glu_forward(g, xr, yr);
        CHECK(same(yr, want_y));
        xact::glu_backward(g, xr, dyr, dxr);
        CHECK(same(dxr, want_dx));

        // every other element of a buffer (inner stride 2): the gaps stay untouched
        std::vector<T> storage(std::size_t(2 * c * s * 2), sentinel<T>());
        using strided_map = Eigen::Map<array_xx<T>, 0, Eigen::Stride<Eigen::Dynamic, 2>>;
        strided_map xs(storage.data(), 2 * c, s, Eigen::Stride<Eigen::Dynamic, 2>(2 * c * 2, 2));
        xs = x;
        array_xx<T> y(c, s);
        xact::glu_forward(g, xs, y);
        CHECK(same(y, want_y));
        xact::glu_backward(g, xs, dy, xs); // in place through the map
        CHECK(same(xs, want_dx));
        for (std::size_t i = 1; i < storage.size(); i += 2)
            CHECK(identical_bits(storage[i], sentinel<T>()));

        // an expression is evaluated once
        CHECK(same(xact::glu_forward(g, x * T(1)), want_y));
        CHECK(same(xact::glu_backward(g, x * T(1), dy * T(1)), want_dx));

        // 1-D objects split along their length, row or column
        using vector_c = Eigen::Array<T, Eigen::Dynamic, 1>;
        using vector_r = Eigen::Array<T, 1, Eigen::Dynamic>;
        const vector_c xc = x.col(0);
        const vector_r xrow = xc.transpose();
        const vector_c yc = xact::glu_forward(g, xc);
        const vector_r yrow = xact::glu_forward(g, xrow);
        CHECK(same(yc, want_y.col(0)));
        CHECK(same(yrow, want_y.col(0).transpose()));
        const vector_r dxrow = xact::glu_backward(g, xrow, dy.col(0).transpose().eval());
        CHECK(same(dxrow, want_dx.col(0).transpose()));

        // fixed size: the result's type has half the rows
        const Eigen::Array<T, 4, 3> xf = x.block(0, 0, 4, 3);
        const auto yf = xact::glu_forward(g, xf);
        static_assert(std::is_same_v<std::decay_t<decltype(yf)>, Eigen::Array<T, 2, 3>>, "half the rows, fixed");
        const array_xx<T> want_f = expected_forward(g, array_xx<T>(xf.topRows(2)), array_xx<T>(xf.bottomRows(2)));
        CHECK(same(yf, want_f));
        const Eigen::Matrix<T, 1, 6> xf_row = x.col(0).head(6).transpose().matrix();
        const auto yf_row = xact::glu_forward(g, xf_row);
        static_assert(std::is_same_v<std::decay_t<decltype(yf_row)>, Eigen::Matrix<T, 1, 3>>, "half the length");
        const array_xx<T> row_a = xf_row.head(3).array(), row_b = xf_row.tail(3).array();
        CHECK(same(yf_row, expected_forward(g, row_a, row_b)));
    }
}

} // namespace

TEMPLATE_TEST_CASE("glu = a * sigmoid(b) (the second half gates)", "[glu]", float, double)
{
    check_unit<TestType>(xact::glu{});
}

TEMPLATE_TEST_CASE("reglu = relu(a) * b", "[glu]", float, double)
{
    check_unit<TestType>(xact::reglu{});
}

TEMPLATE_TEST_CASE("geglu = gelu(a) * b", "[glu]", float, double)
{
    check_unit<TestType>(xact::geglu{});
}

TEMPLATE_TEST_CASE("geglu_tanh = gelu_tanh(a) * b", "[glu]", float, double)
{
    check_unit<TestType>(xact::geglu_tanh{});
}

TEMPLATE_TEST_CASE("swiglu = swish_beta(a) * b", "[glu]", float, double)
{
    SECTION("beta = 1 (silu)") { check_unit<TestType>(xact::swiglu{}); }
    SECTION("beta = 1.702") { check_unit<TestType>(xact::swiglu{1.702}); }
}

TEMPLATE_TEST_CASE("known values: which half is activated, and both gradients", "[glu]", float, double)
{
    using T = TestType;
    // x = [a; b] with a = (2, -1, 3), b = (3, 5, 0); values chosen so every result is exact.
    Eigen::Array<T, 6, 1> x;
    x << 2, -1, 3, 3, 5, 0;
    const Eigen::Array<T, 3, 1> dy(T(1), T(2), T(4));

    // reglu: relu(a) b = (6, 0, 0); da = dy b [a > 0] = (3, 0, 0); db = dy relu(a) = (2, 0, 12)
    CHECK(same(xact::glu_forward(xact::reglu{}, x), Eigen::Array<T, 3, 1>(6, 0, 0)));
    Eigen::Array<T, 6, 1> want_dx;
    want_dx << 3, 0, 0, 2, 0, 12;
    CHECK(same(xact::glu_backward(xact::reglu{}, x, dy), want_dx));

    // glu gates the first half by the second: at b = 0, sigmoid = 1/2 and sigmoid' = 1/4:
    // y_2 = 3/2, da_2 = dy sigmoid(0) = 2, db_2 = dy a sigmoid'(0) = 3
    const auto y = xact::glu_forward(xact::glu{}, x);
    CHECK(y(2) == T(1.5));
    const auto dx = xact::glu_backward(xact::glu{}, x, dy);
    CHECK(dx(2) == T(2));
    CHECK(dx(5) == T(3));
    // glu(a = 2, b = 3) = 2 sigmoid(3), not sigmoid(2) 3
    CHECK(std::fabs(double(y(0)) - 2 / (1 + std::exp(-3.0))) < 1e-6);

    // geglu at a = 0: gelu(0) = 0, gelu'(0) = 1/2; swiglu at a = 0: swish(0) = 0, swish'(0) = 1/2
    const array_xx<T> zero_gate = (array_xx<T>(2, 1) << T(0), T(8)).finished();
    const array_xx<T> dy1 = array_xx<T>::Constant(1, 1, T(2));
    for (const auto& out : {xact::glu_backward(xact::geglu{}, zero_gate, dy1),
                            xact::glu_backward(xact::geglu_tanh{}, zero_gate, dy1),
                            xact::glu_backward(xact::swiglu{3.0}, zero_gate, dy1)}) {
        CHECK(out(0) == T(8)); // da = dy b act'(0) = 2 * 8 / 2
        CHECK(out(1) == T(0)); // db = dy act(0)
    }
}

TEMPLATE_TEST_CASE("accuracy against the long double reference", "[glu]", float, double)
{
    using T = TestType;
    // act(a) within its documented bound (<= 4 ULP) then one rounding of the product: relative
    // error below (4 + 1) ULP of the product, which may sit a binade lower: 10 ULP.
    const double bound = 10;
    const auto a = ordered_values<T>(T(-9), T(9), 4001);
    std::vector<T> b(a.rbegin(), a.rend());
    for (T& v : b)
        v = v * T(0.75) + T(0.3);
    std::vector<T> y(a.size());
    auto check = [&](const auto& g, auto ref_act, bool gate_second) {
        xact::glu_forward(g, a.data(), b.data(), y.data(), a.size());
        double worst = 0;
        for (std::size_t i = 0; i < a.size(); ++i) {
            const real ra = a[i], rb = b[i];
            const real want = gate_second ? ra * ref_act(rb) : ref_act(ra) * rb;
            worst = std::max(worst, ulp_error(y[i], want));
        }
        INFO(g.name << ": " << worst << " ULP");
        CHECK(worst <= bound);
    };
    check(xact::glu{}, [](real v) { return xact_ref::sigmoid(v); }, true);
    check(xact::reglu{}, [](real v) { return xact_ref::relu(v); }, false);
    check(xact::geglu{}, [](real v) { return xact_ref::gelu(v); }, false);
    check(xact::geglu_tanh{}, [](real v) { return xact_ref::gelu_tanh(v); }, false);
    check(xact::swiglu{1.5}, [](real v) { return xact_ref::swish(v, real(1.5)); }, false);

    // glu's gradients: da = dy sigmoid(b), db = (dy a) sigmoid'(b) (no cancellation anywhere)
    std::vector<T> dy(a.size(), T(0.625)), da(a.size()), db(a.size());
    xact::glu_backward(xact::glu{}, a.data(), b.data(), dy.data(), da.data(), db.data(), a.size());
    double worst_a = 0, worst_b = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        worst_a = std::max(worst_a, ulp_error(da[i], real(dy[i]) * xact_ref::sigmoid(b[i])));
        worst_b = std::max(worst_b, ulp_error(db[i], real(dy[i]) * real(a[i]) * xact_ref::sigmoid_prime(b[i])));
    }
    INFO("glu da " << worst_a << ", db " << worst_b << " ULP");
    CHECK(worst_a <= bound);
    CHECK(worst_b <= bound + 1);
}

TEMPLATE_TEST_CASE("errors throw before any output is written", "[glu][errors]", float, double)
{
    using T = TestType;
    const xact::swiglu g;
    const auto fresh = [](Eigen::Index r, Eigen::Index c) -> array_xx<T> { return array_xx<T>::Constant(r, c, sentinel<T>()); };
    const auto untouched = [](const auto& m) {
        for (Eigen::Index i = 0; i < m.size(); ++i)
            if (!identical_bits(m.data()[i], sentinel<T>()))
                return false;
        return true;
    };
    // Runs call, expecting std::invalid_argument whose message contains every one of parts.
    const auto expect_error = [](auto call, std::initializer_list<const char*> parts) {
        try {
            call();
            FAIL_CHECK("no exception");
        } catch (const std::invalid_argument& e) {
            const std::string message = e.what();
            INFO(message);
            for (const char* p : parts)
                CHECK(message.find(p) != std::string::npos);
        }
    };
    const array_xx<T> x = input_matrix<T>(6, 4, 1), odd = input_matrix<T>(5, 4, 2), dy = input_matrix<T>(3, 4, 3);

    SECTION("odd number of rows")
    {
        auto y = fresh(2, 4);
        expect_error([&] { xact::glu_forward(g, odd, y); }, {"xact::glu_forward(swiglu)", "5x4", "even"});
        auto dx = fresh(5, 4);
        expect_error([&] { xact::glu_backward(g, odd, dy, dx); }, {"xact::glu_backward(swiglu)", "5x4", "even"});
        const Eigen::Array<T, 1, Eigen::Dynamic> row = x.row(0).head(3);
        Eigen::Array<T, 1, Eigen::Dynamic> yrow = fresh(1, 1);
        expect_error([&] { xact::glu_forward(g, row, yrow); }, {"3 elements", "even"});
        CHECK(untouched(y));
        CHECK(untouched(dx));
        CHECK(untouched(yrow));
    }
    SECTION("wrong output and gradient shapes")
    {
        auto y = fresh(3, 5);
        expect_error([&] { xact::glu_forward(g, x, y); }, {"y has shape 3x5", "expected 3x4", "6x4"});
        auto dx = fresh(6, 5);
        expect_error([&] { xact::glu_backward(g, x, dy, dx); }, {"dx has shape 6x5", "expected 6x4"});
        auto dx_ok = fresh(6, 4);
        const array_xx<T> dy_bad = input_matrix<T>(3, 3, 4);
        expect_error([&] { xact::glu_backward(g, x, dy_bad, dx_ok); }, {"dy has shape 3x3", "expected 3x4"});
        CHECK(untouched(y));
        CHECK(untouched(dx));
        CHECK(untouched(dx_ok));
    }
    SECTION("separate forms: mismatched shapes")
    {
        const array_xx<T> a = input_matrix<T>(3, 4, 5), b = input_matrix<T>(4, 3, 6);
        auto y = fresh(3, 4), da = fresh(3, 4), db = fresh(3, 4), db_bad = fresh(3, 2);
        expect_error([&] { xact::glu_forward(g, a, b, y); }, {"xact::glu_forward(swiglu)", "b has shape 4x3", "3x4"});
        expect_error([&] { xact::glu_backward(g, a, a, dy, da, db_bad); }, {"db has shape 3x2", "expected 3x4"});
        expect_error([&] { xact::glu_backward(g, a, b, dy, da, db); }, {"b has shape 4x3"});
        CHECK(untouched(y));
        CHECK(untouched(da));
        CHECK(untouched(db));
        CHECK(untouched(db_bad));
    }
    SECTION("null pointers with n > 0")
    {
        std::vector<T> v(8, T(1)), out(8, sentinel<T>()), out2 = out;
        expect_error([&] { xact::glu_forward(g, v.data(), static_cast<const T*>(nullptr), out.data(), 8); },
                     {"b is a null pointer with n = 8"});
        expect_error([&] { xact::glu_forward(g, v.data(), static_cast<T*>(nullptr), 4); }, {"y is a null pointer"});
        expect_error([&] { xact::glu_backward(g, v.data(), v.data(), v.data(), out.data(), static_cast<T*>(nullptr), 8); },
                     {"db is a null pointer"});
        CHECK(std::all_of(out.begin(), out.end(), [](T e) { return identical_bits(e, sentinel<T>()); }));
        // n = 0 with null pointers is a valid empty call
        xact::glu_forward(g, static_cast<const T*>(nullptr), static_cast<const T*>(nullptr), static_cast<T*>(nullptr), 0);
        xact::glu_backward(g, static_cast<const T*>(nullptr), static_cast<const T*>(nullptr),
                           static_cast<T*>(nullptr), 0, 3);
    }
    SECTION("partial overlap, and da sharing db")
    {
        std::vector<T> buf(40, sentinel<T>());
        const std::vector<T> a(16, T(1)), b(16, T(2)), d(16, T(3));
        std::vector<T> db(16, sentinel<T>());
        // y shifted by one element against a
        std::vector<T> ab(17, T(1));
        expect_error([&] { xact::glu_forward(g, ab.data(), b.data(), ab.data() + 1, 16); },
                     {"y (16x1) partially overlaps a (16x1)"});
        CHECK(std::all_of(ab.begin(), ab.end(), [](T e) { return e == T(1); }));
        // da and db the same memory
        expect_error([&] { xact::glu_backward(g, a.data(), b.data(), d.data(), buf.data(), buf.data(), 16); },
                     {"da (16x1) and db (16x1) share memory"});
        // da partially overlapping dy
        std::vector<T> dd(20, T(3));
        const std::vector<T> dd0 = dd;
        expect_error([&] { xact::glu_backward(g, a.data(), b.data(), dd.data(), dd.data() + 2, db.data(), 16); },
                     {"da (16x1) partially overlaps dy"});
        CHECK(std::equal(dd.begin(), dd.end(), dd0.begin(), identical_bits<T>));
        // the split form: y overlapping x's two halves
        array_xx<T> z = x;
        const array_xx<T> z0 = z;
        expect_error([&] { xact::glu_forward(g, z, z.middleRows(1, 3)); }, {"y (3x4) partially overlaps x's first half"});
        CHECK(same(z, z0));
        CHECK(std::all_of(buf.begin(), buf.end(), [](T e) { return identical_bits(e, sentinel<T>()); }));
        CHECK(std::all_of(db.begin(), db.end(), [](T e) { return identical_bits(e, sentinel<T>()); }));
    }
}
