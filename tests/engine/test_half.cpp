// Eigen::bfloat16 and Eigen::half storage (include/xact/engine/half.hpp): every one of the 2^16
// bit patterns of each type through every element-wise function, forward and derivative, must
// equal the long double reference rounded once to the storage type (correct rounding; NaN only
// where the reference is NaN). Also: backward and backward_from_output against the reference,
// body/tail/strided agreement bit for bit, errors leaving outputs untouched, softmax within one
// storage ULP. The rounding below is the test's own (long double -> 8 or 11 significant bits)
// and inputs are decoded by Eigen's conversions, not xact's.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "support/harness.hpp"
#include "support/reference.hpp"
#include "support/reference_extra.hpp"

#include <xact/xact.hpp>

namespace {

using real = xact_ref::real;
using bf16 = Eigen::bfloat16;
using f16 = Eigen::half;

template <class H>
using column = Eigen::Array<H, Eigen::Dynamic, 1>;

template <class H>
std::uint16_t bits_of(H h)
{
    std::uint16_t b;
    std::memcpy(&b, static_cast<const void*>(&h), 2);
    return b;
}

template <class H>
H from_bits16(std::uint16_t b)
{
    H h;
    std::memcpy(static_cast<void*>(&h), &b, 2);
    return h;
}

template <class H>
real value_of(H h)
{
    return static_cast<real>(static_cast<float>(h)); // Eigen's conversion
}

// x rounded once to H (nearest, ties to even), as a long double; NaN stays NaN.
template <class H>
real round_to(real x)
{
    constexpr bool bf = std::is_same_v<H, bf16>;
    constexpr int digits = bf ? 8 : 11, min_exp = bf ? -126 : -14;
    const real max_finite = bf ? std::ldexp(real(255), 120) : real(65504);
    if (std::isnan(x) || std::isinf(x) || x == 0)
        return x;
    int e;
    std::frexp(x, &e);
    const int q = std::max(e - 1, min_exp) - (digits - 1);
    const real r = std::ldexp(std::nearbyint(std::ldexp(x, -q)), q);
    if (std::fabs(r) > max_finite)
        return r > 0 ? INFINITY : -INFINITY;
    return r;
}

// The contract's one exception (engine/half.hpp): an exact value within 2^-50 (relative) of a
// storage midpoint is beyond the double fix-up's resolution; there either neighbour is accepted.
inline const real tie_band = std::ldexp(real(1), -50);

template <class H>
bool in_tie_band(real want)
{
    const real a = round_to<H>(want * (1 + tie_band)), b = round_to<H>(want * (1 - tie_band));
    return !std::isnan(want) && a != b && want != (a + b) / 2; // an exact tie must go to even
}

std::string hex(real v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%a", static_cast<double>(v));
    return buf;
}

template <class H>
bool matches(H got, real want)
{
    const real g = value_of(got);
    if (std::isnan(want))
        return std::isnan(g);
    if (in_tie_band<H>(want))
        return g == round_to<H>(want * (1 + tie_band)) || g == round_to<H>(want * (1 - tie_band));
    return g == round_to<H>(want); // +0 == -0: the sign of zero is not compared, as in the ULP metric
}

template <class H>
column<H> all_patterns()
{
    column<H> x(65536);
    for (std::uint32_t i = 0; i < 65536; ++i)
        x(i) = from_bits16<H>(static_cast<std::uint16_t>(i));
    return x;
}

struct exhaustive_case {
    const char* name;
    std::function<void(const column<bf16>&, column<bf16>&, bool)> run_bf16;
    std::function<void(const column<f16>&, column<f16>&, bool)> run_f16;
    std::function<void(const Eigen::ArrayXf&, Eigen::ArrayXf&, bool)> run_float;
    std::function<real(real)> f, df;
};

template <class F>
exhaustive_case make_case(const char* name, F f, std::function<real(real)> ref, std::function<real(real)> dref)
{
    auto run = [f](const auto& x, auto& y, bool derivative) {
        if (derivative)
            xact::derivative(f, x, y);
        else
            xact::forward(f, x, y);
    };
    return {name, run, run, run, ref, dref};
}

std::vector<exhaustive_case> cases()
{
    using namespace xact_ref;
    const real leaky = 0.01, prelu_alpha = 0.25, swish_beta = 1.5;
    return {
        make_case("relu", xact::relu{}, [](real x) { return relu(x); }, [](real x) { return relu_prime(x); }),
        make_case("leaky_relu", xact::leaky_relu{}, [=](real x) { return leaky_relu(x, leaky); },
                  [=](real x) { return leaky_relu_prime(x, leaky); }),
        make_case("prelu", xact::prelu(0.25), [=](real x) { return prelu(x, prelu_alpha); },
                  [=](real x) { return prelu_prime(x, prelu_alpha); }),
        make_case("elu", xact::elu{}, [](real x) { return elu(x, 1); }, [](real x) { return elu_prime(x, 1); }),
        make_case("gelu", xact::gelu{}, [](real x) { return gelu(x); }, [](real x) { return gelu_prime(x); }),
        make_case("gelu_tanh", xact::gelu_tanh{}, [](real x) { return gelu_tanh(x); },
                  [](real x) { return gelu_tanh_prime(x); }),
        make_case("sigmoid", xact::sigmoid{}, [](real x) { return sigmoid(x); }, [](real x) { return sigmoid_prime(x); }),
        make_case("tanh", xact::tanh{}, [](real x) { return xact_ref::tanh(x); }, [](real x) { return tanh_prime(x); }),
        make_case("swish(1.5)", xact::swish(1.5), [=](real x) { return swish(x, swish_beta); },
                  [=](real x) { return swish_prime(x, swish_beta); }),
        make_case("silu", xact::silu{}, [](real x) { return silu(x); }, [](real x) { return silu_prime(x); }),
        make_case("selu", xact::selu{}, [](real x) { return selu(x); }, [](real x) { return selu_prime(x); }),
        make_case("celu", xact::celu{}, [](real x) { return celu(x, 1); }, [](real x) { return celu_prime(x, 1); }),
        make_case("softplus", xact::softplus{}, [](real x) { return softplus(x, 1, 20); },
                  [](real x) { return softplus_prime(x, 1, 20); }),
        make_case("log_sigmoid", xact::log_sigmoid{}, [](real x) { return log_sigmoid(x); },
                  [](real x) { return log_sigmoid_prime(x); }),
        make_case("mish", xact::mish{}, [](real x) { return mish(x); }, [](real x) { return mish_prime(x); }),
        make_case("hard_sigmoid", xact::hard_sigmoid{}, [](real x) { return hard_sigmoid(x); },
                  [](real x) { return hard_sigmoid_prime(x); }),
        make_case("hard_swish", xact::hard_swish{}, [](real x) { return hard_swish(x); },
                  [](real x) { return hard_swish_prime(x); }),
        make_case("relu6", xact::relu6{}, [](real x) { return relu6(x); }, [](real x) { return relu6_prime(x); }),
        make_case("hard_tanh", xact::hard_tanh{}, [](real x) { return hard_tanh(x, -1, 1); },
                  [](real x) { return hard_tanh_prime(x, -1, 1); }),
        make_case("softsign", xact::softsign{}, [](real x) { return softsign(x); },
                  [](real x) { return softsign_prime(x); }),
        make_case("quick_gelu", xact::quick_gelu{}, [](real x) { return quick_gelu(x); },
                  [](real x) { return quick_gelu_prime(x); }),
    };
}

template <class H>
const char* type_name()
{
    return std::is_same_v<H, bf16> ? "bf16" : "f16";
}

// All 2^16 inputs of one function and direction; prints how many inputs the plain float result
// rounded to H would get wrong (the lanes the double fix-up exists for).
template <class H, class Run>
void check_exhaustive(const exhaustive_case& c, bool derivative, Run run)
{
    const column<H> x = all_patterns<H>();
    column<H> y(x.size());
    run(c, x, y, derivative);
    Eigen::ArrayXf xf(x.size()), yf(x.size());
    for (Eigen::Index i = 0; i < x.size(); ++i)
        xf(i) = static_cast<float>(x(i));
    c.run_float(xf, yf, derivative);
    int wrong = 0, naive_wrong = 0, ties = 0;
    std::string first;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
        const real want = (derivative ? c.df : c.f)(value_of(x(i)));
        ties += in_tie_band<H>(want);
        if (!matches(static_cast<H>(yf(i)), want))
            ++naive_wrong;
        if (!matches(y(i), want)) {
            if (++wrong <= 3)
                first += " x=" + hex(value_of(x(i))) + " got=" + hex(value_of(y(i))) + " want=" + hex(round_to<H>(want));
        }
    }
    std::printf("%-5s %-12s %-10s: %5d of 65536 need the fix-up (float result rounded would be wrong), "
                "%d within 2^-50 of a tie, %d wrong\n",
                type_name<H>(), c.name, derivative ? "derivative" : "forward", naive_wrong, ties, wrong);
    INFO(type_name<H>() << " " << c.name << (derivative ? " derivative" : " forward") << first);
    CHECK(wrong == 0);
}

} // namespace

