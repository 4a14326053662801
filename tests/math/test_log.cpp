// log1p_unit (include/xact/math/log.hpp) against long double log1p over its domain [0, 1].
#include <cmath>
#include <cstdio>

#include <xact/math/log.hpp>

#include "support/harness.hpp"

using namespace xact_test;

namespace {

// Every input through the batch path, checking each lane against the scalar call too.
template <class T>
error_stats measure_log1p(const std::vector<T>& ts)
{
    using B = xsimd::batch<T>;
    error_stats e;
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i + B::size <= ts.size(); i += B::size) {
        const B r = xact::math::log1p_unit(B::load_unaligned(ts.data() + i));
        for (std::size_t j = 0; j < B::size; ++j) {
            const T t = ts[i + j];
            e.add_ulp(t, r.get(j), std::log1p(static_cast<real>(t)));
            mismatches += !same_bits(r.get(j), xact::math::lane0(t, [](auto v) { return xact::math::log1p_unit(v); }));
        }
    }
    CHECK(mismatches == 0);
    return e;
}

} // namespace

TEMPLATE_TEST_CASE("log1p_unit", "[math][log]", float, double)
{
    using T = TestType;
    // float: every value in [0, 1]; double: 2^22 spread by ordinal (log-spaced, down to the
    // denormals) plus 2^22 uniform on [0, 1], where the reduction switches at sqrt2 - 1.
    std::vector<T> ts = ordered_values<T>(T(0), T(1), std::size_t(1) << 22);
    if constexpr (sizeof(T) == 8) {
        splitmix64 rng(7);
        for (std::size_t i = 0; i < (std::size_t(1) << 22); ++i)
            ts.push_back(rng.unit());
    }
    ts.push_back(T(1));
    while (ts.size() % xsimd::batch<T>::size)
        ts.push_back(T(0.5));
    const auto e = measure_log1p<T>(ts);
    INFO(e.describe());
    CHECK(e.max <= 1);
    std::printf("accuracy: log1p_unit %-6s %.3f ULP over %zu inputs\n", sizeof(T) == 4 ? "float" : "double", e.max,
                ts.size());

    SECTION("exact values and NaN")
    {
        using xact::math::log1p_unit;
        CHECK(same_bits(log1p_unit(T(0)), T(0)));
        CHECK(log1p_unit(std::numeric_limits<T>::denorm_min()) == std::numeric_limits<T>::denorm_min());
        CHECK(log1p_unit(std::numeric_limits<T>::min()) == std::numeric_limits<T>::min());
        CHECK(ulp_error(log1p_unit(T(1)), std::log1p(real(1))) <= 0.5);
        CHECK(std::isnan(log1p_unit(std::numeric_limits<T>::quiet_NaN())));
    }
}
