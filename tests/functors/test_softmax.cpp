// softmax and log_softmax (functors/softmax.hpp): forward and the full Jacobian-vector product,
// per column, per row, on 1-D objects, with the special vectors of the contract.
#include <Eigen/Core>

#include "support/harness.hpp"

#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <xact/xact.hpp>

using namespace xact_test;
using xact_ref::real;

namespace {

template <class T>
std::vector<real> column(const Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>& a, Eigen::Index c)
{
    std::vector<real> v;
    for (Eigen::Index r = 0; r < a.rows(); ++r)
        v.push_back(a(r, c));
    return v;
}

// Random vectors with a spread of `range` around a random centre.
template <class T>
Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic> random_matrix(Eigen::Index rows, Eigen::Index cols, T range,
                                                             unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<T> d(-range, range), centre(-50, 50);
    Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic> a(rows, cols);
    for (Eigen::Index c = 0; c < cols; ++c) {
        const T m = centre(rng);
        for (Eigen::Index r = 0; r < rows; ++r)
            a(r, c) = m + d(rng);
    }
    return a;
}

} // namespace

TEMPLATE_TEST_CASE("softmax and log_softmax forward", "[softmax]", float, double)
{
    using T = TestType;
    using A = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
    for (Eigen::Index n : {1, 2, 3, 7, 16, 17, 33, 100, 1000}) {
        for (T range : {T(1), T(10), T(40)}) {
            const A x = random_matrix<T>(n, 3, range, static_cast<unsigned>(n * 7 + range));
            const A y = xact::forward(xact::softmax{}, x);
            const A ly = xact::forward(xact::log_softmax{}, x);
            for (Eigen::Index c = 0; c < x.cols(); ++c) {
                const auto ref = xact_ref::softmax(column(x, c));
                const auto lref = xact_ref::log_softmax(column(x, c));
                real sum = 0;
                for (Eigen::Index r = 0; r < n; ++r) {
                    INFO("n = " << n << ", range = " << range << ", r = " << r);
                    CHECK(ulp_error(y(r, c), ref[r]) <= 4);
                    CHECK(ulp_error(ly(r, c), lref[r]) <= 4);
                    sum += y(r, c);
                }
                CHECK(std::fabs(sum - 1) <= n * std::numeric_limits<T>::epsilon());
            }
        }
    }
}

TEMPLATE_TEST_CASE("softmax axes, layouts and in-place", "[softmax]", float, double)
{
    using T = TestType;
    using A = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
    using R = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const A x = random_matrix<T>(9, 5, T(5), 3);

    const A by_columns = xact::forward(xact::softmax{}, x);
    const A by_rows = xact::forward(xact::softmax{xact::rowwise}, x);
    // rowwise on x is columnwise on x's transpose
    const A t = x.transpose();
    const A by_columns_of_t = xact::forward(xact::softmax{}, t);
    for (Eigen::Index r = 0; r < x.rows(); ++r)
        for (Eigen::Index c = 0; c < x.cols(); ++c)
            CHECK(same_bits(by_rows(r, c), by_columns_of_t(c, r)));

    // the same numbers from a row-major copy, a strided map, and in place
    const R xr = x;
    R yr(x.rows(), x.cols());
    xact::forward(xact::softmax{}, xr, yr);
    CHECK((yr == by_columns).all());
    std::vector<T> wide(static_cast<std::size_t>(x.size() * 2));
    Eigen::Map<A, 0, Eigen::Stride<Eigen::Dynamic, 2>> strided(wide.data(), x.rows(), x.cols(),
                                                               Eigen::Stride<Eigen::Dynamic, 2>(x.rows() * 2, 2));
    strided = x;
    xact::forward(xact::softmax{}, strided, strided);
    CHECK((A(strided) == by_columns).all());
    A inplace = x;
    xact::forward(xact::softmax{}, inplace, inplace);
    CHECK((inplace == by_columns).all());

    // a 1-D object is one vector, whatever its orientation; so is the pointer form
    const Eigen::Matrix<T, 1, Eigen::Dynamic> row = x.col(0).matrix().transpose();
    const Eigen::Matrix<T, 1, Eigen::Dynamic> row_y = xact::forward(xact::softmax{}, row);
    for (Eigen::Index i = 0; i < x.rows(); ++i)
        CHECK(same_bits(row_y(i), by_columns(i, 0)));
    std::vector<T> p(x.data(), x.data() + x.size()), q(p.size());
    xact::forward(xact::softmax{}, p.data(), q.data(), static_cast<std::size_t>(x.rows()),
                  static_cast<std::size_t>(x.cols()));
    CHECK(std::equal(q.begin(), q.end(), by_columns.data()));
}

