// The batch primitives of include/xact/math/simd.hpp whose rounding the kernels rely on.
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include <xact/math/simd.hpp>

#include "support/harness.hpp"

using namespace xact_test;

namespace {

// Quotients of random significands across the exponent range, and the special operands.
template <class T>
std::vector<T> division_operands(std::uint64_t seed, std::size_t n)
{
    using L = std::numeric_limits<T>;
    std::vector<T> v = {T(0), -T(0), L::infinity(), -L::infinity(), L::quiet_NaN(), L::denorm_min(), L::min(),
                        L::max(), T(1), T(3), T(-7), T(0.1)};
    splitmix64 rng(seed);
    while (v.size() < n)
        v.push_back(static_cast<T>(std::ldexp(1 + rng.unit(), rng.integer(-60, 60)) * (rng.next() & 1 ? -1 : 1)));
    return v;
}

} // namespace

// Every lane of math::div is the correctly rounded quotient (xsimd 8.1's NEON float division is
// a refined reciprocal estimate, 1 ULP off for some operands; the float-in-double kernels and
// log1p_unit depend on the IEEE quotient).
TEMPLATE_TEST_CASE("math::div is the IEEE quotient in every lane", "[math][simd]", float, double)
{
    using T = TestType;
    using B = xsimd::batch<T>;
    const auto a = division_operands<T>(1, 1 << 16), b = division_operands<T>(2, 1 << 16);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i + B::size <= a.size(); i += B::size) {
        const B q = xact::math::div(B::load_unaligned(a.data() + i), B::load_unaligned(b.data() + i));
        for (std::size_t j = 0; j < B::size; ++j) {
            // float: the double quotient rounded to float is correctly rounded (53 >= 2 * 24 + 2);
            // double: the scalar division, IEEE on every target xact builds for.
            const T want = sizeof(T) == 4 ? static_cast<T>(static_cast<double>(a[i + j]) / b[i + j]) : a[i + j] / b[i + j];
            if (!same_bits(q.get(j), want)) {
                ++wrong;
                UNSCOPED_INFO(a[i + j] << " / " << b[i + j] << ": got " << q.get(j) << ", want " << want);
            }
        }
        if (wrong > 5)
            break;
    }
    CHECK(wrong == 0);
    CHECK(xact::math::div(T(1), T(3)) == T(1) / T(3));
}

// math::fnma (c - a b) and math::fms (a b - c) give, in every lane, the same bits as math::fma
// with the negated operand: rounded once where the target fuses fma (the kernels' exact
// residuals depend on it), twice where it does not, like fma() itself.
TEMPLATE_TEST_CASE("math::fnma and math::fms are fma with a negated operand in every lane", "[math][simd]", float,
                   double)
{
    using T = TestType;
    using B = xsimd::batch<T>;
    const auto a = division_operands<T>(3, 1 << 14), b = division_operands<T>(4, 1 << 14),
               c = division_operands<T>(5, 1 << 14);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i + B::size <= a.size(); i += B::size) {
        const B va = B::load_unaligned(a.data() + i), vb = B::load_unaligned(b.data() + i),
                vc = B::load_unaligned(c.data() + i);
        const B n = xact::math::fnma(va, vb, vc), s = xact::math::fms(va, vb, vc);
        for (std::size_t j = 0; j < B::size; ++j) {
            const T x = a[i + j], y = b[i + j], z = c[i + j];
            const T want_n = xact::math::fma(-x, y, z), want_s = xact::math::fma(x, y, -z);
            // NaN's sign is not specified (fnmadd keeps a NaN operand's sign)
            const bool ok_n = std::isnan(want_n) ? std::isnan(n.get(j)) : same_bits(n.get(j), want_n);
            const bool ok_s = std::isnan(want_s) ? std::isnan(s.get(j)) : same_bits(s.get(j), want_s);
            if (!ok_n || !ok_s) {
                ++wrong;
                UNSCOPED_INFO(x << ", " << y << ", " << z << ": fnma " << n.get(j) << " (want " << want_n << "), fms "
                                << s.get(j) << " (want " << want_s << ")");
            }
        }
        if (wrong > 5)
            break;
    }
    CHECK(wrong == 0);
    if (xact::math::has_fused_fma) {
        // one rounding: 1 - (1 + eps)(1 - eps) = eps^2 exactly, lost by a rounded product
        const T eps = std::numeric_limits<T>::epsilon();
        CHECK(xact::math::fnma(B(T(1) + eps), B(T(1) - eps), B(T(1))).get(0) == eps * eps);
        CHECK(xact::math::fms(B(T(1) + eps), B(T(1) - eps), B(T(1))).get(0) == -eps * eps);
    }
}

