// 16-bit storage: Eigen::bfloat16 and Eigen::half arrays in and out, computed in float, every
// result correctly rounded to the storage type.
//
// A block of lanes<float> elements is widened to a float batch (bf16: the bits shifted left by
// 16; f16: F16C's vcvtph2ps where the flags enable it, else an exact bit conversion), the
// activation runs on the batch in float and the result is rounded to the storage type (bf16:
// round to nearest even on the float bits, NaN kept NaN; f16: vcvtps2ph to nearest, or the same
// rounding in bits). Rounding a float result that is a few ULP off the exact value is the
// correctly rounded answer except when the exact value lies within those few ULP of a storage
// midpoint (double rounding). So each lane also rounds r - k ULP and r + k ULP (k = fixup_ulps,
// above every functor's float error bound): where the two differ a midpoint is near, and that
// lane is recomputed by the functor's double path and rounded once, from double, to the storage
// type. A branch per block, taken for about 2k/2^16 of bf16 results and 2k/2^13 of f16 results.
// tests/engine/test_half.cpp checks every one of the 2^16 inputs of every function.
//
// The element's result depends only on its inputs (body, strided gather and tail run the same
// block code), as for float and double.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
#include <xsimd/xsimd.hpp>

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

#include "operations.hpp"
#include "softmax.hpp"
#include "view.hpp"

