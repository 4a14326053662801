// xact::dispatch through the public free functions, for the architecture XACT_ARCH names (ctest
// runs this program once per architecture; without XACT_ARCH, the best this CPU has):
// accuracy against the long double reference with the functors' own bounds, every length and
// alignment against one long run bit for bit (body and tail agree), strided and per-channel
// layouts, parameters, softmax, and the errors of XACT_ARCH.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <xact/dispatch.hpp>
#include <xact/xact.hpp>

#include "support/harness.hpp"
#include "support/reference.hpp"
#include "support/reference_extra.hpp"

#if !defined(XACT_USE_DISPATCH)
#error "this test must link xact::dispatch"
#endif

using xact_ref::real;
using namespace xact_test;

namespace {

// The widest batch of any architecture (AVX-512: 16 floats), so that lengths and offsets
// cover the body and the tail of every one of them.
template <class T>
constexpr std::size_t max_lanes = 64 / sizeof(T);

template <class F, class = void>
struct has_from_output : std::false_type {};
template <class F>
struct has_from_output<F, std::void_t<decltype(std::declval<const F&>().derivative_from_output(0.0f))>>
    : std::true_type {};

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

template <class T>
std::vector<T> accuracy_inputs()
{
    auto xs = sweep_inputs<T>();
    for (std::size_t i = 0; i <= (std::size_t(1) << 16); ++i)
        xs.push_back(T(-40) + T(80) * T(i) / T(std::size_t(1) << 16));
    return xs;
}

// op(a, b, out, n) over every length 0..3L+1 and offset 0..L (L = max_lanes) must give, element
// for element, the bits of one long run over the same values: nothing depends on position,
// length or alignment.
template <class T, class Op>
void check_position_independence(const char* what, Op op)
{
    constexpr std::size_t L = max_lanes<T>;
    const std::size_t longest = 3 * L + 1;
    const auto a = lane_inputs<T>(longest, 11), b = lane_inputs<T>(longest, 12);
    std::vector<T> want(longest);
    op(a.data(), b.data(), want.data(), longest);
    std::size_t mismatches = 0;
    for (std::size_t n = 0; n <= longest; ++n) {
        for (std::size_t offset = 0; offset <= L; ++offset) {
            aligned_vector<T> ba(offset + n + 1), bb(offset + n + 1), out(offset + n + 1, T(-7));
            std::copy(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), ba.begin() + static_cast<std::ptrdiff_t>(offset));
            std::copy(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n), bb.begin() + static_cast<std::ptrdiff_t>(offset));
            op(ba.data() + offset, bb.data() + offset, out.data() + offset, n);
            for (std::size_t i = 0; i < n; ++i)
                if (!same_bits(out[offset + i], want[i]) && mismatches++ < 5)
                    FAIL_CHECK(what << ": n = " << n << ", offset = " << offset << ", i = " << i << ": " << out[offset + i]
                                    << " vs " << want[i] << " in the long run");
            CHECK(out[offset + n] == T(-7)); // nothing written past the end
        }
    }
    CHECK(mismatches == 0);
}

// Strided layouts (a block, an inner stride) walk other loops than a flat array: same bits.
template <class T, class F>
void check_layouts(const F& f)
{
    using A = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
    const auto values = lane_inputs<T>(23 * 41, 5);
    const A big = Eigen::Map<const A>(values.data(), 23, 41);
    const auto block = big.block(2, 3, 19, 37);            // contiguous columns, outer stride 23
    const A flat = block;                                    // the same values, contiguous
    A y_block(19, 37), y_flat(19, 37);
    xact::forward(f, block, y_block);
    xact::forward(f, flat, y_flat);
    Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> y_rowmajor(19, 37);
    xact::derivative(f, block, y_rowmajor); // a row-major output: walked with a stride
    A d_flat(19, 37);
    xact::derivative(f, flat, d_flat);
    std::size_t mismatches = 0;
    for (Eigen::Index c = 0; c < 37; ++c)
        for (Eigen::Index r = 0; r < 19; ++r)
            mismatches += !same_bits(y_block(r, c), y_flat(r, c)) + !same_bits(y_rowmajor(r, c), d_flat(r, c));
    CHECK(mismatches == 0);
}