TEST_CASE("half: every bf16 and f16 input of every function is correctly rounded", "[half]")
{
    for (const auto& c : cases())
        for (bool derivative : {false, true}) {
            check_exhaustive<bf16>(c, derivative, [](const exhaustive_case& k, const column<bf16>& x, column<bf16>& y,
                                                     bool d) { k.run_bf16(x, y, d); });
            check_exhaustive<f16>(c, derivative, [](const exhaustive_case& k, const column<f16>& x, column<f16>& y,
                                                    bool d) { k.run_f16(x, y, d); });
        }
}

TEST_CASE("half: special values", "[half]")
{
    // Known results, independent of the reference.
    const float inf = INFINITY;
    for (int t = 0; t < 2; ++t) {
        auto check = [&](auto tag) {
            using H = decltype(tag);
            column<H> x(6);
            x << H(0.0f), H(-0.0f), H(inf), H(-inf), H(NAN), H(2.0f);
            const column<H> s = xact::forward(xact::sigmoid{}, x);
            CHECK(static_cast<float>(s(0)) == 0.5f);
            CHECK(static_cast<float>(s(2)) == 1.0f);
            CHECK(static_cast<float>(s(3)) == 0.0f);
            CHECK(std::isnan(static_cast<float>(s(4))));
            const column<H> r = xact::forward(xact::relu{}, x);
            CHECK(static_cast<float>(r(2)) == inf);
            CHECK(static_cast<float>(r(3)) == 0.0f);
            CHECK(static_cast<float>(r(5)) == 2.0f);
            const column<H> g = xact::forward(xact::gelu{}, x);
            CHECK(static_cast<float>(g(3)) == 0.0f);
            CHECK(static_cast<float>(g(2)) == inf);
            CHECK(std::isnan(static_cast<float>(g(4))));
            const column<H> d = xact::derivative(xact::tanh{}, x);
            CHECK(static_cast<float>(d(0)) == 1.0f);
            CHECK(static_cast<float>(d(2)) == 0.0f);
            CHECK(std::isnan(static_cast<float>(d(4))));
        };
        if (t == 0)
            check(bf16{});
        else
            check(f16{});
    }
}