namespace xact::engine {

template <class T>
inline constexpr bool is_half_v = std::is_same_v<T, Eigen::bfloat16> || std::is_same_v<T, Eigen::half>;

static_assert(sizeof(Eigen::bfloat16) == 2 && sizeof(Eigen::half) == 2, "xact: 16-bit storage types must be 2 bytes");

namespace half_detail {

// The float error bound, in float ULP (bits), that decides which lanes are recomputed in double.
// Every functor's measured float error is below 4 ULP (README); backward adds one rounding.
inline constexpr std::uint32_t fixup_ulps = 4;

template <class H>
const std::uint16_t* bits(const H* p) noexcept
{
    return reinterpret_cast<const std::uint16_t*>(p);
}

template <class H>
std::uint16_t* bits(H* p) noexcept
{
    return reinterpret_cast<std::uint16_t*>(p);
}

inline float float_of_bits(std::uint32_t u) noexcept
{
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

inline std::uint32_t bits_of_float(float f) noexcept
{
    std::uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

// ---- scalar conversions (exact bit manipulation; the reference for the vector ones) ----------

inline float bf16_to_float(std::uint16_t h) noexcept { return float_of_bits(std::uint32_t(h) << 16); }

inline std::uint16_t float_to_bf16(float f) noexcept
{
    const std::uint32_t u = bits_of_float(f);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) // NaN: keep sign and payload's top bits, force quiet
        return static_cast<std::uint16_t>((u >> 16) | 0x0040u);
    return static_cast<std::uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

inline float f16_to_float(std::uint16_t h) noexcept
{
    const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
    const std::uint32_t e = (h >> 10) & 0x1Fu, m = h & 0x3FFu;
    if (e == 0x1F) // inf, NaN (quiet)
        return float_of_bits(sign | 0x7F800000u | (m << 13) | (m ? 0x00400000u : 0u));
    if (e != 0)
        return float_of_bits(sign | ((e + 112u) << 23) | (m << 13));
    // zero or subnormal: m 2^-24, exact in float
    const float v = static_cast<float>(m) * 5.9604644775390625e-08f;
    return sign ? -v : v;
}

inline std::uint16_t float_to_f16(float f) noexcept
{
    const std::uint32_t u = bits_of_float(f);
    const auto sign = static_cast<std::uint16_t>((u >> 16) & 0x8000u);
    const std::uint32_t a = u & 0x7FFFFFFFu;
    if (a > 0x7F800000u) // NaN: quiet, top payload bits kept
        return static_cast<std::uint16_t>(sign | 0x7E00u | ((a >> 13) & 0x3FFu));
    if (a >= 0x477FF000u) // >= 65520 (max + half an ULP): rounds to inf
        return static_cast<std::uint16_t>(sign | 0x7C00u);
    if (a >= 0x38800000u) { // normal f16: drop 13 bits, nearest even (a carry into the exponent is right)
        const std::uint32_t r = a - 0x38000000u; // rebias 127 -> 15
        return static_cast<std::uint16_t>(sign | ((r + 0x0FFFu + ((r >> 13) & 1u)) >> 13));
    }
    if (a < 0x33000000u) // < 2^-25 (half the least subnormal): rounds to zero
        return sign;
    // subnormal f16: m = a / 2^-24 rounded to nearest even, from the float significand
    const std::uint32_t e = a >> 23, sig = (a & 0x7FFFFFu) | 0x800000u;
    const std::uint32_t shift = 126u - e; // value = sig 2^(e-150) = (sig >> shift) 2^-24
    const std::uint32_t q = sig >> shift, rest = sig & ((1u << shift) - 1u), half = 1u << (shift - 1u);
    const std::uint32_t m = q + ((rest > half || (rest == half && (q & 1u))) ? 1u : 0u);
    return static_cast<std::uint16_t>(sign | m);
}

template <class H>
float to_float(std::uint16_t h) noexcept
{
    if constexpr (std::is_same_v<H, Eigen::bfloat16>)
        return bf16_to_float(h);
    else
        return f16_to_float(h);
}

template <class H>
std::uint16_t from_float(float f) noexcept
{
    if constexpr (std::is_same_v<H, Eigen::bfloat16>)
        return float_to_bf16(f);
    else
        return float_to_f16(f);
}

// One rounding from double to H (the fix-up path): round to H's precision with H's exponent
// range in double, exactly (rint in the default nearest-even mode), then the value is exact in
// float and in H.
template <class H>
std::uint16_t from_double(double d) noexcept
{
    constexpr bool bf = std::is_same_v<H, Eigen::bfloat16>;
    constexpr int digits = bf ? 8 : 11;    // significand bits
    constexpr int min_exp = bf ? -126 : -14; // exponent of the least normal
    constexpr double max_finite = bf ? 3.3895313892515355e38 : 65504.0;
    if (std::isnan(d) || std::isinf(d) || d == 0)
        return from_float<H>(static_cast<float>(d));
    int e;
    std::frexp(d, &e); // |d| in [2^(e-1), 2^e)
    const int q = std::max(e - 1, min_exp) - (digits - 1); // the ULP's exponent
    const double r = std::ldexp(std::nearbyint(std::ldexp(d, -q)), q);
    if (std::fabs(r) > max_finite)
        return from_float<H>(r > 0 ? INFINITY : -INFINITY);
    return from_float<H>(static_cast<float>(r)); // exact
}

// ---- vector conversions: a batch<float> from lanes<float> stored values, and back --------------

using fbatch = batch<float>;
using ubatch = batch<std::uint32_t>;
inline constexpr std::size_t L = lanes<float>;

// The x86 register paths, for the batch width xsimd's default architecture has under those flags.
#if defined(__AVX512F__)
#define XACT_HALF_X86 16
#elif defined(__AVX2__)
#define XACT_HALF_X86 8
#else
#define XACT_HALF_X86 0
#endif
#if XACT_HALF_X86
static_assert(L == XACT_HALF_X86, "xact: xsimd's default batch width differs from the flags' register width");
#endif

template <class H>
XACT_INLINE fbatch widen(const std::uint16_t* p) noexcept
{
    if constexpr (std::is_same_v<H, Eigen::bfloat16>) {
#if XACT_HALF_X86 == 16
        return _mm512_castsi512_ps(
            _mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))), 16));
#elif XACT_HALF_X86 == 8
        return _mm256_castsi256_ps(
            _mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))), 16));