TEMPLATE_TEST_CASE("softmax special vectors", "[softmax]", float, double)
{
    using T = TestType;
    using V = Eigen::Array<T, Eigen::Dynamic, 1>;
    const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
    V masked(4);
    masked << -inf, -inf, -inf, -inf;
    CHECK(xact::forward(xact::softmax{}, masked).isNaN().all());
    CHECK((xact::forward(xact::softmax{xact::masked_zero}, masked) == T(0)).all());
    CHECK((xact::forward(xact::log_softmax{xact::masked_zero}, masked) == -inf).all());

    V partly(4);
    partly << T(1), -inf, T(2), -inf;
    const V y = xact::forward(xact::softmax{}, partly);
    CHECK(y(1) == T(0));
    CHECK(y(3) == T(0));
    CHECK(y(0) + y(2) == Approx(1));
    CHECK(xact::forward(xact::log_softmax{}, partly)(1) == -inf);

    V with_nan(3);
    with_nan << T(1), nan, T(2);
    CHECK(xact::forward(xact::softmax{}, with_nan).isNaN().all());
    CHECK(xact::forward(xact::log_softmax{}, with_nan).isNaN().all());

    V with_inf(4);
    with_inf << T(1), inf, T(3), inf;
    const V yi = xact::forward(xact::softmax{}, with_inf);
    CHECK(yi(0) == T(0));
    CHECK(yi(1) == T(0.5));
    CHECK(yi(3) == T(0.5));

    V huge(3);
    huge << std::numeric_limits<T>::max(), T(0), -std::numeric_limits<T>::max();
    const V yh = xact::forward(xact::softmax{}, huge);
    CHECK(yh(0) == T(1));
    CHECK(yh(1) == T(0));
    // x - m beyond T's range (-max - max): log_softmax is -inf there (the rounded -2 max), not
    // the NaN of an overflowed two-difference; the entries beside it are unaffected
    const V lh = xact::forward(xact::log_softmax{}, huge);
    CHECK(lh(0) == T(0));
    CHECK(lh(1) == -std::numeric_limits<T>::max());
    CHECK(lh(2) == -inf);
    V dyh(3);
    dyh << T(0.5), T(-2), T(3);
    V lg(3);
    xact::backward(xact::log_softmax{}, huge, dyh, lg);
    CHECK(lg(0) == T(0.5) - T(1.5)); // dy_i - y_i sum dy with y = (1, 0, 0), sum dy = 1.5
    CHECK(lg(1) == T(-2));
    CHECK(lg(2) == T(3));

    V empty(0);
    CHECK(xact::forward(xact::softmax{}, empty).size() == 0);
}

