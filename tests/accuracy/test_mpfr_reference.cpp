// The MPFR reference of xact-accuracy checked three ways: against mpmath values (copied from the
// table that tests/reference/mpmath_table.py generated into tests/reference/test_reference.cpp,
// 30 digits), against the independent long-double reference (tests/support/reference.hpp) at
// many points, and against itself at 512 bits where it could lack precision (the roots of f',
// the continued fraction of erfc).
#include <catch2/catch.hpp>

#if XACT_TEST_HAVE_MPFR

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "accuracy/mpfr_reference.hpp"
#include "support/reference.hpp"

namespace {

using xact_mpfr::number;
using real = long double;

// |got - want| / |want| in long double; 0 for equal values (zeros included).
real relative(real got, real want)
{
    if (got == want)
        return 0;
    return std::fabs((got - want) / want);
}

template <class F>
real mp(F f, double x)
{
    number r;
    f(r.get(), x);
    return r.to_long_double();
}

const real long_double_unit = std::ldexp(real(1), -64);

} // namespace

TEST_CASE("mpfr reference: values from mpmath", "[accuracy]")
{
    xact_mpfr::init_thread();
    struct value {
        const char* name;
        void (*f)(mpfr_ptr, double);
        double x;
        long double want;
    };
    // From tests/reference/test_reference.cpp (mpmath 1.3.0, mp.dps = 50).
    const value table[] = {
        {"gelu", xact_mpfr::gelu, -38.0, -1.096462776826138037173368783e-314L},
        {"gelu", xact_mpfr::gelu, -26.5, -1.28423310498037987759409703175e-153L},
        {"gelu", xact_mpfr::gelu, -13.25, -2.98922165008367053036451056745e-39L},
        {"gelu", xact_mpfr::gelu, -9.75, -8.99282818681593269480722055665e-22L},
        {"gelu", xact_mpfr::gelu, -5.0, -1.43325785939596955836876166437e-6L},
        {"gelu", xact_mpfr::gelu, -1.0, -1.58655253931457051414767454368e-1L},
        {"gelu", xact_mpfr::gelu, 1.5, 1.39978919809671290099325893853L},
        {"gelu", xact_mpfr::gelu, -103.9, -2.82359790787705678461095049538e-2345L},
        {"gelu'", xact_mpfr::gelu_prime, -38.0, -4.16655456926878445611103481105e-313L},
        {"gelu'", xact_mpfr::gelu_prime, -13.25, -3.96046870868530476792471617732e-38L},
        {"gelu'", xact_mpfr::gelu_prime, -9.75, -8.76616181892785392838427834579e-21L},
        {"gelu'", xact_mpfr::gelu_prime, -87.3, -3.97897615618450496022751869859e-1654L},
        {"gelu_tanh'", xact_mpfr::gelu_tanh_prime, -21.0, -5.77300863927040651980063036287e-299L},
        {"gelu_tanh'", xact_mpfr::gelu_tanh_prime, -6.0, -7.70997393095369551167777522497e-10L},
        {"silu'", xact_mpfr::silu_prime, -745.5, -1.2744665554924679570777972598e-321L},
        {"silu'", xact_mpfr::silu_prime, -87.3, -1.05221024380658042003577507455e-36L},
    };
    for (const auto& v : table) {
        INFO(v.name << "(" << v.x << ")");
        // The table is read as long double: agreement to a long double rounding or two.
        CHECK(relative(mp(v.f, v.x), v.want) <= 2 * long_double_unit);
    }

    // softmax, log_softmax and their backward on {-1000, 0, 1000, 999.5}, dy {1, 1, 1, -3}.
    const std::vector<double> x = {-1000.0, 0.0, 1000.0, 999.5}, dy = {1.0, 1.0, 1.0, -3.0};
    const long double softmax_want[] = {1.60378879630098372840624624359e-869L, 3.15957798057673787092676302358e-435L,
                                        6.22459331201854564638900565746e-1L, 3.77540668798145435361099434254e-1L};
    const long double log_softmax_want[] = {-2.00047407698418010668087299736e+3L, -1.00047407698418010668087299736e+3L,
                                            -4.74076984180106680872997355081e-1L, -9.74076984180106680872997355081e-1L};
    const long double softmax_backward_want[] = {2.42198197906578413172210823209e-869L,
                                                 4.77147673562734153566140684456e-435L,
                                                 9.40014848806377956277210780084e-1L,
                                                 -9.40014848806377956277210780084e-1L};
    const auto y = xact_mpfr::softmax(x), ly = xact_mpfr::log_softmax(x), dx = xact_mpfr::softmax_backward(x, dy),
               ldx = xact_mpfr::log_softmax_backward(x, dy);
    for (std::size_t i = 0; i < x.size(); ++i) {
        INFO("element " << i);
        CHECK(relative(y[i].to_long_double(), softmax_want[i]) <= 2 * long_double_unit);
        CHECK(relative(ly[i].to_long_double(), log_softmax_want[i]) <= 2 * long_double_unit);
        CHECK(relative(dx[i].to_long_double(), softmax_backward_want[i]) <= 2 * long_double_unit);
        // log_softmax backward: dy - y sum(dy), sum(dy) = 0: exactly dy.
        CHECK(ldx[i].to_long_double() == static_cast<long double>(dy[i]));
    }
}