#endif
    } else {
#if XACT_HALF_X86 == 16
        return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
#elif XACT_HALF_X86 == 8 && defined(__F16C__)
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
#endif
    }
    alignas(64) float f[L];
    for (std::size_t j = 0; j < L; ++j)
        f[j] = to_float<H>(p[j]);
    return fbatch::load_aligned(f);
}

// The rounded values, one per 32-bit lane (zero-extended).
template <class H>
XACT_INLINE ubatch narrow(fbatch v) noexcept
{
    if constexpr (std::is_same_v<H, Eigen::bfloat16>) {
        const ubatch u = xsimd::bitwise_cast<ubatch>(v);
        const ubatch rounded = (u + ubatch(0x7FFFu) + ((u >> 16) & ubatch(1u))) >> 16;
        const ubatch quiet_nan = (u >> 16) | ubatch(0x0040u);
        return xsimd::select((u & ubatch(0x7FFFFFFFu)) > ubatch(0x7F800000u), quiet_nan, rounded);
    } else {
#if XACT_HALF_X86 == 16
        return _mm512_cvtepu16_epi32(_mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
#elif XACT_HALF_X86 == 8 && defined(__F16C__)
        return _mm256_cvtepu16_epi32(_mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
#else
        alignas(64) float f[L];
        alignas(64) std::uint32_t u[L];
        v.store_aligned(f);
        for (std::size_t j = 0; j < L; ++j)
            u[j] = from_float<H>(f[j]);
        return ubatch::load_aligned(u);
#endif
    }
}

XACT_INLINE void store_bits(ubatch v, std::uint16_t* p) noexcept
{
#if XACT_HALF_X86 == 16
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtepi32_epi16(v));
#elif XACT_HALF_X86 == 8
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(v, v), 0x08);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm256_castsi256_si128(packed));
#else
    alignas(64) std::uint32_t u[L];
    v.store_aligned(u);
    for (std::size_t j = 0; j < L; ++j)
        p[j] = static_cast<std::uint16_t>(u[j]);
#endif
}

// Lanes whose float result r may round differently from the exact value: r - k ULP and r + k ULP
// (on |r|'s bits) round to different storage values.
template <class H>
XACT_INLINE xsimd::batch_bool<std::uint32_t> near_midpoint(fbatch r) noexcept
{
    const ubatch a = xsimd::bitwise_cast<ubatch>(xsimd::abs(r));
    const ubatch k(fixup_ulps);
    const ubatch lo = xsimd::select(a >= k, a - k, ubatch(0u));
    return narrow<H>(xsimd::bitwise_cast<fbatch>(lo)) != narrow<H>(xsimd::bitwise_cast<fbatch>(a + k));
}

template <std::size_t K, class Op, std::size_t... I>
XACT_INLINE fbatch apply(Op& op, const std::array<fbatch, K>& v, std::index_sequence<I...>)
{
    return op(v[I]...);
}

template <std::size_t K, class Op, std::size_t... I>
XACT_INLINE double apply_double(Op& op, const float (&v)[K][L], std::size_t j, std::index_sequence<I...>)
{
    return static_cast<double>(op(static_cast<double>(v[I][j])...));
}

// out[0..L) = op(in_0[0..L), ...), correctly rounded to H. Counts the lanes recomputed in double
// into *fixups when it is not null (for tests and the README's numbers).
template <class H, std::size_t K, class Op>
XACT_INLINE void block(Op& op, const std::array<const std::uint16_t*, K>& in, std::uint16_t* out, std::size_t* fixups)
{
    const auto seq = std::make_index_sequence<K>{};
    std::array<fbatch, K> v;
    for (std::size_t k = 0; k < K; ++k)
        v[k] = widen<H>(in[k]);
    const fbatch r = apply<K>(op, v, seq);
    ubatch res = narrow<H>(r);
    const auto unsure = near_midpoint<H>(r);
    if (xsimd::any(unsure)) {
        alignas(64) float x[K][L];
        alignas(64) std::uint32_t u[L], flag[L];
        for (std::size_t k = 0; k < K; ++k)
            v[k].store_aligned(x[k]);
        res.store_aligned(u);
        xsimd::select(unsure, ubatch(1u), ubatch(0u)).store_aligned(flag);
        for (std::size_t j = 0; j < L; ++j)
            if (flag[j]) {
                u[j] = from_double<H>(apply_double<K>(op, x, j, seq));
                if (fixups)
                    ++*fixups;
            }
        res = ubatch::load_aligned(u);
    }
    store_bits(res, out);
}