// The accuracy requirement on a small set (xact-accuracy --softmax checks the full one against
// MPFR): random, constant, huge-range and masked vectors; forward and backward within 4 ULP,
// backward except where dx_i's terms a - b (dy_i - <dy, y>, dy_i - y_i sum dy) are within
// `cancel` of cancelling, |a - b| <= cancel (|a| + |b|); there the error is judged against the
// terms' size: |err| <= 4 eps y_i (|a| + |b|) (softmax), 4 eps (|a| + |b|) (log_softmax).
// cancel is the requirement's 2^-20 for float; 2^-8 for double, where the long-double reference
// (2^-63) would itself be off by more than an ULP once the terms cancel further.
TEMPLATE_TEST_CASE("softmax and log_softmax within 4 ULP, forward and backward", "[softmax]", float, double)
{
    using T = TestType;
    const real eps = std::numeric_limits<T>::epsilon();
    const real cancel = std::is_same_v<T, float> ? 0x1p-20L : 0x1p-8L;
    std::mt19937 rng(2024);
    std::uniform_real_distribution<double> unit(0, 1);
    for (std::size_t n : {1, 2, 3, 7, 16, 17, 100, 1000}) {
        for (const char* kind : {"random", "constant", "huge-range", "masked"}) {
            const std::string k = kind;
            const double c = -5 + 10 * unit(rng);
            std::vector<T> x(n), dy(n);
            for (std::size_t i = 0; i < n; ++i) {
                if (k == "random")
                    x[i] = T(-10 + 20 * unit(rng));
                else if (k == "constant")
                    x[i] = T(c);
                else if (k == "huge-range") // most e^(x - max) underflow
                    x[i] = T((unit(rng) < 0.5 ? -1 : 1) * std::pow(10.0, 5 * unit(rng)));
                else
                    x[i] = unit(rng) < 0.5 ? -std::numeric_limits<T>::infinity() : T(-10 + 20 * unit(rng));
                dy[i] = T((unit(rng) < 0.5 ? -1 : 1) * (1 + unit(rng)));
            }
            const bool masked = k == "masked";
            const xact::options o = masked ? xact::masked_zero : xact::options::none;
            std::vector<T> y(n), ly(n), dx(n), ldx(n);
            xact::forward(xact::softmax(o), x.data(), y.data(), n, 1);
            xact::forward(xact::log_softmax(o), x.data(), ly.data(), n, 1);
            xact::backward(xact::softmax(o), x.data(), dy.data(), dx.data(), n, 1);
            xact::backward(xact::log_softmax(o), x.data(), dy.data(), ldx.data(), n, 1);

            const std::vector<real> xr(x.begin(), x.end()), dyr(dy.begin(), dy.end());
            const auto ref = xact_ref::softmax(xr, masked), lref = xact_ref::log_softmax(xr, masked);
            const auto vjp = xact_ref::softmax_vjp(xr, dyr, masked), lvjp = xact_ref::log_softmax_vjp(xr, dyr, masked);
            real s = 0, sum_dy = 0;
            for (std::size_t i = 0; i < n; ++i) {
                s += dyr[i] * ref[i];
                sum_dy += dyr[i];
            }
            for (std::size_t i = 0; i < n; ++i) {
                INFO(kind << " n = " << n << ", i = " << i << ", x_i = " << x[i] << ", dy_i = " << dy[i]);
                CHECK(ulp_error(y[i], ref[i]) <= 4);
                CHECK(ulp_error(ly[i], lref[i]) <= 4);
                const real terms = std::fabs(dyr[i]) + std::fabs(s);
                if (std::fabs(dyr[i] - s) <= cancel * terms)
                    CHECK(std::fabs(dx[i] - vjp[i]) <= 4 * eps * ref[i] * terms);
                else
                    CHECK(ulp_error(dx[i], vjp[i]) <= 4);
                const real lterms = std::fabs(dyr[i]) + std::fabs(ref[i] * sum_dy);
                if (std::fabs(lvjp[i]) <= cancel * lterms)
                    CHECK(std::fabs(ldx[i] - lvjp[i]) <= 4 * eps * lterms);
                else
                    CHECK(ulp_error(ldx[i], lvjp[i]) <= 4);
            }
        }
    }
}

TEMPLATE_TEST_CASE("softmax and log_softmax backward from the output", "[softmax]", float, double)
{
    using T = TestType;
    using A = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
    for (Eigen::Index n : {1, 5, 16, 31, 200}) {
        const A x = random_matrix<T>(n, 2, T(4), static_cast<unsigned>(n));
        const A dy = random_matrix<T>(n, 2, T(1), static_cast<unsigned>(n + 100));
        A dx_out(n, 2), ldx_out(n, 2);
        xact::backward_from_output(xact::softmax{}, xact::forward(xact::softmax{}, x), dy, dx_out);
        xact::backward_from_output(xact::log_softmax{}, xact::forward(xact::log_softmax{}, x), dy, ldx_out);
        for (Eigen::Index c = 0; c < 2; ++c) {
            const auto ref = xact_ref::softmax_vjp(column(x, c), column(dy, c));
            const auto lref = xact_ref::log_softmax_vjp(column(x, c), column(dy, c));
            const auto scale = xact_ref::softmax_vjp_scale(column(x, c), column(dy, c));
            const auto lscale = xact_ref::log_softmax_vjp_scale(column(x, c), column(dy, c));
            for (Eigen::Index r = 0; r < n; ++r) {
                INFO("n = " << n << ", r = " << r);
                // y carries its own rounding (a few ULP, magnified by log_softmax's e^y): a
                // small multiple of eps times the terms' size
                const real tol = 8 * std::numeric_limits<T>::epsilon();
                CHECK(std::fabs(dx_out(r, c) - ref[r]) <= tol * scale[r]);
                CHECK(std::fabs(ldx_out(r, c) - lref[r]) <= tol * lscale[r]);
            }
        }
    }
}