// The derivative's metric of the accuracy issue (as tests/support/elementwise_suite.hpp): ULPs,
// except within 1/4 of the root of f' where |f'| < max|f'|/1024: absolute, in eps max|f'|.
template <class T>
double derivative_metric(T x, T got, real want, real max_prime, real root)
{
    if (!std::isnan(root) && std::fabs(static_cast<real>(x) - root) <= real(0.25))
        return mixed_error(got, want, max_prime);
    return ulp_error(got, want);
}

template <class T, class F, class Ref, class RefPrime>
void check_function(const F& f, Ref ref, RefPrime ref_prime, double forward_bound, double derivative_bound,
                    real max_prime, real root = std::numeric_limits<real>::quiet_NaN())
{
    INFO(F::name << " (" << (sizeof(T) == 4 ? "float" : "double") << ") on " << xact::dispatch::active_arch());
    const auto xs = accuracy_inputs<T>();
    const auto ulps = [](T got, real want) { return ulp_error(got, want); };
    const auto fwd = measure<T>(xs, [&](const T* x, T* y, std::size_t n) { xact::forward(f, x, y, n); }, ref, ulps);
    std::vector<T> d_all(xs.size());
    xact::derivative(f, xs.data(), d_all.data(), xs.size());
    error_stats der;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const real want = ref_prime(static_cast<real>(xs[i]));
        der.add(derivative_metric(xs[i], d_all[i], want, max_prime, root), xs[i], d_all[i], want);
    }
    INFO("forward: " << fwd.describe() << "; derivative: " << der.describe());
    CHECK(fwd.max <= forward_bound);
    CHECK(der.max <= derivative_bound);

    // backward is dy * f'(x) with one rounding, f' as derivative gives it.
    const auto dy = lane_inputs<T>(xs.size(), 99);
    std::vector<T> d(xs.size()), dx(xs.size());
    xact::derivative(f, xs.data(), d.data(), xs.size());
    xact::backward(f, xs.data(), dy.data(), dx.data(), xs.size());
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < xs.size(); ++i)
        mismatches += !same_bits(dx[i], T(dy[i] * d[i]));
    CHECK(mismatches == 0);

    if constexpr (has_from_output<F>::value) {
        // From the output: close to dy f'(x) from the reference, where the output determines x's branch.
        std::vector<T> x(4001), y(4001), ones(4001, T(1)), g(4001);
        for (std::size_t i = 0; i < x.size(); ++i)
            x[i] = T(-6) + T(12) * T(i) / T(4000);
        xact::forward(f, x.data(), y.data(), x.size());
        xact::backward_from_output(f, y.data(), ones.data(), g.data(), x.size());
        for (std::size_t i = 0; i < x.size(); ++i)
            if (std::fabs(g[i] - ref_prime(x[i])) > 64 * std::numeric_limits<T>::epsilon() * max_prime)
                FAIL_CHECK("backward_from_output at x = " << x[i] << ": " << g[i] << " vs " << double(ref_prime(x[i])));
    }

    check_position_independence<T>("forward", [&](const T* a, const T*, T* out, std::size_t n) { xact::forward(f, a, out, n); });
    check_position_independence<T>("derivative", [&](const T* a, const T*, T* out, std::size_t n) { xact::derivative(f, a, out, n); });
    check_position_independence<T>("backward", [&](const T* a, const T* b, T* out, std::size_t n) { xact::backward(f, a, b, out, n); });
    if constexpr (has_from_output<F>::value)
        check_position_independence<T>("backward_from_output", [&](const T* a, const T* b, T* out, std::size_t n) {
            xact::backward_from_output(f, a, b, out, n);
        });
    check_layouts<T>(f);
}

} // namespace

TEST_CASE("the active architecture is XACT_ARCH's, or the best this CPU runs", "[dispatch]")
{
    const auto supported = xact::dispatch::supported_archs();
    REQUIRE(!supported.empty());
    const char* forced = std::getenv("XACT_ARCH");
    const std::string active = xact::dispatch::active_arch();
    if (forced != nullptr && *forced != '\0')
        CHECK(active == forced);
    else
        CHECK(active == supported.back());
    const auto compiled = xact::dispatch::compiled_archs();
    for (const auto& a : supported)
        CHECK(std::find(compiled.begin(), compiled.end(), a) != compiled.end());
}