// out[i] = op(in_0[i], ...) for i < n over strided H arrays (the half twin of transform).
template <class H, std::size_t K, class Op>
void transform_half(Op op, std::size_t n, const std::array<strided<const H>, K>& in, strided<H> out,
               std::size_t* fixups = nullptr)
{
    bool contiguous = out.stride == 1;
    for (const auto& a : in)
        contiguous = contiguous && a.stride == 1;
    std::array<const std::uint16_t*, K> src;
    alignas(64) std::uint16_t buf[K ? K : 1][L];
    alignas(64) std::uint16_t res[L];
    std::size_t i = 0;
    if (contiguous) {
        for (; i + L <= n; i += L) {
            for (std::size_t k = 0; k < K; ++k)
                src[k] = bits(in[k].p) + i;
            block<H, K>(op, src, bits(out.p) + i, fixups);
        }
    } else {
        for (; i + L <= n; i += L) {
            for (std::size_t k = 0; k < K; ++k) {
                const std::uint16_t* p = bits(in[k].p);
                for (std::size_t j = 0; j < L; ++j)
                    buf[k][j] = p[static_cast<std::ptrdiff_t>(i + j) * in[k].stride];
                src[k] = buf[k];
            }
            block<H, K>(op, src, res, fixups);
            for (std::size_t j = 0; j < L; ++j)
                bits(out.p)[static_cast<std::ptrdiff_t>(i + j) * out.stride] = res[j];
        }
    }
    if (i < n) { // the tail: the same block on a zero-padded copy (+0 in both formats)
        const std::size_t m = n - i;
        for (std::size_t k = 0; k < K; ++k) {
            const std::uint16_t* p = bits(in[k].p);
            for (std::size_t j = 0; j < L; ++j)
                buf[k][j] = j < m ? p[static_cast<std::ptrdiff_t>(i + j) * in[k].stride] : std::uint16_t(0);
            src[k] = buf[k];
        }
        std::size_t padded_fixups = 0;
        block<H, K>(op, src, res, fixups ? &padded_fixups : nullptr);
        for (std::size_t j = 0; j < m; ++j)
            bits(out.p)[static_cast<std::ptrdiff_t>(i + j) * out.stride] = res[j];
        if (fixups) // padding lanes may be counted too; the count is a statistic, an upper bound
            *fixups += padded_fixups;
    }
}

// The element-wise walk over views (as for_each_element).
template <class H, std::size_t K, class Op>
void for_each_element_half(Op op, const std::array<view<const H>, K>& in, view<H> out)
{
    if (out.size() == 0)
        return;
    auto all = [&](auto pred) {
        bool ok = pred(out);
        for (const auto& v : in)
            ok = ok && pred(v);
        return ok;
    };
    std::array<strided<const H>, K> flat;
    if (all([](const auto& v) { return v.contiguous_by_columns(); }) ||
        all([](const auto& v) { return v.contiguous_by_rows(); })) {
        for (std::size_t k = 0; k < K; ++k)
            flat[k] = {in[k].data, 1};
        transform_half<H, K>(op, static_cast<std::size_t>(out.size()), flat, strided<H>{out.data, 1});
        return;
    }
    walk(out, [&](auto start, std::size_t inner, bool by_rows) {
        for (std::size_t k = 0; k < K; ++k)
            flat[k] = {in[k].at(start.first, start.second), by_rows ? in[k].sr : in[k].sc};
        transform_half<H, K>(op, inner, flat, strided<H>{out.at(start.first, start.second), by_rows ? out.sr : out.sc});
    });
}