// softmax's backward from the output for the y given (any y, not only a rounded softmax):
// dx_i = y_i (dy_i - s), s = <y, dy>. Reference: s as an exact double-word sum of exact
// products (fma), dy_i - s and the product in long double. Within 1.5 ULP (2.5 without a fused
// fma: one rounding more) where dy_i - s does not cancel by more than 2^20 (there dy_i - s_hi is
// exact, and where it rounds it is at least s/2), 2 eps y_i (|dy_i| + |s|) beyond; entries with
// dy_i next to s (their y_i tiny, so s hardly moves) make cancellations of every size; in place
// on y or dy, the same bits.
TEMPLATE_TEST_CASE("softmax backward from the output within 1.5 ULP of the y given", "[softmax]", float, double)
{
    using T = TestType;
    std::mt19937 rng(2026);
    std::uniform_real_distribution<double> mag(0.5, 2.0), spread(-12.0, 0.0), unit(0.0, 1.0);
    const std::size_t L = xsimd::batch<T>::size;
    std::vector<std::size_t> lengths{1000};
    for (std::size_t n = 1; n <= 3 * L + 1; ++n)
        lengths.push_back(n);
    const double bound = (xact::math::has_fused_fma ? 1.5 : 2.5) + 1e-3; // and the reference's 2^-64
    std::size_t cancelled = 0;
    for (const std::size_t n : lengths) {
        std::vector<T> y(n), dy(n);
        for (std::size_t i = 0; i < n; ++i) {
            y[i] = static_cast<T>(std::exp2(spread(rng)));
            dy[i] = static_cast<T>(unit(rng) < 0.5 ? -mag(rng) : mag(rng));
        }
        // every fourth entry: y_i tiny and dy_i set next to s (computed without it)
        const auto dot = [&] {
            double hi = 0, lo = 0;
            for (std::size_t j = 0; j < n; ++j) {
                const double p = double(y[j]) * double(dy[j]);
                const double e = std::fma(double(y[j]), double(dy[j]), -p);
                const double t = hi + p, z = t - hi;
                lo += ((hi - (t - z)) + (p - z)) + e;
                hi = t;
            }
            return std::pair<double, double>{hi, lo};
        };
        // (the tiny y_i first: s then moves by y_i dy_i ~ 2^-35 s as the dy_i are placed)
        for (std::size_t i = 3; i < n; i += 4)
            y[i] = static_cast<T>(std::exp2(-40.0 + spread(rng)));
        const auto s0 = dot();
        for (std::size_t i = 3; i < n; i += 4) {
            const double size = mag(rng);
            const int k = int(unit(rng) * 30);
            const double shift = unit(rng) < 0.5 ? -std::ldexp(size, -k) : std::ldexp(size, -k); // dy_i - s ~ s 2^-k
            dy[i] = static_cast<T>((static_cast<real>(s0.first) + s0.second) * (1 + shift));
        }
        const auto s = dot();
        const real sr = static_cast<real>(s.first) + s.second;
        std::vector<T> dx(n), on_y = y, on_dy = dy;
        xact::backward_from_output(xact::softmax{}, y.data(), dy.data(), dx.data(), n, 1);
        xact::backward_from_output(xact::softmax{}, on_y.data(), dy.data(), on_y.data(), n, 1);
        xact::backward_from_output(xact::softmax{}, y.data(), on_dy.data(), on_dy.data(), n, 1);
        const real eps = std::numeric_limits<T>::epsilon();
        for (std::size_t i = 0; i < n; ++i) {
            INFO("n = " << n << ", i = " << i << ", y_i = " << y[i] << ", dy_i = " << dy[i] << ", s = " << double(sr));
            // dy_i - s to 2^-64 relative: dy_i - s.first in long double is exact for float data
            // and within 2^-64 of it for double, s.second adds its own part
            const real d = (static_cast<real>(dy[i]) - static_cast<real>(s.first)) - static_cast<real>(s.second);
            const real ref = static_cast<real>(y[i]) * d;
            const real terms = std::fabs(static_cast<real>(dy[i])) + std::fabs(sr);
            if (std::fabs(d) > std::ldexp(terms, -20)) {
                CHECK(ulp_error(dx[i], ref) <= bound);
            } else {
                ++cancelled;
                CHECK(std::fabs(static_cast<real>(dx[i]) - ref) <= 2 * eps * static_cast<real>(y[i]) * terms);
            }
            CHECK(std::memcmp(&on_y[i], &dx[i], sizeof(T)) == 0);
            CHECK(std::memcmp(&on_dy[i], &dx[i], sizeof(T)) == 0);
        }
    }
    CHECK(cancelled > 20); // the mixed branch was exercised
}

