// Shared machinery of the functor tests: the inputs of the accuracy sweeps, the special
// values, the lane check (every length and offset, every element equal bit for bit to the
// scalar functor, nothing outside the output touched), and bit comparisons that treat NaN as
// equal to NaN. Random inputs come from a fixed-seed splitmix64, so every platform and
// standard library draws the same numbers.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>
#include <xsimd/xsimd.hpp>

#include "bits.hpp"
#include "ulp.hpp"

namespace xact_test {

// Elements per batch of xsimd's default architecture (what xact's loops use).
template <class T>
inline constexpr std::size_t lanes = xsimd::batch<T>::size;

template <class T>
using aligned_vector = std::vector<T, xsimd::aligned_allocator<T, 64>>;

// NaN, +-inf, +-0, +-denorm_min, +-largest denormal, +-smallest normal, +-max, +-1, +-epsilon.
template <class T>
std::vector<T> special_values()
{
    using L = std::numeric_limits<T>;
    std::vector<T> v{L::quiet_NaN(), L::infinity(), -L::infinity(), T(0), -T(0), L::denorm_min(), -L::denorm_min(),
                     L::min() - L::denorm_min(), -(L::min() - L::denorm_min()), L::min(), -L::min(), L::max(),
                     -L::max(), T(1), T(-1), L::epsilon(), -L::epsilon()};
    return v;
}

// The xs as long double (for the vector functions of the reference).
template <class T>
std::vector<real> widen(const std::vector<T>& xs)
{
    return std::vector<real>(xs.begin(), xs.end());
}

// ---- random numbers -------------------------------------------------------------------------------
struct splitmix64 {
    std::uint64_t state;

    explicit splitmix64(std::uint64_t seed) : state(seed) {}

    std::uint64_t next()
    {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }

    // Uniform in [0, 1) with 53 random bits.
    double unit() { return static_cast<double>(next() >> 11) * 0x1p-53; }

    // Uniform in [lo, hi] (as a double, then rounded to the caller's type).
    double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }

    // Uniform integer in [lo, hi].
    int integer(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1)); }

    // Random sign, binary exponent uniform in [min_exponent, max_exponent] (x = +-1.m * 2^e;
    // below T's normal range the value is rounded to a denormal), random mantissa.
    template <class T>
    T spread(int min_exponent, int max_exponent)
    {
        const int e = integer(min_exponent, max_exponent);
        const T m = static_cast<T>(1 + static_cast<double>(next() >> 12) * 0x1p-52); // in [1, 2)
        const T x = std::ldexp(m, e);
        return (next() & 1) ? -x : x;
    }
};

// ---- sweep inputs ---------------------------------------------------------------------------------

// Calls fn(x) for every `step`-th float bit pattern (0, step, 2 step, ... over all 2^32: both
// signs, every exponent, denormals, infinities and NaNs), then for special_values<float>().
// step 4096 gives ~1M inputs; an odd step (4093) also varies the low mantissa bits.
template <class Fn, std::enable_if_t<std::is_invocable_v<Fn&, float>, int> = 0>
void float_sweep(std::uint32_t step, Fn&& fn)
{
    for (std::uint64_t b = 0; b < (std::uint64_t(1) << 32); b += step)
        fn(from_bits<float>(static_cast<std::uint32_t>(b)));
    for (float s : special_values<float>())
        fn(s);
}

inline std::vector<float> float_sweep(std::uint32_t step)
{
    std::vector<float> v;
    v.reserve((std::uint64_t(1) << 32) / step + 32);
    float_sweep(step, [&](float x) { v.push_back(x); });
    return v;
}

