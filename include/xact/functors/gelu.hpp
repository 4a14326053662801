// gelu(x) = x Phi(x) = x/2 erfc(-x/sqrt2)      (the exact, erf form)
// gelu'(x) = Phi(x) + x phi(x), phi(x) = e^(-x^2/2)/sqrt(2 pi).
// On AVX-512 in float: math/gelu_table.hpp (tables of polynomials for Mills' ratio and for gelu''s
// factor with its root, and one exponential: forward 1.8 and derivative 3.0 times faster than the
// erfc kernel and window below). Everywhere else, three regions, none of which cancels:
//   |x| < 0.707: gelu = x/2 + x^2 Q(x^2), gelu' = 1/2 + x W(x^2)  (polynomials in x^2)
//   otherwise:   with E = e^(-x^2/2) (x^2 kept exact) and H = a e^(a^2) erfc(a) / sqrt2 at
//                a = |x|/sqrt2 (math/erfc.hpp), T = E H: gelu = -T (x < 0), x - T (x > 0);
//                D = E (H/|x| - |x|/sqrt(2 pi)): gelu' = D (x < 0), 1 - D (x > 0); E, H, T and
//                D are double words, rounded once at the end
//   near the root x0 = -0.75179 of gelu': (x - x0) P(x - x0), x0 in two parts.
// The derivative reads x (gelu' is not a function of y: no backward_from_output).
// Limits: gelu(-inf) = -0, gelu(inf) = inf, gelu'(-inf) = 0, gelu'(inf) = 1. NaN -> NaN.
// gelu(-0) = -0, and a negative x whose gelu rounds to 0 gives -0.
// Measured max error (tests/functors/test_gelu.cpp, long double reference, float: every 4093rd
// bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 1.56 ULP (float), 1.37 (double); derivative 1.22, 1.50 (both in the polynomial
// regions: |x| < 0.707 and the window about the root, whose last steps are double words).
// The AVX-512 float tables: forward 0.88 ULP over every float, derivative 0.79
// (docs/accuracy/exhaustive/gelu.md).
// Bounds: 2 and 3 ULP.
#pragma once

#include "../math/erfc.hpp"
#include "../math/exp.hpp"
#include "../math/gelu_table.hpp"
#include "../math/logistic.hpp"

namespace xact {

namespace detail {

template <class T>
struct gelu_coefficients;

template <>
struct gelu_coefficients<float> {
    static constexpr float q[] = {0.3989422917366028f, -0.06649032980203629f, 0.00997270829975605f, -0.0011825358960777521f, 0.00010427797678858042f};
    static constexpr float w[] = {0.7978845834732056f, -0.2659609019756317f, 0.059831298887729645f, -0.009441829286515713f, 0.0010217118542641401f};
    static constexpr float root_hi = -0.7517915368080139f, root_lo = 1.211444988769017e-08f;
    static constexpr float root_p[] = {0.43149399757385254f, 0.38828498125076294f, -0.018199607729911804f, -0.114007867872715f, -0.014773529022932053f, 0.019413724541664124f, 0.004556681495159864f, -0.002173731103539467f, -0.0007783746696077287f};
    static constexpr float limit = 16.0f; // e^(-x^2/2) underflows beyond
};

template <>
struct gelu_coefficients<double> {
    static constexpr double q[] = {0.3989422804014327, -0.06649038006690544, 0.00997355701003559, -0.0011873282154746415, 0.0001154346875404672, -9.444655693016003e-06, 6.659667673892859e-07, -4.121936280191421e-08, 2.260978687276684e-09, -1.0096237323207673e-10};
    static constexpr double w[] = {0.7978845608028654, -0.2659615202676217, 0.05984134206020996, -0.00949862572371693, 0.0011543468745115293, -0.00011333586276171107, 9.323514554319746e-06, -6.594672245539314e-07, 4.0649375282198456e-08, -1.9965526979089157e-09};
    static constexpr double root_hi = -0.7517915246935645, root_lo = 1.4956759177009883e-17;
    static constexpr double root_p[] = {0.4314939923140469, 0.388284982990552, -0.018199676398671122, -0.11400823329722154, -0.014771522148240006, 0.019421679838177722, 0.004539228378926103, -0.002239538067756992, -0.0007448268340846141, 0.0001863397421210971, 8.615941984808963e-05, -1.1214357816353798e-05, -7.74803093248085e-06, 4.328496296528558e-07, 5.685393665689519e-07, -2.107486824435923e-09, -3.2113448270420246e-08};
    static constexpr double limit = 40.0;
};

} // namespace detail

struct gelu {
    static constexpr const char* name = "gelu";

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        else if constexpr (math::has_slot_tables_v<V>)
            return math::table_gelu(x);
        else
            return erfc_forward(x);
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        else if constexpr (math::has_slot_tables_v<V>)
            return math::table_gelu_derivative(x);
        else
            return near_root(x, erfc_derivative(x));
    }

private:
    // gelu' on every target but AVX-512's float, but next to its root: 1/2 + x W(x^2) inside,
    // D outside.
    template <class V>
    XACT_INLINE static V erfc_derivative(V x) noexcept
    {
        using T = math::scalar_t<V>;
        using C = detail::gelu_coefficients<T>;
        const V zero = math::splat<V>(0);
        // 1/2 + x W(x^2), W's last step and the product in double words (they partly cancel
        // the 1/2 for x < 0)
        const auto sq = math::two_prod(x, x);
        const V w_rest = horner_from(sq.hi, C::w, 1);
        const auto w = math::fast_two_sum(V(C::w[0]), math::fma(sq.hi, w_rest, sq.lo * w_rest));
        const auto xw = math::mul(w, x);
        const V inner = math::splat<V>(0.5) + xw.hi + xw.lo;
        // outside: D = E (H/|x| - |x|/sqrt(2 pi)): gelu' = D (x < 0), 1 - D (x > 0)
        const auto t = tail(x);
        const V q = math::div(t.h.hi, t.ax);
        const auto qx = math::two_prod(q, t.ax);
        const V q_lo = math::div(((t.h.hi - qx.hi) - qx.lo) + t.h.lo, t.ax);
        constexpr math::split_constant<T> c(0.39894228040143267793994605993438187L);
        const auto cx = math::two_prod(t.ax, V(c.hi));
        const math::double_word<V> k = math::add(math::double_word<V>{q, q_lo},
                                                 math::double_word<V>{math::neg(cx.hi), math::neg(math::fma(t.ax, V(c.lo), cx.lo))});
        const auto d = math::mul(t.e.m(), k);
        const V dh = math::detail::scale_pow2(d.hi, t.e.n), dl = math::detail::scale_pow2(d.lo, t.e.n);
        const V outer = math::select(x < zero, dh, (math::splat<V>(1) - dh) - dl);
        return math::select(math::abs(x) < math::splat<V>(inner_limit), inner, outer);
    }