TEMPLATE_TEST_CASE("log_softmax of a dominant entry keeps its tiny value", "[softmax]", float, double)
{
    using T = TestType;
    // log_softmax_2 = -log1p(e^(x_0 - x_2) + e^(x_1 - x_2)) ~ -e^-145.6: 1 + that rounds to 1
    const std::vector<T> x{T(113.21205075665844), T(3.1676574861762736), T(258.85880386132487)};
    std::vector<T> y(3);
    xact::forward(xact::log_softmax{}, x.data(), y.data(), 3, 1);
    const auto ref = xact_ref::log_softmax(std::vector<real>(x.begin(), x.end()));
    CHECK(ref[2] < 0);
    for (std::size_t i = 0; i < 3; ++i)
        CHECK(ulp_error(y[i], ref[i]) <= 4);
}

// The float passes compute e^(x - m) in float where the maximum is at most 2^20 (the clamp
// m - 110 must lie below m) and in double above it; up to |m| = 2^15 from e^x 2^k (x's own
// reduction, whose ln2_lo term errs by n 2^-44); the double passes clamp x at m - 746 first
// where |m| <= 2^50 (beyond, that would round too far). The vectors' tails load their last full
// batch again, masking the lanes already summed. Here: maxima on both sides of those limits with
// entries close below them (every e^(x_i - m) counts), entries far below (zeroed without
// computing a denormal scaling) and in the denormal range (kept), every length from 1 to 3
// batches plus one, out of place and in place (y = x) with the same bits, within 4 ULP.
TEMPLATE_TEST_CASE("softmax and log_softmax across the exponential's paths and the tails", "[softmax]", float,
                   double)
{
    using T = TestType;
    std::mt19937 rng(77);
    std::uniform_int_distribution<int> step(0, 40), kind(0, 9);
    const std::size_t L = xsimd::batch<T>::size;
    std::vector<double> tops = {3.0,      -150.0,    32767.0,    32769.0,    -32767.0, -32769.0,
                                1048575.0, 1048577.0, 16777300.0, 1e9, -2e6};
    if (std::is_same_v<T, double>)
        tops.insert(tops.end(), {0x1p50 - 2, 0x1p50 + 4, -0x1p50 - 4, 1e17, -3e15, 3e18});
    // the band where e underflows to a denormal, then to 0
    const double underflow = std::is_same_v<T, float> ? 95 : 735;
    for (const double top : tops) {
        for (std::size_t n = 1; n <= 3 * L + 1; ++n) {
            std::vector<T> x(n);
            for (std::size_t i = 0; i < n; ++i) {
                const int k = kind(rng);
                // mostly within 40 steps below the top; some 95-108 (float) or 735-748 (double)
                // below, some far below or -inf
                const double below = k < 7                ? step(rng) * 0.25
                                     : k == 7             ? underflow + step(rng) * 0.33
                                     : k == 8             ? 1e4
                                                          : 1e300;
                x[i] = below == 1e300 ? -std::numeric_limits<T>::infinity() : T(top - below);
            }
            x[n / 2] = T(top);
            const std::vector<real> xr(x.begin(), x.end());
            const auto ref = xact_ref::softmax(xr), lref = xact_ref::log_softmax(xr);
            for (const bool log : {false, true}) {
                std::vector<T> y(n), in_place = x;
                if (log) {
                    xact::forward(xact::log_softmax{}, x.data(), y.data(), n, 1);
                    xact::forward(xact::log_softmax{}, in_place.data(), in_place.data(), n, 1);
                } else {
                    xact::forward(xact::softmax{}, x.data(), y.data(), n, 1);
                    xact::forward(xact::softmax{}, in_place.data(), in_place.data(), n, 1);
                }
                for (std::size_t i = 0; i < n; ++i) {
                    INFO((log ? "log_softmax" : "softmax") << " top = " << top << ", n = " << n << ", i = " << i
                                                           << ", x_i = " << x[i]);
                    CHECK(ulp_error(y[i], log ? lref[i] : ref[i]) <= 4);
                    CHECK(std::memcmp(&y[i], &in_place[i], sizeof(T)) == 0);
                }
            }
        }
    }
}