namespace {

// Every length 0..33 at offsets 0..3, and a stride-3 Map: each element equals its value in one
// long contiguous run (body lanes, tail lanes and gathered lanes agree bit for bit).
template <class H, class F>
void check_positions(const F& f)
{
    column<H> x(400);
    for (Eigen::Index i = 0; i < x.size(); ++i) // patterns spread over the whole range
        x(i) = from_bits16<H>(static_cast<std::uint16_t>((i * 40503u + 7u) & 0xFFFFu));
    const column<H> whole = xact::forward(f, x), dwhole = xact::derivative(f, x);
    for (std::size_t offset = 0; offset < 4; ++offset)
        for (std::size_t n = 0; n <= 33; ++n) {
            std::vector<H> y(n + 2, from_bits16<H>(0x7FAB)), d(n + 2, from_bits16<H>(0x7FAB));
            xact::forward(f, x.data() + offset, y.data() + 1, n);
            xact::derivative(f, x.data() + offset, d.data() + 1, n);
            bool same = bits_of(y[0]) == 0x7FAB && bits_of(y[n + 1]) == 0x7FAB;
            for (std::size_t i = 0; i < n; ++i)
                same = same && bits_of(y[i + 1]) == bits_of(whole(static_cast<Eigen::Index>(offset + i))) &&
                       bits_of(d[i + 1]) == bits_of(dwhole(static_cast<Eigen::Index>(offset + i)));
            INFO(type_name<H>() << " " << F::name << " n=" << n << " offset=" << offset);
            CHECK(same);
        }
    using strided_map = Eigen::Map<const column<H>, 0, Eigen::InnerStride<3>>;
    const strided_map xs(x.data(), x.size() / 3);
    column<H> ys(xs.size());
    xact::forward(f, xs, ys);
    bool same = true;
    for (Eigen::Index i = 0; i < xs.size(); ++i)
        same = same && bits_of(ys(i)) == bits_of(whole(3 * i));
    CHECK(same);
}

} // namespace

