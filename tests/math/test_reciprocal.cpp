// math::reciprocal_estimate (include/xact/math/reciprocal.hpp): within 2^-28 of 1/b for double
// on every target (rcp14 and a Newton step on AVX-512), within 2^-14 for float on AVX-512 (rcp14)
// and the correctly rounded 1/b elsewhere, over normal b with a normal reciprocal.
#include <cmath>
#include <limits>
#include <vector>

#include <xact/math/reciprocal.hpp>

#include "support/harness.hpp"

using namespace xact_test;

TEMPLATE_TEST_CASE("math::reciprocal_estimate is within its stated relative error", "[math][reciprocal]", float,
                   double)
{
    using T = TestType;
    using B = xsimd::batch<T>;
    const long double bound = std::ldexp(1.0L, sizeof(T) == 8 ? -28 : XSIMD_WITH_AVX512F ? -14 : -24);
    // random significands over exponents -100..100, both signs, plus the binade edges
    std::vector<T> b = {T(1), T(-1), T(2), std::nextafter(T(2), T(0)), T(1.5), T(3), T(0x1p26) + 1,
                        T(1) + std::numeric_limits<T>::epsilon()};
    splitmix64 rng(7);
    while (b.size() < (1u << 18))
        b.push_back(static_cast<T>(std::ldexp(1 + rng.unit(), rng.integer(-100, 100)) * (rng.next() & 1 ? -1 : 1)));
    while (b.size() % B::size)
        b.push_back(T(1));
    long double worst = 0;
    T worst_at = 0;
    for (std::size_t i = 0; i < b.size(); i += B::size) {
        const B r = xact::math::reciprocal_estimate(B::load_unaligned(b.data() + i));
        for (std::size_t j = 0; j < B::size; ++j) {
            const long double exact = 1.0L / static_cast<long double>(b[i + j]);
            const long double rel = std::fabs((static_cast<long double>(r.get(j)) - exact) / exact);
            if (rel > worst) {
                worst = rel;
                worst_at = b[i + j];
            }
        }
    }
    INFO("max relative error " << static_cast<double>(worst) << " at b = " << worst_at);
    CHECK(worst <= bound);
    CHECK(worst > 0); // the sweep reaches inexact reciprocals (b = 3 among them)
}