// Entries of every magnitude up to 2^(emax - 10), both signs, with dy = x or dy independent and
// as large (the sums stay finite; without FMA, products of such entries take math::two_prod's
// scaled split), and ordinary x with such dy. A huge x_i - m has a huge exact low word too
// (x - m for x = -2.7e68, m = 2.9e207 has lo = -2.7e68): it once reached the products as if it
// were small, and overflowed (-inf where dx = -2.7e68, from the fuzzer) or gave a softmax of
// -2^-523 where the exact one underflows to 0. With ordinary x and huge dy, y_i (dy_i - s) once
// overflowed in the first of the two steps of its scaling by 2^n_i (also from the fuzzer).
// Every result is finite; forward and log_softmax backward within 4 ULP (the mixed bound where
// log_softmax backward cancels); softmax backward within 4 eps of its scale plus the denormal
// level of dy's size (e^(x - m) below T's range is clamped, not 0).
TEMPLATE_TEST_CASE("softmax and log_softmax of huge-magnitude entries", "[softmax]", float, double)
{
    using T = TestType;
    using L = std::numeric_limits<T>;
    const real eps = L::epsilon(), dmin = L::denorm_min();
    const real cancel = std::is_same_v<T, float> ? 0x1p-20L : 0x1p-8L;
    std::mt19937 rng(68);
    std::uniform_real_distribution<double> unit(0, 1);
    const auto huge = [&] {
        return T((unit(rng) < 0.5 ? -1 : 1) * std::ldexp(1 + unit(rng), int((L::max_exponent - 10) * unit(rng))));
    };
    for (std::size_t n : {2, 5, 17, 125}) {
        for (int rep = 0; rep < 8; ++rep) {
            std::vector<T> x(n), dy(n);
            for (std::size_t i = 0; i < n; ++i) {
                x[i] = rep % 4 < 2 ? huge() : T(-10 + 20 * unit(rng));
                dy[i] = rep % 2 ? huge() : x[i];
            }
            std::vector<T> y(n), ly(n), dx(n), ldx(n);
            xact::forward(xact::softmax{}, x.data(), y.data(), n, 1);
            xact::forward(xact::log_softmax{}, x.data(), ly.data(), n, 1);
            xact::backward(xact::softmax{}, x.data(), dy.data(), dx.data(), n, 1);
            xact::backward(xact::log_softmax{}, x.data(), dy.data(), ldx.data(), n, 1);
            const std::vector<real> xr(x.begin(), x.end()), dyr(dy.begin(), dy.end());
            const auto ref = xact_ref::softmax(xr), lref = xact_ref::log_softmax(xr);
            const auto vjp = xact_ref::softmax_vjp(xr, dyr), lvjp = xact_ref::log_softmax_vjp(xr, dyr);
            const auto scale = xact_ref::softmax_vjp_scale(xr, dyr), lscale = xact_ref::log_softmax_vjp_scale(xr, dyr);
            real dy_abs = 0;
            for (real g : dyr)
                dy_abs += std::fabs(g);
            for (std::size_t i = 0; i < n; ++i) {
                INFO("n = " << n << ", rep = " << rep << ", i = " << i << ", x_i = " << x[i] << ", dy_i = " << dy[i]);
                REQUIRE(std::isfinite(y[i]));
                REQUIRE(std::isfinite(ly[i]));
                REQUIRE(std::isfinite(dx[i]));
                REQUIRE(std::isfinite(ldx[i]));
                CHECK(ulp_error(y[i], ref[i]) <= 4);
                CHECK(ulp_error(ly[i], lref[i]) <= 4);
                CHECK(std::fabs(dx[i] - vjp[i]) <= 4 * eps * scale[i] + dmin * (std::fabs(dyr[i]) + dy_abs));
                if (std::fabs(lvjp[i]) <= cancel * lscale[i])
                    CHECK(std::fabs(ldx[i] - lvjp[i]) <= 4 * eps * lscale[i]);
                else
                    CHECK(ulp_error(ldx[i], lvjp[i]) <= 4);
            }
        }
    }
}