TEST_CASE("half: body, tail and strided lanes agree bit for bit", "[half]")
{
    check_positions<bf16>(xact::gelu{});
    check_positions<f16>(xact::gelu{});
    check_positions<bf16>(xact::sigmoid{});
    check_positions<f16>(xact::mish{});
    check_positions<f16>(xact::prelu(0.25));
}

namespace {

// backward: dx = dy f'(x) for every x and a few dy, against dy * f'(x) rounded once.
template <class H, class F>
void check_backward(const F& f, const std::function<real(real)>& dref)
{
    const column<H> x = all_patterns<H>();
    for (float g : {1.0f, -0.3f, 3.0f}) {
        const column<H> dy = column<H>::Constant(x.size(), H(g));
        column<H> dx(x.size());
        xact::backward(f, x, dy, dx);
        int wrong = 0;
        for (Eigen::Index i = 0; i < x.size(); ++i)
            wrong += !matches(dx(i), value_of(dy(i)) * dref(value_of(x(i))));
        INFO(type_name<H>() << " " << F::name << " dy=" << g);
        CHECK(wrong == 0);
    }
}

} // namespace

TEST_CASE("half: backward and backward_from_output", "[half]")
{
    using namespace xact_ref;
    check_backward<bf16>(xact::gelu{}, [](real x) { return gelu_prime(x); });
    check_backward<f16>(xact::gelu{}, [](real x) { return gelu_prime(x); });
    check_backward<bf16>(xact::silu{}, [](real x) { return silu_prime(x); });
    check_backward<f16>(xact::elu{}, [](real x) { return elu_prime(x, 1); });

    // From the stored output: sigmoid' = y (1 - y), tanh' = 1 - y^2, exact in long double.
    for (int t = 0; t < 2; ++t) {
        auto check = [&](auto tag) {
            using H = decltype(tag);
            const column<H> y = all_patterns<H>();
            const column<H> dy = column<H>::Constant(y.size(), H(0.75f));
            column<H> ds(y.size()), dt(y.size());
            xact::backward_from_output(xact::sigmoid{}, y, dy, ds);
            xact::backward_from_output(xact::tanh{}, y, dy, dt);
            int wrong = 0;
            for (Eigen::Index i = 0; i < y.size(); ++i) {
                const real v = value_of(y(i));
                if (!(std::fabs(v) <= 1)) // outputs of sigmoid and tanh only
                    continue;
                if (v >= 0)
                    wrong += !matches(ds(i), real(0.75) * v * (1 - v));
                wrong += !matches(dt(i), real(0.75) * (1 - v * v));
            }
            INFO(type_name<H>());
            CHECK(wrong == 0);
        };
        if (t == 0)
            check(bf16{});
        else
            check(f16{});
    }

    // elu's d_alpha from bf16 data: the sum of dy * expm1(x) over x <= 0, in double.
    column<bf16> x(5), dy(5), dx(5);
    x << bf16(-1.0f), bf16(-0.5f), bf16(0.0f), bf16(2.0f), bf16(-3.0f);
    dy << bf16(1.0f), bf16(2.0f), bf16(1.0f), bf16(1.0f), bf16(0.5f);
    float d_alpha = 0;
    xact::backward(xact::elu{}, x, dy, dx, d_alpha);
    const double want = std::expm1(-1.0) + 2 * std::expm1(-0.5) + 0.5 * std::expm1(-3.0);
    CHECK(std::fabs(d_alpha - want) < 1e-6);
    CHECK(matches(dx(0), std::exp(real(-1))));
}