// Calls fn(x) for `count` random doubles (fixed seed), by turns: exponent spread over
// [min_exponent, max_exponent] (the whole range by default, denormals included), uniform in
// [-40, 40], uniform in [-760, 760] (the exp underflow zone), exponent spread over [-30, 12];
// random sign and mantissa throughout. Then the special values.
template <class Fn, std::enable_if_t<std::is_invocable_v<Fn&, double>, int> = 0>
void double_samples(std::size_t count, std::uint64_t seed, Fn&& fn, int min_exponent = -1074, int max_exponent = 1023)
{
    splitmix64 rng(seed);
    for (std::size_t i = 0; i < count; ++i) {
        switch (i % 4) {
        case 0: fn(rng.spread<double>(min_exponent, max_exponent)); break;
        case 1: fn(rng.uniform(-40, 40)); break;
        case 2: fn(rng.uniform(-760, 760)); break;
        default: fn(rng.spread<double>(-30, 12)); break;
        }
    }
    for (double s : special_values<double>())
        fn(s);
}

inline std::vector<double> double_samples(std::size_t count, std::uint64_t seed = 12345, int min_exponent = -1074,
                                          int max_exponent = 1023)
{
    std::vector<double> v;
    v.reserve(count + 32);
    double_samples(count, seed, [&](double x) { v.push_back(x); }, min_exponent, max_exponent);
    return v;
}

// XACT_TEST_SWEEP_SCALE=N (an integer, 1 to 4096; default 1) makes the accuracy sweeps N times
// sparser, for slow targets: under user-mode emulation the long double reference runs as
// software quad precision (aarch64) and takes ~100x longer. The special values always stay in.
inline std::size_t sweep_scale()
{
    static const std::size_t scale = [] {
        const char* s = std::getenv("XACT_TEST_SWEEP_SCALE");
        if (s == nullptr || *s == '\0')
            return std::size_t(1);
        char* end = nullptr;
        const long v = std::strtol(s, &end, 10);
        if (*end != '\0' || v < 1 || v > 4096) {
            std::fprintf(stderr, "XACT_TEST_SWEEP_SCALE=%s: not an integer in [1, 4096]; using 1\n", s);
            return std::size_t(1);
        }
        std::fprintf(stderr, "XACT_TEST_SWEEP_SCALE=%ld: accuracy sweeps %ld times sparser\n", v, v);
        return static_cast<std::size_t>(v);
    }();
    return scale;
}

// `count` divided by sweep_scale() (at least 1): for the size of a sweep.
inline std::size_t sweep_count(std::size_t count)
{
    return std::max<std::size_t>(1, count / sweep_scale());
}

// The default accuracy inputs: ~1M floats (every 4093rd pattern), 100000 doubles; with
// XACT_TEST_SWEEP_SCALE=N, every (4093 N | 1)th pattern (an odd step, so the low mantissa bits
// still vary) and 100000 / N doubles.
template <class T>
std::vector<T> sweep_inputs()
{
    if constexpr (sizeof(T) == 4)
        return float_sweep(static_cast<std::uint32_t>(4093 * sweep_scale()) | 1u);
    else
        return double_samples(sweep_count(100000));
}

// The position of x in the ordered sequence of all T values (-0 and +0 are both 0).
template <class T>
std::int64_t ordinal(T x)
{
    const auto b = to_bits(x);
    constexpr auto sign = bits_of<T>(1) << (8 * sizeof(T) - 1);
    const auto magnitude = static_cast<std::int64_t>(b & ~sign);
    return (b & sign) ? -magnitude : magnitude;
}

template <class T>
T from_ordinal(std::int64_t o)
{
    constexpr auto sign = bits_of<T>(1) << (8 * sizeof(T) - 1);
    return o < 0 ? from_bits<T>(static_cast<bits_of<T>>(-o) | sign) : from_bits<T>(static_cast<bits_of<T>>(o));
}