TEMPLATE_TEST_CASE("element-wise functions through dispatch", "[dispatch]", float, double)
{
    using T = TestType;
    // Bounds: the accuracy issue's (forward 2, derivative 3 ULP; leaky_relu's alpha is rounded
    // to T first, and then the forward is correctly rounded and the derivative exact).
    SECTION("relu") { check_function<T>(xact::relu{}, xact_ref::relu, xact_ref::relu_prime, 0, 0, 1); }
    SECTION("leaky_relu, alpha = 0.2")
    {
        const real a = T(0.2);
        check_function<T>(xact::leaky_relu(0.2), [a](real x) { return xact_ref::leaky_relu(x, a); },
                          [a](real x) { return xact_ref::leaky_relu_prime(x, a); }, 0.5, 0, 1);
    }
    SECTION("elu, alpha = 0.5")
    {
        check_function<T>(xact::elu(0.5), [](real x) { return xact_ref::elu(x, 0.5); },
                          [](real x) { return xact_ref::elu_prime(x, 0.5); }, 2, 3, 1);
    }
    SECTION("gelu")
    {
        check_function<T>(xact::gelu{}, xact_ref::gelu, xact_ref::gelu_prime, 2, 3, xact_ref::gelu_max_prime,
                          xact_ref::gelu_prime_root);
    }
    SECTION("gelu_tanh")
    {
        check_function<T>(xact::gelu_tanh{}, xact_ref::gelu_tanh, xact_ref::gelu_tanh_prime, 2, 3,
                          xact_ref::gelu_tanh_max_prime, xact_ref::gelu_tanh_prime_root);
    }
    SECTION("sigmoid") { check_function<T>(xact::sigmoid{}, xact_ref::sigmoid, xact_ref::sigmoid_prime, 2, 3, 0.25L); }
    SECTION("tanh") { check_function<T>(xact::tanh{}, xact_ref::tanh, xact_ref::tanh_prime, 2, 3, 1); }
    SECTION("swish, beta = 1.75")
    {
        check_function<T>(xact::swish(1.75), [](real x) { return xact_ref::swish(x, 1.75L); },
                          [](real x) { return xact_ref::swish_prime(x, 1.75L); }, 2, 3, xact_ref::silu_max_prime,
                          xact_ref::silu_prime_root / real(1.75));
    }
    SECTION("silu")
    {
        check_function<T>(xact::silu{}, xact_ref::silu, xact_ref::silu_prime, 2, 3, xact_ref::silu_max_prime,
                          xact_ref::silu_prime_root);
    }
    SECTION("quick_gelu")
    {
        check_function<T>(xact::quick_gelu{}, xact_ref::quick_gelu, xact_ref::quick_gelu_prime, 2, 3,
                          xact_ref::silu_max_prime, xact_ref::silu_prime_root / xact_ref::quick_gelu_beta);
    }
    SECTION("selu") { check_function<T>(xact::selu{}, xact_ref::selu, xact_ref::selu_prime, 2, 3, xact_ref::selu_max_prime); }
    SECTION("celu, alpha = 0.3")
    {
        check_function<T>(xact::celu(0.3), [](real x) { return xact_ref::celu(x, real(0.3)); },
                          [](real x) { return xact_ref::celu_prime(x, real(0.3)); }, 2, 3, 1);
    }
    SECTION("softplus, beta = 1.5, threshold = 10")
    {
        check_function<T>(xact::softplus(1.5, 10), [](real x) { return xact_ref::softplus(x, 1.5L, 10); },
                          [](real x) { return xact_ref::softplus_prime(x, 1.5L, 10); }, 2, 3,
                          xact_ref::softplus_max_prime);
    }
    SECTION("log_sigmoid")
    {
        check_function<T>(xact::log_sigmoid{}, xact_ref::log_sigmoid, xact_ref::log_sigmoid_prime, 2, 3,
                          xact_ref::log_sigmoid_max_prime);
    }
    SECTION("mish")
    {
        check_function<T>(xact::mish{}, xact_ref::mish, xact_ref::mish_prime, 2, 3, xact_ref::mish_max_prime,
                          xact_ref::mish_prime_root);
    }
    // The piecewise-linear functions are correctly rounded (their derivatives exact or 1/6 rounded).
    SECTION("hard_sigmoid")
    {
        check_function<T>(xact::hard_sigmoid{}, xact_ref::hard_sigmoid, xact_ref::hard_sigmoid_prime, 0.5, 0.5,
                          xact_ref::hard_sigmoid_max_prime);
    }
    SECTION("hard_swish")
    {
        check_function<T>(xact::hard_swish{}, xact_ref::hard_swish, xact_ref::hard_swish_prime, 0.5, 0.5,
                          xact_ref::hard_swish_max_prime);
    }
    SECTION("relu6") { check_function<T>(xact::relu6{}, xact_ref::relu6, xact_ref::relu6_prime, 0, 0, 1); }
    SECTION("hard_tanh, -0.7 to 2.3")
    {
        const real lo = T(-0.7), hi = T(2.3); // applied rounded to T
        check_function<T>(xact::hard_tanh(-0.7, 2.3), [=](real x) { return xact_ref::hard_tanh(x, lo, hi); },
                          [=](real x) { return xact_ref::hard_tanh_prime(x, lo, hi); }, 0, 0, 1);
    }
    SECTION("softsign")
    {
        check_function<T>(xact::softsign{}, xact_ref::softsign, xact_ref::softsign_prime, 2, 3,
                          xact_ref::softsign_max_prime);
    }
}