TEST_CASE("half: softmax and log_softmax within one storage ULP", "[half]")
{
    const std::vector<std::vector<float>> inputs = {
        {1, 2, 3, 4}, {-5, 0.5f, 7, 7, -100, 3.25f, 0, 1, 2, 9, -1, 4.5f, 6, 8, 2, 2, 1}, {0}, {30, -30, 0.125f}};
    auto one_ulp = [](auto got, real want) {
        using H = decltype(got);
        const real w = round_to<H>(want);
        const real g = value_of(got);
        // the neighbours of the correctly rounded value
        const std::uint16_t b = bits_of(static_cast<H>(static_cast<float>(w)));
        const real up = value_of(from_bits16<H>(static_cast<std::uint16_t>(b + 1)));
        const real down = value_of(from_bits16<H>(static_cast<std::uint16_t>(b - 1)));
        return g == w || g == up || g == down;
    };
    for (const auto& v : inputs) {
        std::vector<real> xr;
        column<bf16> xb(static_cast<Eigen::Index>(v.size()));
        column<f16> xh(xb.size());
        for (std::size_t i = 0; i < v.size(); ++i) {
            xb(static_cast<Eigen::Index>(i)) = bf16(v[i]);
            xh(static_cast<Eigen::Index>(i)) = f16(v[i]);
        }
        for (int t = 0; t < 2; ++t) {
            auto check = [&](const auto& x) {
                std::vector<real> xv;
                for (Eigen::Index i = 0; i < x.size(); ++i)
                    xv.push_back(value_of(x(i)));
                const auto s = xact_ref::softmax(xv), ls = xact_ref::log_softmax(xv);
                const auto y = xact::forward(xact::softmax{}, x), ly = xact::forward(xact::log_softmax{}, x);
                for (Eigen::Index i = 0; i < x.size(); ++i) {
                    CHECK(one_ulp(y(i), s[static_cast<std::size_t>(i)]));
                    CHECK(one_ulp(ly(i), ls[static_cast<std::size_t>(i)]));
                }
            };
            if (t == 0)
                check(xb);
            else
                check(xh);
        }
    }
}

TEST_CASE("half: errors leave outputs untouched", "[half]")
{
    const column<bf16> x = column<bf16>::Constant(5, bf16(1.0f));
    column<bf16> y(4), dx(5);
    const column<bf16> dy(3);
    for (Eigen::Index i = 0; i < 4; ++i)
        y(i) = from_bits16<bf16>(0x7FAB);
    for (Eigen::Index i = 0; i < 5; ++i)
        dx(i) = from_bits16<bf16>(0x7FAB);
    CHECK_THROWS_AS(xact::forward(xact::gelu{}, x, y), std::invalid_argument);
    CHECK_THROWS_WITH(xact::forward(xact::gelu{}, x, y), Catch::Contains("5x1") && Catch::Contains("4x1"));
    CHECK_THROWS_AS(xact::backward(xact::gelu{}, x, dy, dx), std::invalid_argument);
    CHECK_THROWS_AS(xact::forward(xact::gelu{}, static_cast<const f16*>(nullptr), static_cast<f16*>(nullptr), 3),
                    std::invalid_argument);
    bool untouched = true;
    for (Eigen::Index i = 0; i < 4; ++i)
        untouched = untouched && bits_of(y(i)) == 0x7FAB;
    for (Eigen::Index i = 0; i < 5; ++i)
        untouched = untouched && bits_of(dx(i)) == 0x7FAB;
    CHECK(untouched);
}