// `count` values of T spread evenly by ordinal over [lo, hi] (both included), or every value
// there if it holds fewer: exhaustive or log-spaced coverage of a range (a tail, a root).
template <class T>
std::vector<T> ordered_values(T lo, T hi, std::size_t count)
{
    const std::int64_t a = ordinal(lo), b = ordinal(hi);
    const auto span = static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(a); // b >= a
    std::vector<T> v;
    if (count == 0 || b < a)
        return v;
    // a + k in unsigned arithmetic: the span of all doubles exceeds INT64_MAX
    const auto at = [a](std::uint64_t k) { return from_ordinal<T>(static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + k)); };
    if (span < count) {
        for (std::uint64_t k = 0; k <= span; ++k)
            v.push_back(at(k));
        return v;
    }
    for (std::size_t i = 0; i < count; ++i) {
        const auto k = i + 1 == count ? span
                                      : std::min(span, static_cast<std::uint64_t>(static_cast<long double>(span) * i /
                                                                                 static_cast<long double>(count - 1)));
        v.push_back(at(k));
    }
    return v;
}

// ---- the lane check -------------------------------------------------------------------------------

// Inputs for the lane checks: mostly in [-12, 12], some tail values in [-60, 60], and the
// special values every 7th element.
template <class T>
std::vector<T> lane_inputs(std::size_t n, std::uint64_t seed)
{
    splitmix64 rng(seed);
    const auto specials = special_values<T>();
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (i % 7 == 3)
            v[i] = specials[(i / 7 + seed) % specials.size()];
        else if (i % 5 == 4)
            v[i] = static_cast<T>(rng.uniform(-60, 60));
        else
            v[i] = static_cast<T>(rng.uniform(-12, 12));
    }
    return v;
}

namespace detail {

template <class T>
std::string show(T x)
{
    std::ostringstream s;
    s.precision(std::numeric_limits<T>::max_digits10);
    s << x << " (" << std::hexfloat << x << ")";
    return s.str();
}

// Records a failure description; keeps the first few.
struct failures {
    std::vector<std::string> list;
    std::size_t total = 0;
    void add(const std::string& s)
    {
        if (++total <= 8)
            list.push_back(s);
    }
    void report(const char* what) const
    {
        for (const auto& s : list)
            FAIL_CHECK(what << ": " << s);
        INFO(what << ": " << total << " failures");
        CHECK(total == 0);
    }
};

// Checks one run: the guards still hold the sentinel, each of the n results equals want(i).
template <class T, class Want>
void check_run(failures& fails, const aligned_vector<T>& out, std::size_t start, std::size_t n, Want want,
               const std::string& where)
{
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (i >= start && i < start + n) {
            const T w = want(i - start);
            if (!same_bits(out[i], w))
                fails.add(where + ", element " + std::to_string(i - start) + ": array " + show(out[i]) + ", scalar " +
                          show(w));
        } else if (!identical_bits(out[i], sentinel<T>())) {
            fails.add(where + ": wrote outside [0, n) at " + std::to_string(static_cast<long>(i) - long(start)) +
                      ": " + show(out[i]));
        }
    }
}

} // namespace detail

// For every length n in 0..3*lanes+1 and offset 0..lanes from a 64-byte boundary (so both
// aligned and every misalignment): `array_op(x, y, n)` (const T*, T*, std::size_t) must write
// each y[i] bit-identical to `scalar_op(x[i])` (NaN equals NaN), write nothing outside [0, n)
// (a sentinel fill of lanes elements each side stays intact) and leave x unchanged. With
// in_place, also array_op(y, y, n) with y holding x.
template <class T, class ArrayOp, class ScalarOp>
void check_lanes(ArrayOp array_op, ScalarOp scalar_op, bool in_place = true)
{
    constexpr std::size_t L = lanes<T>;
    detail::failures fails;
    for (std::size_t n = 0; n <= 3 * L + 1; ++n) {
        for (std::size_t offset = 0; offset <= L; ++offset) {
            const auto values = lane_inputs<T>(n, n * 131 + offset);
            const std::size_t start = L + offset, size = start + n + L;
            aligned_vector<T> x(size, sentinel<T>()), y(size, sentinel<T>());
            std::copy(values.begin(), values.end(), x.begin() + static_cast<std::ptrdiff_t>(start));
            const aligned_vector<T> x0 = x;
            const std::string where = "n = " + std::to_string(n) + ", offset = " + std::to_string(offset);
            array_op(static_cast<const T*>(x.data() + start), y.data() + start, n);
            const auto want = [&](std::size_t i) { return static_cast<T>(scalar_op(values[i])); };
            detail::check_run(fails, y, start, n, want, where);
            for (std::size_t i = 0; i < size; ++i)
                if (!identical_bits(x[i], x0[i]))
                    fails.add(where + ": the input changed at " + std::to_string(long(i) - long(start)));
            if (in_place) {
                aligned_vector<T> z = x0;
                array_op(static_cast<const T*>(z.data() + start), z.data() + start, n);
                detail::check_run(fails, z, start, n, want, where + ", in place");
            }
        }
    }
    fails.report("check_lanes");
}