TEMPLATE_TEST_CASE("softmax properties", "[softmax]", float, double)
{
    using T = TestType;
    using V = Eigen::Array<T, Eigen::Dynamic, 1>;
    const auto small_vector = [] {
        const auto v = *rc::gen::container<std::vector<int>>(rc::gen::inRange(-5000, 5000));
        RC_PRE(!v.empty());
        V x(static_cast<Eigen::Index>(v.size()));
        for (std::size_t i = 0; i < v.size(); ++i)
            x(static_cast<Eigen::Index>(i)) = T(v[i]) / T(1000);
        return x;
    };
    rc::prop("sums to 1 and lies in [0, 1]", [&] {
        const V y = xact::forward(xact::softmax{}, small_vector());
        RC_ASSERT(std::fabs(y.sum() - T(1)) <= T(y.size()) * std::numeric_limits<T>::epsilon());
        RC_ASSERT((y >= T(0)).all() && (y <= T(1)).all());
    });
    rc::prop("is invariant to a shift", [&] {
        const V x = small_vector();
        const T c = T(*rc::gen::inRange(-100, 100));
        const V a = xact::forward(xact::softmax{}, x), b = xact::forward(xact::softmax{}, (x + c).eval());
        RC_ASSERT(((a - b).abs() <= 64 * std::numeric_limits<T>::epsilon() * (T(1) + std::fabs(c)) * a.abs().max(T(1e-3)))
                      .all());
    });
    rc::prop("backward is the finite-difference VJP of the reference", [&] {
        const V x = small_vector();
        const V dy = small_vector().head(std::min<Eigen::Index>(x.size(), 1)).replicate(x.size(), 1);
        for (bool log : {false, true}) {
            V dx(x.size());
            if (log)
                xact::backward(xact::log_softmax{}, x, dy, dx);
            else
                xact::backward(xact::softmax{}, x, dy, dx);
            // d/dx_j of sum_i dy_i f_i(x) by central differences
            for (Eigen::Index j = 0; j < x.size(); ++j) {
                std::vector<real> xp(x.data(), x.data() + x.size()), xm = xp;
                const real h = 1e-6L;
                xp[static_cast<std::size_t>(j)] += h;
                xm[static_cast<std::size_t>(j)] -= h;
                const auto fp = log ? xact_ref::log_softmax(xp) : xact_ref::softmax(xp);
                const auto fm = log ? xact_ref::log_softmax(xm) : xact_ref::softmax(xm);
                real fd = 0;
                for (Eigen::Index i = 0; i < x.size(); ++i)
                    fd += dy(i) * (fp[static_cast<std::size_t>(i)] - fm[static_cast<std::size_t>(i)]) / (2 * h);
                RC_ASSERT(std::fabs(dx(j) - fd) <= 1e-4L * (1 + std::fabs(fd)) * x.size());
            }
        }
    });
}