TEST_CASE("mpfr reference: agrees with the long-double reference", "[accuracy]")
{
    xact_mpfr::init_thread();
    using namespace xact_ref;
    struct pair {
        const char* name;
        void (*mf)(mpfr_ptr, double);
        real (*lf)(real);
    };
    const pair functions[] = {
        {"gelu", xact_mpfr::gelu, [](real x) { return gelu(x); }},
        {"gelu'", xact_mpfr::gelu_prime, [](real x) { return gelu_prime(x); }},
        {"gelu_tanh", xact_mpfr::gelu_tanh, [](real x) { return gelu_tanh(x); }},
        {"gelu_tanh'", xact_mpfr::gelu_tanh_prime, [](real x) { return gelu_tanh_prime(x); }},
        {"sigmoid", xact_mpfr::sigmoid, [](real x) { return sigmoid(x); }},
        {"sigmoid'", xact_mpfr::sigmoid_prime, [](real x) { return sigmoid_prime(x); }},
        {"tanh", xact_mpfr::tanh, [](real x) { return xact_ref::tanh(x); }},
        {"tanh'", xact_mpfr::tanh_prime, [](real x) { return tanh_prime(x); }},
        {"silu", xact_mpfr::silu, [](real x) { return silu(x); }},
        {"silu'", xact_mpfr::silu_prime, [](real x) { return silu_prime(x); }},
        {"swish(1.702)", [](mpfr_ptr r, double x) { xact_mpfr::swish(r, x, 1.702); },
         [](real x) { return swish(x, 1.702); }},
        {"swish'(1.702)", [](mpfr_ptr r, double x) { xact_mpfr::swish_prime(r, x, 1.702); },
         [](real x) { return swish_prime(x, 1.702); }},
        {"d swish / d beta", [](mpfr_ptr r, double x) { xact_mpfr::swish_dbeta(r, x, 1.702); },
         [](real x) { return swish_dbeta(x, 1.702); }},
        {"elu(0.5)", [](mpfr_ptr r, double x) { xact_mpfr::elu(r, x, 0.5); }, [](real x) { return elu(x, 0.5); }},
        {"elu'(0.5)", [](mpfr_ptr r, double x) { xact_mpfr::elu_prime(r, x, 0.5); },
         [](real x) { return elu_prime(x, 0.5); }},
        {"d elu / d alpha", xact_mpfr::elu_dalpha, [](real x) { return elu_dalpha(x); }},
        {"leaky_relu(0.01)", [](mpfr_ptr r, double x) { xact_mpfr::leaky_relu(r, x, 0.01); },
         [](real x) { return leaky_relu(x, 0.01); }},
        {"leaky_relu'(0.01)", [](mpfr_ptr r, double x) { xact_mpfr::leaky_relu_prime(r, x, 0.01); },
         [](real x) { return leaky_relu_prime(x, 0.01); }},
        {"d prelu / d alpha", xact_mpfr::leaky_relu_dalpha, [](real x) { return prelu_dalpha(x); }},
        {"relu", xact_mpfr::relu, [](real x) { return relu(x); }},
        {"relu'", xact_mpfr::relu_prime, [](real x) { return relu_prime(x); }},
    };
    // A grid over [-40, 40], points next to the roots of f', the tails, the kinks and specials.
    std::vector<double> xs;
    for (int i = -4000; i <= 4000; ++i)
        xs.push_back(i * 0.01 + 0.001234);
    for (double r : {-0.7517915246935645, -0.7524614220710163, -1.2784645427610737, -1.2784645427610737 / 1.702})
        for (int k = 1; k < 50; ++k)
            for (double s : {1.0, -1.0})
                xs.push_back(r + s * std::ldexp(1.0, -k));
    for (double x : {-745.5, -700.0, -200.0, -103.9, -87.3, -50.0, 50.0, 700.0, 0.0, -0.0, 5e-324, -5e-324, 1e-300,
                     -1e-300, HUGE_VAL, -HUGE_VAL})
        xs.push_back(x);
    for (const auto& f : functions) {
        real worst = 0;
        double at = 0;
        for (double x : xs) {
            number r;
            f.mf(r.get(), x);
            const real e = relative(r.to_long_double(), f.lf(x));
            if (!(e <= worst)) {
                worst = e;
                at = x;
            }
        }
        INFO(f.name << ": worst " << static_cast<double>(worst / long_double_unit) << " x 2^-64 at x = " << at);
        // The long-double reference is within 16 x 2^-64 of mpmath (tests/reference).
        CHECK(worst <= 32 * long_double_unit);
    }
}