// A softmax vector kernel in float on contiguous H vectors: widen, compute, round once.
template <class H>
void vector_in_float(const std::array<const H*, 2>& in, std::size_t k_inputs, H* out, std::size_t n,
                     const std::function<void(const float*, const float*, float*)>& kernel)
{
    std::vector<float> a(n), b(k_inputs > 1 ? n : 0), y(n);
    for (std::size_t i = 0; i < n; ++i)
        a[i] = to_float<H>(bits(in[0])[i]);
    for (std::size_t i = 0; i < b.size(); ++i)
        b[i] = to_float<H>(bits(in[1])[i]);
    kernel(a.data(), b.data(), y.data());
    for (std::size_t i = 0; i < n; ++i)
        bits(out)[i] = from_float<H>(y[i]);
}

template <class F, class H>
void forward(const call_site& site, const F& f, view<const H> x, view<H> y)
{
    run_elementwise_checks(site, f, x, y, "y");
    if constexpr (is_axis_v<F>) {
        run_vectors<F, H, 1>(f, {x}, y, [&](const H* xv, H* yv, std::size_t n) {
            vector_in_float<H>({xv, nullptr}, 1, yv, n, [&](const float* a, const float*, float* r) {
                softmax_forward(a, r, n, F::is_log, f.masked_zero());
            });
        });
    } else {
        per_channel(site, f, [](const auto& g, const view<const H>& xv, const view<H>& yv) {
            half_detail::for_each_element_half<H, 1>([&g](auto v) { return g(v); }, {xv}, yv);
        }, x, y);
    }
}

template <class F, class H>
void derivative(const call_site& site, const F& f, view<const H> x, view<H> d)
{
    static_assert(!is_axis_v<F>, "xact::derivative: softmax and log_softmax have a Jacobian, not an "
                                 "element-wise derivative; use xact::backward");
    run_elementwise_checks(site, f, x, d, "d");
    per_channel(site, f, [](const auto& g, const view<const H>& xv, const view<H>& dv) {
        half_detail::for_each_element_half<H, 1>([&g](auto v) { return g.derivative(v); }, {xv}, dv);
    }, x, d);
}

template <class F, class H>
void backward(const call_site& site, const F& f, view<const H> x, view<const H> dy, view<H> dx)
{
    run_elementwise_checks(site, f, x, dx, "dx");
    check_shape(site, x, "x", dy, "dy");
    check_overlap(site, dx, "dx", dy, "dy");
    if constexpr (is_axis_v<F>) {
        run_vectors<F, H, 2>(f, {x, dy}, dx, [&](const H* xv, const H* g, H* out, std::size_t n) {
            vector_in_float<H>({xv, g}, 2, out, n, [&](const float* a, const float* b, float* r) {
                softmax_backward(a, b, r, n, F::is_log, f.masked_zero());
            });
        });
    } else {
        per_channel(site, f, [](const auto& g, const view<const H>& xv, const view<const H>& gv, const view<H>& out) {
            half_detail::for_each_element_half<H, 2>([&g](auto v, auto w) { return w * g.derivative(v); }, {xv, gv}, out);
        }, x, dy, dx);
    }
}