    // r, but next to the root x0 of gelu' (where Phi + x phi cancels): (x - x0) P(x - x0).
    template <class V>
    XACT_INLINE static V near_root(V x, V r) noexcept
    {
        using C = detail::gelu_coefficients<math::scalar_t<V>>;
        // x - x0 and P's last step in double words
        const auto dr = math::two_sum(x - V(C::root_hi), V(-C::root_lo));
        const V p_rest = horner_from(dr.hi, C::root_p, 1);
        const auto pp = math::add(math::mul(dr, p_rest), V(C::root_p[0]));
        const auto near = math::mul(pp, dr);
        const auto window = (dr.hi >= math::splat<V>(-0.5)) & (dr.hi <= math::splat<V>(0.4));
        return math::select(window, near.hi + near.lo, r);
    }

    // Every target but AVX-512's float: inside |x| < 0.707 a polynomial, outside T = E H.
    template <class V>
    XACT_INLINE static V erfc_forward(V x) noexcept
    {
        using C = detail::gelu_coefficients<math::scalar_t<V>>;
        const V zero = math::splat<V>(0);
        // |x| small: x/2 + x^2 Q(x^2), with x^2 exact (the two terms partly cancel for x < 0)
        const auto s = math::two_prod(x, x);
        const V q = math::horner(s.hi, C::q);
        const V inner = math::fma(s.hi, q, math::fma(s.lo, q, math::splat<V>(0.5) * x));
        // outside: T = E H, gelu = -T (x < 0), x - T (x > 0)
        const auto t = tail(x);
        const auto eh = math::mul(t.e.m(), t.h);
        const V th = math::detail::scale_pow2(eh.hi, t.e.n), tl = math::detail::scale_pow2(eh.lo, t.e.n);
        const V outer = math::select(x > zero, (x - th) - tl, math::neg(th));
        // gelu has x's sign (the sums above make +0 of -0 and of a tiny negative product)
        return math::or_sign(math::select(math::abs(x) < math::splat<V>(inner_limit), inner, outer), x);
    }

    // c[k] + c[k+1] t + ... (Horner from the k-th coefficient on).
    template <class V, class T, std::size_t N>
    XACT_INLINE static V horner_from(V t, const T (&c)[N], std::size_t k) noexcept
    {
        V r(c[N - 1]);
        for (std::size_t i = N - 1; i-- > k;)
            r = math::fma(r, t, V(c[i]));
        return r;
    }

    static constexpr double inner_limit = 0.70703125; // just below sqrt(1/2): a >= 1/2 outside

    template <class V>
    struct tail_parts {
        V ax;                  // |x|, clamped
        math::exp_parts<V> e;  // e^(-x^2/2)
        math::double_word<V> h; // H(|x|/sqrt2)
    };

    template <class V>
    XACT_INLINE static tail_parts<V> tail(V x) noexcept
    {
        using C = detail::gelu_coefficients<math::scalar_t<V>>;
        const V xc = math::clamp(x, math::splat<V>(-C::limit), math::splat<V>(C::limit));
        const V ax = math::abs(xc);
        return {ax, math::exp_split(math::neg_half_square(xc)), math::erfc_scaled_h(ax)};
    }
};

} // namespace xact
