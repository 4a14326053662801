#include "support/elementwise_suite.hpp"
#include <cmath>

using namespace xact_test;

TEMPLATE_TEST_CASE("tanh", "[tanh]", float, double)
{
    using T = TestType;
    run_elementwise_suite<T>(elementwise_spec<xact::tanh>{{}, xact_ref::tanh, xact_ref::tanh_prime, 2, 3, 1});

    SECTION("odd, bounded, monotone, tails")
    {
        const xact::tanh f;
        CHECK(same_bits(f(-T(0)), -T(0)));
        CHECK(f(std::numeric_limits<T>::infinity()) == T(1));
        CHECK(f(-std::numeric_limits<T>::infinity()) == T(-1));
        // 1 - tanh^2 would give 0 here: tanh'(20) = 1.6993417021166355e-17
        CHECK(f.derivative(T(20)) == Approx(1.6993417021166355e-17).epsilon(1e-6));
        rc::prop("tanh", [](int a, int b) {
            const xact::tanh f;
            const T x = T(a % 100000) / T(1000), y = T(b % 100000) / T(1000);
            RC_ASSERT(same_bits(f(-x), T(-f(x))));
            RC_ASSERT(std::fabs(f(x)) <= T(1));
            if (x <= y)
                RC_ASSERT(f(x) <= f(y));
        });
    }
}

// Float tanh (or tanh') at xs against the long double reference, within bound ULP.
static void check_floats(const std::vector<float>& xs, bool derivative, double bound)
{
    if (derivative)
        check_float_errors(xact::tanh{}, xs, xact_ref::tanh_prime, true, bound);
    else
        check_float_errors(xact::tanh{}, xs, xact_ref::tanh, false, bound);
}

// The float kernel's seams (math/fast_tanh.hpp), densely: where 2^n stops at 2^-24 and where
// tanh reaches 1 (forward, [8, 10), every float); where the quotient has least room (forward,
// [0.125, 0.5), every 16th); where the derivative's scaling leaves the normal range and where it
// underflows to 0 ([40, 56), every 4th). XACT_TEST_SWEEP_SCALE=N makes them N^2 times sparser.
TEST_CASE("tanh float: dense at the kernel's seams", "[tanh]")
{
    const auto floats = [](float lo, float hi, std::size_t step) {
        step *= sweep_scale() * sweep_scale();
        std::vector<float> v;
        for (std::uint32_t b = to_bits(lo); b < to_bits(hi); b += static_cast<std::uint32_t>(step))
            v.push_back(from_bits<float>(b));
        return v;
    };
    check_floats(floats(8.0f, 10.0f, 1), false, 2);
    check_floats(floats(0.125f, 0.5f, 16), false, 2);
    check_floats(floats(40.0f, 56.0f, 4), true, 3);
}

// The AVX-512 kernel's seams (math/tanh_table.hpp): every edge of its 30 slots (1/16, each
// quarter binade up to 8, and the clamp at 9.5), 256 floats on either side; and a stride through
// every slot. Other targets run the same checks on their own kernel.
TEST_CASE("tanh float: dense at the table's slot edges", "[tanh]")
{
    std::vector<float> edges{8.0f, 9.5f};
    for (int k = -4; k < 3; ++k)
        for (int j = 0; j < 4; ++j)
            edges.push_back(std::ldexp(1.0f + 0.25f * static_cast<float>(j), k));
    std::vector<float> xs = floats_around(edges);
    const std::uint32_t stride = 4099 * static_cast<std::uint32_t>(sweep_scale());
    for (std::uint32_t b = 0; b < to_bits(9.6f); b += stride)
        xs.push_back(from_bits<float>(b));
    check_floats(xs, false, 2);
}

// tanh x rounds to x itself for |x| <= 2^-12 (x^3/3 is under half an ULP of x there), denormals
// included: the kernels must give x exactly, not merely within the bound.
TEST_CASE("tanh float: x itself near 0", "[tanh]")
{
    const xact::tanh f;
    std::vector<float> xs;
    for (std::uint32_t b = 1; b <= to_bits(0x1p-12f); b += 997 * static_cast<std::uint32_t>(sweep_scale())) {
        xs.push_back(from_bits<float>(b));
        xs.push_back(-from_bits<float>(b));
    }
    xs.push_back(0x1p-12f);
    xs.push_back(std::numeric_limits<float>::denorm_min());
    std::vector<float> y(xs.size());
    xact::forward(f, xs.data(), y.data(), xs.size());
    std::size_t exact = 0, first_miss = xs.size();
    for (std::size_t i = 0; i < xs.size(); ++i) {
        if (same_bits(y[i], xs[i]))
            ++exact;
        else if (first_miss == xs.size())
            first_miss = i;
    }
    const bool missed = first_miss < xs.size();
    INFO("first miss: x = " << (missed ? xs[first_miss] : 0.0f) << ", tanh = " << (missed ? y[first_miss] : 0.0f));
    CHECK(exact == xs.size());
}
