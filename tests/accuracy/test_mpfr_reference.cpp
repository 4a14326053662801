// The MPFR reference of xact-accuracy checked three ways: against mpmath values (copied from the
// table that tests/reference/mpmath_table.py generated into tests/reference/test_reference.cpp,
// 30 digits; for the functions added later, mpmath at 50 digits from their definitions), against
// the independent long-double reference (tests/support/reference.hpp, reference_extra.hpp) at
// many points, and against itself at 512 bits where it could lack precision (the roots of f',
// the continued fraction of erfc). The piecewise functions' kinks and every function's limits
// are checked as exact values.
#include <catch2/catch.hpp>

#if XACT_TEST_HAVE_MPFR

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "accuracy/mpfr_reference.hpp"
#include "support/reference_extra.hpp"

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

// The parameterised references at the accuracy table's parameters.
void celu_03(mpfr_ptr r, double x) { xact_mpfr::celu(r, x, 0.3); }
void celu_prime_03(mpfr_ptr r, double x) { xact_mpfr::celu_prime(r, x, 0.3); }
void softplus_15(mpfr_ptr r, double x) { xact_mpfr::softplus(r, x, 1.5, 10); }
void softplus_prime_15(mpfr_ptr r, double x) { xact_mpfr::softplus_prime(r, x, 1.5, 10); }
void hard_tanh_07(mpfr_ptr r, double x) { xact_mpfr::hard_tanh(r, x, -0.7, 2.3); }
void hard_tanh_prime_07(mpfr_ptr r, double x) { xact_mpfr::hard_tanh_prime(r, x, -0.7, 2.3); }

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
        // The functions added later: mpmath 1.3.0 at mp.dps = 50 from the definitions (selu's
        // constants the 32-digit decimals, quick_gelu's 1.702 the double nearest it).
        {"selu", xact_mpfr::selu, -1.0, -1.11133073781256276179864066243L},
        {"selu", xact_mpfr::selu, 2.5, 2.62675246838870123354833746324L},
        {"selu'", xact_mpfr::selu_prime, -0.5, 1.06634115304450545758454029024L},
        {"selu'", xact_mpfr::selu_prime, 0.0, 1.75809934084737685994021752081L},
        {"celu(0.3)", celu_03, -1.0, -2.89297801995824271332702057436e-1L},
        {"celu(0.3)", celu_03, -0.01, -9.83516985539822958301782499506e-3L},
        {"celu'(0.3)", celu_prime_03, -200.0, 2.95355728026602757910709816196e-290L},
        {"softplus(1.5, 10)", softplus_15, -3.0, 7.36516323239587754776281247751e-3L},
        {"softplus(1.5, 10)", softplus_15, -60.0, 5.46267508266034362024073880892e-40L},
        {"softplus(1.5, 10)", softplus_15, 6.5, 6.50003886197644199319993531785L},
        {"softplus(1.5, 10)", softplus_15, 7.0, 7.0L}, // 1.5 x > 10: linear
        {"softplus'(1.5, 10)", softplus_prime_15, -3.0, 1.09869426305931800386353784969e-2L},
        {"log_sigmoid", xact_mpfr::log_sigmoid, 40.0, -4.24835425529158898630497784363e-18L},
        {"log_sigmoid", xact_mpfr::log_sigmoid, -800.0, -8.0e+2L},
        {"log_sigmoid'", xact_mpfr::log_sigmoid_prime, 3.0, 4.74258731775667808788481517718e-2L},
        {"mish", xact_mpfr::mish, -1.0, -3.03401461374108918074389275378e-1L},
        {"mish", xact_mpfr::mish, -30.0, -2.80728689065192103381330921921e-12L},
        {"mish", xact_mpfr::mish, 2.0, 1.94395895953399452031848132479L},
        {"mish'", xact_mpfr::mish_prime, -3.0, -9.33931145323208355727561849458e-2L},
        {"mish'", xact_mpfr::mish_prime, -1.25, -1.46975624730195391984025744032e-2L},
        {"mish'", xact_mpfr::mish_prime, 1.5, 1.0884879850078476576024477116L},
        {"mish'", xact_mpfr::mish_prime, -90.0, -7.29267123535155873302138630991e-38L},
        {"quick_gelu", xact_mpfr::quick_gelu, -2.0, -6.43413768557918555023358069281e-2L},
        {"quick_gelu'", xact_mpfr::quick_gelu_prime, -0.5, 1.20778088034585736393815501352e-1L},
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
        {"selu", xact_mpfr::selu, [](real x) { return selu(x); }},
        {"selu'", xact_mpfr::selu_prime, [](real x) { return selu_prime(x); }},
        {"celu(0.3)", celu_03, [](real x) { return celu(x, 0.3); }},
        {"celu'(0.3)", celu_prime_03, [](real x) { return celu_prime(x, 0.3); }},
        {"celu(1)", [](mpfr_ptr r, double x) { xact_mpfr::celu(r, x, 1); }, [](real x) { return elu(x, 1); }},
        {"softplus(1.5, 10)", softplus_15, [](real x) { return softplus(x, 1.5, 10); }},
        {"softplus'(1.5, 10)", softplus_prime_15, [](real x) { return softplus_prime(x, 1.5, 10); }},
        {"softplus(1, 20)", [](mpfr_ptr r, double x) { xact_mpfr::softplus(r, x, 1, 20); },
         [](real x) { return softplus(x, 1, 20); }},
        {"log_sigmoid", xact_mpfr::log_sigmoid, [](real x) { return log_sigmoid(x); }},
        {"log_sigmoid'", xact_mpfr::log_sigmoid_prime, [](real x) { return log_sigmoid_prime(x); }},
        {"mish", xact_mpfr::mish, [](real x) { return mish(x); }},
        {"mish'", xact_mpfr::mish_prime, [](real x) { return mish_prime(x); }},
        {"quick_gelu", xact_mpfr::quick_gelu, [](real x) { return quick_gelu(x); }},
        {"quick_gelu'", xact_mpfr::quick_gelu_prime, [](real x) { return quick_gelu_prime(x); }},
        {"softsign", xact_mpfr::softsign, [](real x) { return softsign(x); }},
        {"softsign'", xact_mpfr::softsign_prime, [](real x) { return softsign_prime(x); }},
        {"hard_sigmoid", xact_mpfr::hard_sigmoid, [](real x) { return hard_sigmoid(x); }},
        {"hard_sigmoid'", xact_mpfr::hard_sigmoid_prime, [](real x) { return hard_sigmoid_prime(x); }},
        {"hard_swish", xact_mpfr::hard_swish, [](real x) { return hard_swish(x); }},
        {"hard_swish'", xact_mpfr::hard_swish_prime, [](real x) { return hard_swish_prime(x); }},
        {"relu6", xact_mpfr::relu6, [](real x) { return relu6(x); }},
        {"relu6'", xact_mpfr::relu6_prime, [](real x) { return relu6_prime(x); }},
        {"hard_tanh(-0.7, 2.3)", hard_tanh_07, [](real x) { return hard_tanh(x, -0.7, 2.3); }},
        {"hard_tanh'(-0.7, 2.3)", hard_tanh_prime_07, [](real x) { return hard_tanh_prime(x, -0.7, 2.3); }},
    };
    // A grid over [-40, 40], points next to the roots of f', the tails, the kinks and specials.
    std::vector<double> xs;
    for (int i = -4000; i <= 4000; ++i)
        xs.push_back(i * 0.01 + 0.001234);
    for (double r : {-0.7517915246935645, -0.7524614220710163, -1.2784645427610737, -1.2784645427610737 / 1.702,
                     -1.1924312145154952, -1.5})
        for (int k = 1; k < 50; ++k)
            for (double s : {1.0, -1.0})
                xs.push_back(r + s * std::ldexp(1.0, -k));
    for (double x : {-745.5, -700.0, -200.0, -103.9, -87.3, -50.0, 50.0, 700.0, 0.0, -0.0, 5e-324, -5e-324, 1e-300,
                     -1e-300, HUGE_VAL, -HUGE_VAL, -3.0, 3.0, 6.0, -0.7, 2.3, 20.0, 10 / 1.5, 1e300, -1e300})
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
    // (-1.5: hard_swish', whose 2x + 3 is exact; it is 0 at the root itself, so only neighbours.)
    for (double root : {-0.7517915246935645, -0.7524614220710163, -1.2784645427610737, -1.2784645427610737 / 1.702,
                        -1.1924312145154952, std::nextafter(-1.5, 0.0)}) {
        std::vector<double> xs = {root, static_cast<double>(static_cast<float>(root))};
        for (int k = 0; k < 4; ++k)
            xs.push_back(std::nextafter(xs.back(), 0.0));
        for (double x : xs) {
            for (auto f : {xact_mpfr::gelu_prime, xact_mpfr::gelu_tanh_prime, xact_mpfr::silu_prime,
                           xact_mpfr::quick_gelu_prime, xact_mpfr::mish_prime, xact_mpfr::hard_swish_prime}) {
                number a, b(512), diff(512);
                f(a, x);
                f(b, x);
                mpfr_sub(diff, a, b, MPFR_RNDN);
                INFO("x = " << x);
                if (mpfr_zero_p(b)) { // an exact root (hard_swish' at the float nearest -1.5 - ulp)
                    CHECK((x == -1.5 && mpfr_zero_p(a)));
                    continue;
                }
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

TEST_CASE("mpfr reference: kinks and limits of the later functions", "[accuracy]")
{
    xact_mpfr::init_thread();
    struct value {
        const char* name;
        void (*f)(mpfr_ptr, double);
        double x;
        double want; // exact in double
    };
    const double inf = HUGE_VAL, nan = std::nan("");
    // At the kinks f' takes PyTorch's branch: 0 at the ends of a slope, hard_swish's middle
    // branch on [-3, 3]; selu and celu the x <= 0 branch at 0.
    const value table[] = {
        {"relu6", xact_mpfr::relu6, 7.5, 6},
        {"relu6", xact_mpfr::relu6, -2, 0},
        {"relu6", xact_mpfr::relu6, 2.75, 2.75},
        {"relu6", xact_mpfr::relu6, inf, 6},
        {"relu6'", xact_mpfr::relu6_prime, 0, 0},
        {"relu6'", xact_mpfr::relu6_prime, 6, 0},
        {"relu6'", xact_mpfr::relu6_prime, 5.9, 1},
        {"hard_tanh(-0.7, 2.3)", hard_tanh_07, -inf, -0.7},
        {"hard_tanh(-0.7, 2.3)", hard_tanh_07, 1, 1},
        {"hard_tanh'(-0.7, 2.3)", hard_tanh_prime_07, -0.7, 0},
        {"hard_tanh'(-0.7, 2.3)", hard_tanh_prime_07, 2.3, 0},
        {"hard_tanh'(-0.7, 2.3)", hard_tanh_prime_07, std::nextafter(-0.7, 0.0), 1},
        {"hard_sigmoid", xact_mpfr::hard_sigmoid, 1.5, 0.75},
        {"hard_sigmoid", xact_mpfr::hard_sigmoid, -3, 0},
        {"hard_sigmoid", xact_mpfr::hard_sigmoid, inf, 1},
        {"hard_sigmoid'", xact_mpfr::hard_sigmoid_prime, 3, 0},
        {"hard_sigmoid'", xact_mpfr::hard_sigmoid_prime, -3, 0},
        {"hard_swish", xact_mpfr::hard_swish, 1.5, 1.125},
        {"hard_swish", xact_mpfr::hard_swish, -1.5, -0.375},
        {"hard_swish", xact_mpfr::hard_swish, 3, 3},
        {"hard_swish", xact_mpfr::hard_swish, -inf, 0},
        {"hard_swish", xact_mpfr::hard_swish, inf, inf},
        {"hard_swish'", xact_mpfr::hard_swish_prime, -3, -0.5},
        {"hard_swish'", xact_mpfr::hard_swish_prime, 3, 1.5},
        {"hard_swish'", xact_mpfr::hard_swish_prime, -1.5, 0},
        {"hard_swish'", xact_mpfr::hard_swish_prime, std::nextafter(-3.0, -inf), 0},
        {"hard_swish'", xact_mpfr::hard_swish_prime, std::nextafter(3.0, inf), 1},
        {"softsign", xact_mpfr::softsign, 3, 0.75},
        {"softsign", xact_mpfr::softsign, -inf, -1},
        {"softsign'", xact_mpfr::softsign_prime, 3, 0.0625},
        {"softsign'", xact_mpfr::softsign_prime, inf, 0},
        {"selu", xact_mpfr::selu, 0, 0},
        {"selu'", xact_mpfr::selu_prime, -inf, 0},
        {"celu(0.3)", celu_03, -inf, -0.3},
        {"celu(0.3)", celu_03, 2, 2},
        {"celu'(0.3)", celu_prime_03, 0, 1},
        {"softplus(1.5, 10)", softplus_15, -inf, 0},
        {"softplus(1.5, 10)", softplus_15, inf, inf},
        {"softplus'(1.5, 10)", softplus_prime_15, 0, 0.5},
        {"softplus'(1.5, 10)", softplus_prime_15, 7, 1},
        {"log_sigmoid", xact_mpfr::log_sigmoid, -inf, -inf},
        {"log_sigmoid", xact_mpfr::log_sigmoid, inf, 0},
        {"log_sigmoid'", xact_mpfr::log_sigmoid_prime, 0, 0.5},
        {"log_sigmoid'", xact_mpfr::log_sigmoid_prime, -inf, 1},
        {"mish", xact_mpfr::mish, -inf, 0},
        {"mish", xact_mpfr::mish, inf, inf},
        {"mish", xact_mpfr::mish, 0, 0},
        {"mish'", xact_mpfr::mish_prime, -inf, 0},
        {"mish'", xact_mpfr::mish_prime, inf, 1},
        {"quick_gelu'", xact_mpfr::quick_gelu_prime, 0, 0.5},
    };
    for (const auto& v : table) {
        number r;
        v.f(r, v.x);
        INFO(v.name << "(" << v.x << ") = " << r.to_double() << ", want " << v.want);
        CHECK(r.to_double() == v.want);
    }
    // mish(-inf) and gelu(-inf) are limits from below: -0, not +0 or NaN.
    number z;
    xact_mpfr::mish(z, -inf);
    CHECK((mpfr_zero_p(z) && mpfr_signbit(z)));
    // mish'(0) = tanh(log 2) = 3/5; selu(-inf) = -scale alpha.
    xact_mpfr::mish_prime(z, 0);
    CHECK(relative(z.to_long_double(), 0.6L) <= long_double_unit);
    xact_mpfr::selu(z, -inf);
    CHECK(relative(z.to_long_double(), -1.75809934084737685994021752081L) <= long_double_unit);
    // NaN in, NaN out, everywhere.
    for (auto f : {xact_mpfr::relu6, xact_mpfr::relu6_prime, hard_tanh_07, hard_tanh_prime_07, xact_mpfr::hard_sigmoid,
                   xact_mpfr::hard_sigmoid_prime, xact_mpfr::hard_swish, xact_mpfr::hard_swish_prime,
                   xact_mpfr::softsign, xact_mpfr::softsign_prime, xact_mpfr::selu, xact_mpfr::selu_prime, celu_03,
                   celu_prime_03, softplus_15, softplus_prime_15, xact_mpfr::log_sigmoid, xact_mpfr::log_sigmoid_prime,
                   xact_mpfr::mish, xact_mpfr::mish_prime, xact_mpfr::quick_gelu, xact_mpfr::quick_gelu_prime}) {
        number r;
        f(r, nan);
        CHECK(mpfr_nan_p(r));
    }
}

#endif