TEMPLATE_TEST_CASE("prelu with one alpha per channel equals leaky_relu row by row", "[dispatch]", float, double)
{
    using T = TestType;
    using A = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
    const std::vector<double> alphas{0.1, 0.25, 0.3};
    const auto values = lane_inputs<T>(3 * 45, 3), grads = lane_inputs<T>(3 * 45, 4);
    const A x = Eigen::Map<const A>(values.data(), 3, 45), dy = Eigen::Map<const A>(grads.data(), 3, 45);
    const xact::prelu f(alphas);
    const A y = xact::forward(f, x);
    A dx(3, 45), dx_out(3, 45);
    xact::backward(f, x, dy, dx);
    xact::backward_from_output(f, y, dy, dx_out);
    for (Eigen::Index r = 0; r < 3; ++r) {
        const xact::leaky_relu g(alphas[static_cast<std::size_t>(r)]);
        const Eigen::Array<T, 1, Eigen::Dynamic> xr = x.row(r), gr = dy.row(r);
        const Eigen::Array<T, 1, Eigen::Dynamic> yr = xact::forward(g, xr);
        Eigen::Array<T, 1, Eigen::Dynamic> dxr(45), dxr_out(45);
        xact::backward(g, xr, gr, dxr);
        xact::backward_from_output(g, yr, gr, dxr_out);
        for (Eigen::Index c = 0; c < 45; ++c) {
            CHECK(same_bits(y(r, c), yr(c)));
            CHECK(same_bits(dx(r, c), dxr(c)));
            CHECK(same_bits(dx_out(r, c), dxr_out(c)));
        }
    }
}

