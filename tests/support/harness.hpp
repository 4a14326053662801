// Shared machinery of the functor tests: the inputs of the accuracy sweeps, the special
// values, the lane check (every length and offset, every element equal bit for bit to the
// scalar functor), and bit comparisons that treat NaN as equal to NaN.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <catch2/catch.hpp>
#include <xsimd/xsimd.hpp>

#include "ulp.hpp"

namespace xact_test {

template <class T>
inline constexpr std::size_t lanes = xsimd::batch<T>::size;

// Bit-for-bit equality; any NaN equals any NaN (the payload is not part of the contract).
template <class T>
bool same_bits(T a, T b)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return std::memcmp(&a, &b, sizeof a) == 0;
}

template <class T>
std::vector<T> special_values()
{
    using L = std::numeric_limits<T>;
    std::vector<T> v{L::quiet_NaN(), L::infinity(), -L::infinity(), T(0), -T(0), L::denorm_min(), -L::denorm_min(),
                     L::min() - L::denorm_min(), -(L::min() - L::denorm_min()), L::min(), -L::min(), L::max(),
                     -L::max(), T(1), T(-1), L::epsilon(), -L::epsilon()};
    return v;
}

// Float: every `step`-th bit pattern (all signs and exponents) plus the special values.
inline std::vector<float> float_sweep(std::uint32_t step)
{
    std::vector<float> v;
    for (std::uint64_t b = 0; b < (std::uint64_t(1) << 32); b += step) {
        const auto u = static_cast<std::uint32_t>(b);
        float x;
        std::memcpy(&x, &u, sizeof x);
        v.push_back(x);
    }
    for (float s : special_values<float>())
        v.push_back(s);
    return v;
}

// Double: random bit patterns over the whole range, plus uniform samples where the functions
// do their work ([-40, 40] and the underflow region), plus the special values.
inline std::vector<double> double_samples(std::size_t count, std::uint64_t seed = 12345)
{
    std::mt19937_64 rng(seed);
    std::vector<double> v;
    std::uniform_real_distribution<double> body(-40, 40), tail(-760, 760);
    for (std::size_t i = 0; i < count; ++i) {
        double x;
        switch (i % 4) {
        case 0: {
            // random exponent in [2^-30, 2^12], random mantissa and sign
            std::uniform_int_distribution<int> e(-30, 12);
            x = std::ldexp(std::uniform_real_distribution<double>(1, 2)(rng), e(rng)) * ((rng() & 1) ? -1 : 1);
            break;
        }
        case 1: x = body(rng); break;
        case 2: x = tail(rng); break;
        default: {
            const std::uint64_t u = rng();
            std::memcpy(&x, &u, sizeof x);
        }
        }
        v.push_back(x);
    }
    for (double s : special_values<double>())
        v.push_back(s);
    return v;
}

template <class T>
std::vector<T> sweep_inputs()
{
    if constexpr (sizeof(T) == 4)
        return float_sweep(4093); // ~1M inputs; odd step so every mantissa pattern mixes
    else
        return double_samples(100000);
}

// Inputs for the lane checks: varied signs and magnitudes, special values mixed in.
template <class T>
std::vector<T> lane_inputs(std::size_t n, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<T> d(T(-12), T(12));
    const auto specials = special_values<T>();
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = (i % 7 == 3) ? specials[(i / 7) % specials.size()] : d(rng);
    return v;
}

// For every length 0..3*lanes+1 and offset 0..lanes: `array_op(x, out, n)` must write exactly
// n elements, each bit-identical to `scalar_op(x[i])`, and touch nothing outside [0, n).
template <class T, class ArrayOp, class ScalarOp>
void check_lanes(ArrayOp array_op, ScalarOp scalar_op)
{
    const T sentinel = T(-12345.678);
    for (std::size_t n = 0; n <= 3 * lanes<T> + 1; ++n) {
        for (std::size_t offset = 0; offset <= lanes<T>; ++offset) {
            const auto values = lane_inputs<T>(n, n * 131 + offset);
            std::vector<T> x(n + offset + 1), y(n + offset + 1, sentinel);
            std::copy(values.begin(), values.end(), x.begin() + offset);
            array_op(x.data() + offset, y.data() + offset, n);
            for (std::size_t i = 0; i < offset; ++i)
                REQUIRE(same_bits(y[i], sentinel));
            REQUIRE(same_bits(y[n + offset], sentinel));
            for (std::size_t i = 0; i < n; ++i) {
                const T want = scalar_op(x[offset + i]);
                INFO("n = " << n << ", offset = " << offset << ", i = " << i << ", x = " << x[offset + i]
                            << ", array " << y[offset + i] << ", scalar " << want);
                REQUIRE(same_bits(y[offset + i], want));
            }
        }
    }
}

// Runs `array_op(x, out, n)` over all inputs at once (the vectorized path) and measures the
// error of every result against `ref(x)` with `metric(got, ref)`.
template <class T, class ArrayOp, class Ref, class Metric>
error_stats measure(const std::vector<T>& xs, ArrayOp array_op, Ref ref, Metric metric)
{
    std::vector<T> out(xs.size());
    array_op(xs.data(), out.data(), xs.size());
    error_stats stats;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const real want = ref(static_cast<real>(xs[i]));
        stats.add(metric(out[i], want), xs[i], out[i], want);
    }
    return stats;
}

// Central difference of a reference function, in long double.
template <class Ref>
real central_difference(Ref ref, real x)
{
    const real h = std::cbrt(std::numeric_limits<real>::epsilon()) * std::max(real(1), std::fabs(x));
    return (ref(x + h) - ref(x - h)) / (2 * h);
}

} // namespace xact_test