// The same for two inputs: `array_op(a, b, y, n)` against `scalar_op(a[i], b[i])`, e.g.
// backward (x, dy -> dx). With in_place, also with y = a and with y = b.
template <class T, class ArrayOp, class ScalarOp>
void check_lanes2(ArrayOp array_op, ScalarOp scalar_op, bool in_place = true)
{
    constexpr std::size_t L = lanes<T>;
    detail::failures fails;
    for (std::size_t n = 0; n <= 3 * L + 1; ++n) {
        for (std::size_t offset = 0; offset <= L; ++offset) {
            const auto va = lane_inputs<T>(n, n * 131 + offset);
            const auto vb = lane_inputs<T>(n, n * 131 + offset + 0x5eed);
            const std::size_t start = L + offset, size = start + n + L;
            aligned_vector<T> a(size, sentinel<T>()), b(size, sentinel<T>()), y(size, sentinel<T>());
            std::copy(va.begin(), va.end(), a.begin() + static_cast<std::ptrdiff_t>(start));
            std::copy(vb.begin(), vb.end(), b.begin() + static_cast<std::ptrdiff_t>(start));
            const aligned_vector<T> a0 = a, b0 = b;
            const std::string where = "n = " + std::to_string(n) + ", offset = " + std::to_string(offset);
            const auto want = [&](std::size_t i) { return static_cast<T>(scalar_op(va[i], vb[i])); };
            array_op(static_cast<const T*>(a.data() + start), static_cast<const T*>(b.data() + start), y.data() + start, n);
            detail::check_run(fails, y, start, n, want, where);
            for (std::size_t i = 0; i < size; ++i)
                if (!identical_bits(a[i], a0[i]) || !identical_bits(b[i], b0[i]))
                    fails.add(where + ": an input changed at " + std::to_string(long(i) - long(start)));
            if (in_place) {
                aligned_vector<T> za = a0, zb = b0;
                array_op(static_cast<const T*>(za.data() + start), static_cast<const T*>(b0.data() + start),
                         za.data() + start, n);
                detail::check_run(fails, za, start, n, want, where + ", in place on the first input");
                array_op(static_cast<const T*>(a0.data() + start), static_cast<const T*>(zb.data() + start),
                         zb.data() + start, n);
                detail::check_run(fails, zb, start, n, want, where + ", in place on the second input");
            }
        }
    }
    fails.report("check_lanes2");
}

// ---- accuracy -------------------------------------------------------------------------------------

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

// Central difference of a reference function, in long double: (f(x+h) - f(x-h)) / 2h with
// h = cbrt(eps) max(1, |x|) (~5e-7 on x87), so truncation and rounding errors are both ~1e-13
// relative to the size of f; meaningless within 2h of a kink.
template <class Ref>
real central_difference(Ref ref, real x, real h)
{
    return (ref(x + h) - ref(x - h)) / (2 * h);
}

template <class Ref>
real central_difference(Ref ref, real x)
{
    return central_difference(ref, x, std::cbrt(std::numeric_limits<real>::epsilon()) * std::max(real(1), std::fabs(x)));
}

} // namespace xact_test
