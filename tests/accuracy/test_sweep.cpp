// The metric of xact-accuracy (tests/accuracy/sweep.hpp): its libm-free exponent helpers agree
// with frexp and ldexp, and the ulp and mixed metrics give the textbook values.
#include <catch2/catch.hpp>

#if XACT_TEST_HAVE_MPFR

#include <cmath>
#include <limits>

#include "accuracy/sweep.hpp"

using xact_accuracy::real;

TEST_CASE("sweep: frexp_exponent and pow2 agree with frexp and ldexp", "[accuracy]")
{
    using xact_accuracy::detail::frexp_exponent;
    using xact_accuracy::detail::pow2;
    for (int k = -16500; k <= 16383; k += 7) {
        CHECK(pow2(k) == std::ldexp(real(1), k));
        for (real m : {real(1), real(-1.75), real(0.6180339887498948482L)}) {
            const real a = m * std::ldexp(real(1), k);
            if (a == 0 || std::isinf(a))
                continue;
            int e = 0;
            std::frexp(a, &e);
            CHECK(frexp_exponent(a) == e);
        }
    }
}

TEST_CASE("sweep: the ulp and mixed metrics", "[accuracy]")
{
    using xact_accuracy::error;
    // 1 + 2^-23 against 1: one float ulp; against 1 - 2^-25 (ulp 2^-24 below 1): 2.5 ulps.
    CHECK(error(1.0f + 0x1p-23f, real(1)) == 1.0);
    CHECK(error(1.0f, real(1) - 0x1p-25L) == 0.5);
    CHECK(error(1.0f + 0x1p-23f, real(1) - 0x1p-25L) == 2.5);
    // Below the smallest normal the unit is the denormal spacing.
    CHECK(error(std::numeric_limits<float>::denorm_min(), real(0)) == 1.0);
    CHECK(error(0.0, 3 * real(std::numeric_limits<double>::denorm_min())) == 3.0);
    // An exact value beyond double's range (the float path measures in double) stays finite.
    const double far = error(std::numeric_limits<float>::max(), std::ldexp(real(1), 1100));
    CHECK(far == 0x1p23); // (2^1100 - FLT_MAX) / ulp(2^1100) = (2^1100 - 2^128 + 2^104) / 2^1077
    // Mixed: |got - v| / (eps scale).
    CHECK(error(0x1p-20f, real(0), real(2)) == 4.0);
    // NaN matches only NaN; inf only an exact value that rounds to inf.
    CHECK(error(std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<real>::quiet_NaN()) == 0);
    CHECK(std::isinf(error(std::numeric_limits<float>::quiet_NaN(), real(1))));
    CHECK(error(std::numeric_limits<float>::infinity(), real(1e39)) == 0);
    CHECK(std::isinf(error(std::numeric_limits<float>::infinity(), real(1e38))));
}

#endif
