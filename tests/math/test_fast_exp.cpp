// The negative-side exponentials of include/xact/math/fast_exp.hpp (elu's kernels where the
// target fuses fma) against the long double reference: e^x - 1 and e^x for x <= 0, every lane.
#include <cmath>
#include <limits>
#include <vector>

#include <xact/math/fast_exp.hpp>

#include "support/harness.hpp"

using namespace xact_test;

namespace {

// x <= 0: a stride through the negative float patterns or random doubles spread over the
// exponents, the clamps' neighbourhoods and the special values.
template <class T>
std::vector<T> nonpositive_inputs()
{
    using L = std::numeric_limits<T>;
    std::vector<T> xs = {-T(0), -L::denorm_min(), -L::min(), -L::infinity(), -L::max(), T(-1e-30), T(-0.5), T(-1)};
    for (const T edge : {T(-16.6), T(-17.0), T(-17.33), T(-18.0), T(-36.7), T(-37.5), T(-40.0), T(-87.33), T(-103.97),
                         T(-104.0), T(-708.4), T(-745.13), T(-746.0)}) {
        T x = edge;
        for (int i = 0; i < 64; ++i, x = std::nextafter(x, T(0)))
            xs.push_back(x);
    }
    if constexpr (sizeof(T) == 4) {
        for (std::uint64_t b = 0x80000000u; b < 0xff800000u; b += 2053)
            xs.push_back(from_bits<float>(static_cast<std::uint32_t>(b)));
    } else {
        double_samples(1 << 20, 77, [&](double x) { xs.push_back(-std::fabs(x)); }, -1074, 10);
    }
    return xs;
}

template <class T, class Kernel, class Ref>
error_stats sweep(const std::vector<T>& xs, Kernel kernel, Ref ref)
{
    using B = xsimd::batch<T>;
    std::vector<T> padded(xs);
    padded.resize((xs.size() + B::size - 1) / B::size * B::size, T(-1));
    std::vector<T> out(padded.size());
    for (std::size_t i = 0; i < padded.size(); i += B::size)
        kernel(B::load_unaligned(padded.data() + i)).store_unaligned(out.data() + i);
    error_stats stats;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const real want = ref(static_cast<real>(xs[i]));
        stats.add(ulp_error(out[i], want), xs[i], out[i], want);
    }
    return stats;
}

template <class T, class Kernel>
T lane0_of(Kernel kernel, T x)
{
    return kernel(xsimd::batch<T>(x)).get(0);
}

// e^x - 1 and e^x kernels within 1.25 ULP of the long double reference on nonpositive_inputs.
template <class T, class Expm1, class Exp>
void check_within_bound(Expm1 expm1_kernel, Exp exp_kernel)
{
    const auto xs = nonpositive_inputs<T>();
    const auto m = sweep(xs, expm1_kernel, [](real x) { return std::expm1(x); });
    INFO("expm1: max " << m.max << " ULP at x = " << static_cast<double>(m.at));
    CHECK(m.max <= 1.25);
    const auto e = sweep(xs, exp_kernel, [](real x) { return std::exp(x); });
    INFO("exp: max " << e.max << " ULP at x = " << static_cast<double>(e.at));
    CHECK(e.max <= 1.25);
}

} // namespace

TEMPLATE_TEST_CASE("fast_expm1_nonpositive and fast_exp_nonpositive: within 1.25 ULP for x <= 0",
                   "[math][fast_exp]", float, double)
{
    using T = TestType;
    if (!xact::math::has_fused_fma) {
        WARN("no fused fma on this target: the kernels are not used (elu takes math/exp.hpp's)");
        return;
    }
    const auto expm1_kernel = [](auto x) { return xact::math::fast_expm1_nonpositive(x); };
    const auto exp_kernel = [](auto x) { return xact::math::fast_exp_nonpositive(x); };
    check_within_bound<T>(expm1_kernel, exp_kernel);

    using L = std::numeric_limits<T>;
    // a zero keeps its sign in e^x - 1; tiny and denormal x give x itself; the limits
    CHECK(same_bits(lane0_of(expm1_kernel, -T(0)), -T(0)));
    CHECK(same_bits(lane0_of(expm1_kernel, T(0)), T(0)));
    CHECK(same_bits(lane0_of(expm1_kernel, -L::denorm_min()), -L::denorm_min()));
    CHECK(same_bits(lane0_of(expm1_kernel, -L::min()), -L::min()));
    CHECK(lane0_of(expm1_kernel, -L::infinity()) == T(-1));
    CHECK(lane0_of(exp_kernel, -T(0)) == T(1));
    CHECK(lane0_of(exp_kernel, -L::denorm_min()) == T(1));
    CHECK(same_bits(lane0_of(exp_kernel, -L::infinity()), T(0)));
    CHECK(std::isnan(lane0_of(expm1_kernel, L::quiet_NaN())));
    CHECK(std::isnan(lane0_of(exp_kernel, L::quiet_NaN())));
}

// The selectors elu and celu call: the short kernels where the target fuses fma, math/exp.hpp's
// exp and expm1 elsewhere (SSE2 without FMA); within the same bound either way, and the same
// special values.
TEMPLATE_TEST_CASE("exp_nonpositive and expm1_nonpositive: within 1.25 ULP for x <= 0 on every target",
                   "[math][fast_exp]", float, double)
{
    using T = TestType;
    using L = std::numeric_limits<T>;
    const auto expm1_sel = [](auto x) { return xact::math::expm1_nonpositive(x); };
    const auto exp_sel = [](auto x) { return xact::math::exp_nonpositive(x); };
    check_within_bound<T>(expm1_sel, exp_sel);
    if (xact::math::has_fused_fma) {
        // the short kernels themselves, lane for lane
        for (const T x : {T(-0.75), T(-20.5), T(-100.25), -L::denorm_min()}) {
            CHECK(same_bits(lane0_of(expm1_sel, x), lane0_of([](auto v) { return xact::math::fast_expm1_nonpositive(v); }, x)));
            CHECK(same_bits(lane0_of(exp_sel, x), lane0_of([](auto v) { return xact::math::fast_exp_nonpositive(v); }, x)));
        }
    }
    CHECK(same_bits(lane0_of(expm1_sel, -T(0)), -T(0)));
    CHECK(same_bits(lane0_of(expm1_sel, T(0)), T(0)));
    CHECK(lane0_of(expm1_sel, -L::infinity()) == T(-1));
    CHECK(lane0_of(exp_sel, -T(0)) == T(1));
    CHECK(same_bits(lane0_of(exp_sel, -L::infinity()), T(0)));
    CHECK(std::isnan(lane0_of(expm1_sel, L::quiet_NaN())));
    CHECK(std::isnan(lane0_of(exp_sel, L::quiet_NaN())));
}