TEST_CASE("mpfr reference: enough precision at the roots of f' and in erfc's tail", "[accuracy]")
{
    xact_mpfr::init_thread();
    // The doubles and floats nearest the roots of f', and their neighbours: f' cancels there.
    for (double root : {-0.7517915246935645, -0.7524614220710163, -1.2784645427610737}) {
        std::vector<double> xs = {root, static_cast<double>(static_cast<float>(root))};
        for (int k = 0; k < 4; ++k)
            xs.push_back(std::nextafter(xs.back(), 0.0));
        for (double x : xs) {
            for (auto f : {xact_mpfr::gelu_prime, xact_mpfr::gelu_tanh_prime, xact_mpfr::silu_prime}) {
                number a, b(512), diff(512);
                f(a, x);
                f(b, x);
                mpfr_sub(diff, a, b, MPFR_RNDN);
                INFO("x = " << x);
                REQUIRE(!mpfr_zero_p(b));
                // 2^-100 relative to the (tiny) value itself.
                CHECK((mpfr_zero_p(diff) || mpfr_get_exp(diff) <= mpfr_get_exp(b) - 100));
            }
        }
    }
    // gelu from the continued fraction (t = -x/sqrt2 >= 4) against 512-bit mpfr_erfc.
    for (double x = -40; x <= -5.6; x += 0.37) {
        number a, b(512), s(512), diff(512);
        xact_mpfr::gelu(a, x);
        mpfr_sqrt_ui(s, 2, MPFR_RNDN);
        mpfr_set_d(b, -x, MPFR_RNDN);
        mpfr_div(b, b, s, MPFR_RNDN);
        mpfr_erfc(b, b, MPFR_RNDN);
        mpfr_mul_d(b, b, x / 2, MPFR_RNDN);
        mpfr_sub(diff, a, b, MPFR_RNDN);
        INFO("x = " << x);
        CHECK((mpfr_zero_p(diff) || mpfr_get_exp(diff) <= mpfr_get_exp(b) - 110));
    }
}

#endif