template <class F, class H>
void backward_from_output(const call_site& site, const F& f, view<const H> y, view<const H> dy, view<H> dx)
{
    check_shape(site, y, "y", dx, "dx");
    check_shape(site, y, "y", dy, "dy");
    check_overlap(site, dx, "dx", y, "y");
    check_overlap(site, dx, "dx", dy, "dy");
    if constexpr (is_axis_v<F>) {
        run_vectors<F, H, 2>(f, {y, dy}, dx, [&](const H* yv, const H* g, H* out, std::size_t n) {
            vector_in_float<H>({yv, g}, 2, out, n, [&](const float* a, const float* b, float* r) {
                softmax_backward_from_output(a, b, r, n, F::is_log);
            });
        });
    } else {
        if constexpr (is_channelwise_v<F>)
            check_channels(site, f, y);
        if constexpr (has_invertibility_check<F>::value)
            if (!f.output_invertible())
                xact::detail::fail(site.prefix() + "needs alpha > 0: with alpha <= 0 the output does not "
                                   "determine the derivative; use xact::backward with x");
        per_channel(site, f, [](const auto& g, const view<const H>& yv, const view<const H>& gv, const view<H>& out) {
            half_detail::for_each_element_half<H, 2>([&g](auto v, auto w) { return w * g.derivative_from_output(v); },
                                                {yv, gv}, out);
        }, y, dy, dx);
    }
}

// dx = dy f'(x) rounded to H, and the parameter gradient sum(dy df/dparam) in double from the
// stored values (summed before dx is written: dx may be x or dy).
template <class F, class H, class P, class Store>
void backward_with_parameter(const call_site& site, const F& f, view<const H> x, view<const H> dy, view<H> dx,
                             P param_derivative, Store store)
{
    run_elementwise_checks(site, f, x, dx, "dx");
    check_shape(site, x, "x", dy, "dy");
    check_overlap(site, dx, "dx", dy, "dy");
    std::size_t channel = 0;
    per_channel(site, f, [&](const auto& g, const view<const H>& xv, const view<const H>& gv, const view<H>& out) {
        double s = 0;
        for (std::ptrdiff_t c = 0; c < xv.cols; ++c)
            for (std::ptrdiff_t r = 0; r < xv.rows; ++r) {
                const float xf = to_float<H>(*bits(xv.at(r, c))), gf = to_float<H>(*bits(gv.at(r, c)));
                s += static_cast<double>(gf) * static_cast<double>(param_derivative(g, xf));
            }
        half_detail::for_each_element_half<H, 2>([&g](auto v, auto w) { return w * g.derivative(v); }, {xv, gv}, out);
        store(channel++, s);
    }, x, dy, dx);
}

} // namespace half_detail

// The operations on 16-bit views: more specialised than the float/double templates of
// operations.hpp, so overload resolution picks them for Eigen::bfloat16 and Eigen::half.
#define XACT_HALF_OPERATIONS(H)                                                                              \
    template <class F>                                                                                       \
    void forward(const call_site& site, const F& f, view<const H> x, view<H> y)                              \
    {                                                                                                        \
        half_detail::forward(site, f, x, y);                                                                 \
    }                                                                                                        \
    template <class F>                                                                                       \
    void derivative(const call_site& site, const F& f, view<const H> x, view<H> d)                           \
    {                                                                                                        \
        half_detail::derivative(site, f, x, d);                                                              \
    }                                                                                                        \
    template <class F>                                                                                       \
    void backward(const call_site& site, const F& f, view<const H> x, view<const H> dy, view<H> dx)          \
    {                                                                                                        \
        half_detail::backward(site, f, x, dy, dx);                                                           \
    }                                                                                                        \
    template <class F>                                                                                       \
    void backward_from_output(const call_site& site, const F& f, view<const H> y, view<const H> dy, view<H> dx) \
    {                                                                                                        \
        half_detail::backward_from_output(site, f, y, dy, dx);                                               \
    }                                                                                                        \
    template <class F, class P, class Store>                                                                 \
    void backward_with_parameter(const call_site& site, const F& f, view<const H> x, view<const H> dy,       \
                                 view<H> dx, P param_derivative, Store store)                                \
    {                                                                                                        \
        half_detail::backward_with_parameter(site, f, x, dy, dx, param_derivative, store);                   \
    }

XACT_HALF_OPERATIONS(Eigen::bfloat16)
XACT_HALF_OPERATIONS(Eigen::half)
#undef XACT_HALF_OPERATIONS

} // namespace xact::engine

#undef XACT_HALF_X86