// math::clamp is lo where x < lo, hi where x > hi and x itself elsewhere, in every lane and on
// every target (x86 computes it by max and min, others by selects): a NaN stays NaN and an x
// equal to a bound keeps its own bits (-0 stays -0 at a bound of +0, +0 at -0), which the
// functors' sign-of-zero contracts (hard_tanh, relu6) rely on.
TEMPLATE_TEST_CASE("math::clamp returns x itself unless it lies outside the bounds", "[math][simd]", float, double)
{
    using T = TestType;
    using B = xsimd::batch<T>;
    using L = std::numeric_limits<T>;
    auto x = division_operands<T>(6, 1 << 12);
    for (T s : {T(-0.0), T(0), T(-1), T(1), T(6), L::infinity(), -L::infinity()})
        x.push_back(s);
    const std::vector<std::pair<T, T>> bounds = {{T(-1), T(1)},          {T(0), T(6)},   {T(-0.0), T(0)},
                                                 {T(0), T(-0.0)},        {T(-3), T(-3)}, {-L::infinity(), T(2)},
                                                 {T(-2), L::infinity()}, {L::denorm_min(), L::min()}};
    std::size_t wrong = 0;
    for (const auto& [lo, hi] : bounds) {
        for (std::size_t i = 0; i < x.size(); ++i) {
            // each value in each lane position, beside different neighbours
            alignas(64) T in[B::size];
            for (std::size_t j = 0; j < B::size; ++j)
                in[j] = x[(i + j * 977) % x.size()];
            const B c = xact::math::clamp(B::load_aligned(in), B(lo), B(hi));
            for (std::size_t j = 0; j < B::size; ++j) {
                const T v = in[j];
                const T want = v < lo ? lo : (v > hi ? hi : v);
                const bool ok = std::isnan(v) ? std::isnan(c.get(j)) : same_bits(c.get(j), want);
                if (!ok && ++wrong <= 5)
                    UNSCOPED_INFO("clamp(" << v << ", " << lo << ", " << hi << ") = " << c.get(j) << ", want " << want);
            }
        }
    }
    CHECK(wrong == 0);
}

// math::or_sign(x, s) sets x's sign bit where s has one and leaves it otherwise, lane by lane and
// as the scalar overload does: the functors whose value has their argument's sign (gelu, mish,
// hard_swish) apply it last, so that a zero result gets x's sign and nothing else changes.
TEMPLATE_TEST_CASE("math::or_sign sets the sign bit of s and nothing else", "[math][simd]", float, double)
{
    using T = TestType;
    using B = xsimd::batch<T>;
    const auto v = division_operands<T>(7, 1 << 10);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        alignas(64) T x[B::size], s[B::size];
        for (std::size_t j = 0; j < B::size; ++j) {
            x[j] = v[(i + j * 131) % v.size()];
            s[j] = v[(i * 7 + j * 389 + 1) % v.size()];
        }
        const B r = xact::math::or_sign(B::load_aligned(x), B::load_aligned(s));
        for (std::size_t j = 0; j < B::size; ++j) {
            // the sign bit set where s's is, x's bits kept otherwise (a NaN keeps its payload)
            const T want = std::signbit(s[j]) ? std::copysign(x[j], T(-1)) : x[j];
            const bool ok = same_bits(r.get(j), want) && same_bits(xact::math::or_sign(x[j], s[j]), want);
            if (!ok && ++wrong <= 5)
                UNSCOPED_INFO("or_sign(" << x[j] << ", " << s[j] << ") = " << r.get(j) << ", want " << want);
        }
    }
    CHECK(wrong == 0);
    CHECK(same_bits(xact::math::or_sign(B(T(0)), B(T(-2))).get(0), T(-0.0)));
    CHECK(same_bits(xact::math::or_sign(B(T(-0.0)), B(T(2))).get(0), T(-0.0)));
    CHECK(same_bits(xact::math::or_sign(B(T(0)), B(T(2))).get(0), T(0)));
}