TEMPLATE_TEST_CASE("softmax and log_softmax through dispatch", "[dispatch]", float, double)
{
    using T = TestType;
    using A = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
    const auto column = [](const A& a, Eigen::Index c) {
        std::vector<real> v(static_cast<std::size_t>(a.rows()));
        for (Eigen::Index r = 0; r < a.rows(); ++r)
            v[static_cast<std::size_t>(r)] = a(r, c);
        return v;
    };
    for (Eigen::Index n : {1, 5, 16, 17, 31, 33, 200}) {
        INFO("n = " << n << " on " << xact::dispatch::active_arch());
        const auto xv = lane_inputs<T>(static_cast<std::size_t>(n) * 3, static_cast<std::uint64_t>(n));
        const auto gv = lane_inputs<T>(static_cast<std::size_t>(n) * 3, static_cast<std::uint64_t>(n) + 1000);
        A x = Eigen::Map<const A>(xv.data(), n, 3), dy = Eigen::Map<const A>(gv.data(), n, 3);
        x = x.unaryExpr([](T v) { return std::isfinite(v) ? std::fmod(v, T(30)) : T(0.5); }); // regular vectors
        dy = dy.unaryExpr([](T v) { return std::isfinite(v) ? std::fmod(v, T(2)) : T(0.25); });
        const A y = xact::forward(xact::softmax{}, x), ly = xact::forward(xact::log_softmax{}, x);
        A dx(n, 3), dx_out(n, 3), ldx(n, 3), ldx_out(n, 3);
        xact::backward(xact::softmax{}, x, dy, dx);
        xact::backward_from_output(xact::softmax{}, y, dy, dx_out);
        xact::backward(xact::log_softmax{}, x, dy, ldx);
        xact::backward_from_output(xact::log_softmax{}, ly, dy, ldx_out);
        // rowwise on the transpose: the same vectors, walked with a stride
        const A yt = xact::forward(xact::softmax(xact::rowwise), A(x.transpose()));
        for (Eigen::Index c = 0; c < 3; ++c) {
            const auto ref = xact_ref::softmax(column(x, c)), lref = xact_ref::log_softmax(column(x, c));
            const auto vjp = xact_ref::softmax_vjp(column(x, c), column(dy, c));
            const auto lvjp = xact_ref::log_softmax_vjp(column(x, c), column(dy, c));
            real scale = 0, lscale = 0;
            for (Eigen::Index r = 0; r < n; ++r) {
                scale = std::max(scale, std::fabs(vjp[static_cast<std::size_t>(r)]));
                lscale = std::max(lscale, std::fabs(lvjp[static_cast<std::size_t>(r)]) + std::fabs(dy(r, c)));
            }
            const real tol = 16 * n * std::numeric_limits<T>::epsilon(); // as tests/functors/test_softmax.cpp
            for (Eigen::Index r = 0; r < n; ++r) {
                const auto i = static_cast<std::size_t>(r);
                CHECK(ulp_error(y(r, c), ref[i]) <= 4);
                CHECK(ulp_error(ly(r, c), lref[i]) <= 4);
                CHECK(same_bits(yt(c, r), y(r, c)));
                CHECK(std::fabs(dx(r, c) - vjp[i]) <= tol * (scale + std::fabs(dy(r, c))));
                CHECK(std::fabs(dx_out(r, c) - vjp[i]) <= tol * (scale + std::fabs(dy(r, c))));
                CHECK(std::fabs(ldx(r, c) - lvjp[i]) <= tol * lscale);
                CHECK(std::fabs(ldx_out(r, c) - lvjp[i]) <= tol * lscale);
            }
        }
    }
    SECTION("masked_zero: an all -inf vector gives zeros, by default NaN")
    {
        const A x = A::Constant(7, 2, -std::numeric_limits<T>::infinity());
        CHECK((xact::forward(xact::softmax(xact::masked_zero), x) == T(0)).all());
        CHECK(xact::forward(xact::softmax{}, x).isNaN().all());
    }
}

TEST_CASE("an unknown XACT_ARCH is an error naming it and the supported ones", "[.bad_arch]")
{
    // Run by ctest with XACT_ARCH=pentium4 (hidden tag: the selection is made once a process).
    const char* forced = std::getenv("XACT_ARCH");
    REQUIRE(forced != nullptr);
    try {
        xact::dispatch::active_arch();
        FAIL("no error for XACT_ARCH=" << forced);
    } catch (const std::invalid_argument& e) {
        INFO(e.what());
        CHECK(contains(e.what(), std::string("XACT_ARCH=") + forced));
        for (const auto& a : xact::dispatch::supported_archs())
            CHECK(contains(e.what(), a));
    }
    // The operations report it too, before writing anything.
    std::vector<float> x(10, 1.0f), y(10, 3.0f);
    CHECK_THROWS_AS(xact::forward(xact::gelu{}, x.data(), y.data(), x.size()), std::invalid_argument);
    CHECK(y == std::vector<float>(10, 3.0f));
}

// XACT_ARCH naming an architecture this library has but this CPU lacks: the error is checked and
// the run reported as skipped (exit code 77, ctest's SKIP_RETURN_CODE).
int main(int argc, char** argv)
{
    const char* forced = std::getenv("XACT_ARCH");
    if (forced != nullptr && *forced != '\0') {
        const auto compiled = xact::dispatch::compiled_archs(), supported = xact::dispatch::supported_archs();
        const auto has = [](const std::vector<std::string>& v, const char* s) { return std::find(v.begin(), v.end(), s) != v.end(); };
        if (has(compiled, forced) && !has(supported, forced)) {
            try {
                xact::dispatch::active_arch();
            } catch (const std::invalid_argument& e) {
                if (contains(e.what(), "not supported by this CPU")) {
                    std::printf("skipped: %s\n", e.what());
                    return 77;
                }
            }
            std::fprintf(stderr, "XACT_ARCH=%s: no 'not supported by this CPU' error\n", forced);
            return 1;
        }
        if (has(compiled, forced))
            std::printf("xact::dispatch: running on %s\n", xact::dispatch::active_arch());
    }
    return Catch::Session().run(argc, argv);
}
