// gelu and gelu' of a float batch on AVX-512 by a table of polynomials and one exponential: no
// erfc, no division, no second region. With a = |x| clamped at 16 and M(a) = Phi(-a) e^(a^2/2)
// (Mills' ratio over sqrt(2 pi): 1/2 at 0, smooth and slowly varying, about 1/(a sqrt(2 pi)) far
// out) and E = e^(-a^2/2),
//   T = a Phi(-a) = a M E,               gelu(x)  = -T (x <= 0), x - T (x > 0; T <= x/2),
//   D = Phi(-a) - a phi(a) = (M - a/sqrt(2 pi)) E,   gelu'(x) = D (x <= 0), 1 - D (x > 0),
// none of which cancels but D next to the root of gelu' (x0 = -0.752), which the caller's
// window takes (functors/gelu.hpp). M comes from math/slot_table.hpp's 30 slots ([0, 1/8),
// quarter binades to 16, [16, 20)) as P(a - centre) of degree 6 (max relative error 6.6e-9:
// scripts/gen_coefficients.py, gelu_table); E from exp_split with a^2 exact; a M, M - a/sqrt(2 pi),
// T and D are double words, so each result is rounded about once: x - T and 1 - D by exact sums,
// -T and D with their power of two by one vscalefps (a denormal result is rounded there, once).
// gelu(-0) = -0, gelu(+0) = +0, x >= 16 gives x, -inf gives -0; gelu'(-inf) = -0 (gelu' < 0
// there), gelu'(inf) = 1; NaN stays NaN.
#pragma once

#include "exp.hpp"
#include "slot_table.hpp"

namespace xact::math {

// Declared for every target so that callers can name it behind `if constexpr
// (has_slot_tables_v<V>)`; defined (and instantiable) on AVX-512 only.
template <class A>
XACT_INLINE xsimd::batch<float, A> table_gelu(const xsimd::batch<float, A>& x) noexcept;
// gelu' away from its root (see above).
template <class A>
XACT_INLINE xsimd::batch<float, A> table_gelu_derivative(const xsimd::batch<float, A>& x) noexcept;

#if XSIMD_WITH_AVX512F

namespace detail {

// [row][slot]: centre, P(0) hi, P(0) lo, then the coefficients of t^1 .. t^6.
struct gelu_table {
    alignas(64) static constexpr float c[9][32] = {
        // centre
        {0.0f, 0.140625f, 0.171875f, 0.203125f, 0.234375f, 0.28125f, 0.34375f, 0.40625f, 0.46875f, 0.5625f, 0.6875f, 0.8125f, 0.9375f, 1.125f, 1.375f, 1.625f, 1.875f, 2.25f, 2.75f, 3.25f, 3.75f, 4.5f, 5.5f, 6.5f, 7.5f, 9.0f, 11.0f, 13.0f, 15.0f, 18.0f, 18.0f, 18.0f},
        // P(0) hi
        {0.5f, 0.4484958350658417f, 0.4381926655769348f, 0.42826318740844727f, 0.41869011521339417f, 0.40496334433555603f, 0.3877633512020111f, 0.3717223107814789f, 0.35674068331718445f, 0.3360614478588104f, 0.3114340007305145f, 0.2896950840950012f, 0.270412415266037f, 0.24533139169216156f, 0.21763981878757477f, 0.19502310454845428f, 0.17629088461399078f, 0.15365193784236908f, 0.1307247281074524f, 0.11345206201076508f, 0.10003920644521713f, 0.08480339497327805f, 0.07034269720315933f, 0.06001567468047142f, 0.052293095737695694f, 0.043798789381980896f, 0.0359748899936676f, 0.03050941415131092f, 0.026479488238692284f, 0.022095678374171257f, 0.022095678374171257f, 0.022095678374171257f},
        // P(0) lo
        {0.0f, 1.93589699826191e-09f, -2.1322112964128337e-09f, -1.158783913268735e-08f, -3.1168456704477876e-09f, 8.403532314460449e-10f, 1.8453625294512221e-09f, -1.1489013296284156e-08f, -6.33772501146268e-09f, -1.426785001257258e-08f, -1.3580671698321112e-08f, -1.081139267000708e-08f, 6.678571584650683e-10f, -2.76036749013997e-09f, 4.866981928586256e-09f, 5.369803268706619e-09f, 6.741908809004826e-09f, -4.18527434931093e-10f, 5.99329474937349e-09f, 1.1853357184676838e-10f, 3.190236075312214e-09f, -2.8654776329517517e-09f, -3.1780313936025095e-09f, 6.627003945602894e-10f, 1.3804990484089785e-09f, -5.111140954916493e-10f, -3.725332542448001e-10f, 3.439462326060294e-10f, 7.605375773600542e-10f, -2.751703032100039e-10f, -2.751703032100039e-10f, -2.751703032100039e-10f},
        // t^1
        {-0.3989422917366028f, -0.3358725607395172f, -0.32362791895866394f, -0.31195130944252014f, -0.3008117973804474f, -0.2850463390350342f, -0.26564863324165344f, -0.24793009459972382f, -0.23172008991241455f, -0.20990772545337677f, -0.1848314106464386f, -0.1635650396347046f, -0.14543063938617706f, -0.12294446676969528f, -0.09968752413988113f, -0.08202973008155823f, -0.06839685887098312f, -0.05322542041540146f, -0.039449263364076614f, -0.030223079025745392f, -0.023795245215296745f, -0.017327016219496727f, -0.012057463638484478f, -0.008840390481054783f, -0.006744052283465862f, -0.004753181245177984f, -0.0032184948213398457f, -0.0023198919370770454f, -0.0017499454552307725f, -0.0012200748315081f, -0.0012200748315081f, -0.0012200748315081f},
        // t^2
        {0.25f, 0.20063188672065735f, 0.19128455221652985f, 0.18244902789592743f, 0.17409367859363556f, 0.16239702701568604f, 0.14822332561016083f, 0.13550034165382385f, 0.12406094372272491f, 0.10899417102336884f, 0.09218119829893112f, 0.07839924097061157f, 0.06703559309244156f, 0.0535094328224659f, 0.040284741669893265f, 0.03086240217089653f, 0.02402338944375515f, 0.016947370022535324f, 0.011119632050395012f, 0.007613528519868851f, 0.005403521936386824f, 0.0034159105271101f, 0.0020133231300860643f, 0.0012765680439770222f, 0.00085635349387303f, 0.0005100819398649037f, 0.00028572470182552934f, 0.000175409484654665f, 0.00011515390360727906f, 6.716748612234369e-05f, 6.716748612234369e-05f, 6.716748612234369e-05f},
        // t^3
        {-0.13297994434833527f, -0.10255289822816849f, -0.09691695868968964f, -0.09163045138120651f, -0.08666952699422836f, -0.07979072630405426f, -0.07156562060117722f, -0.06429436057806015f, -0.057855505496263504f, -0.049532823264598846f, -0.04048560559749603f, -0.03328854218125343f, -0.027528252452611923f, -0.020915403962135315f, -0.014765306375920773f, -0.010626090690493584f, -0.007784324232488871f, -0.005031201057136059f, -0.002956725424155593f, -0.0018263562815263867f, -0.0011773393489420414f, -0.0006517705041915178f, -0.0003280519158579409f, -0.00018089619698002934f, -0.00010713232040870935f, -5.414230327005498e-05f, -2.517310895200353e-05f, -1.3189189303375315e-05f, -7.5455091064213775e-06f, -3.686227501020767e-06f, -3.686227501020767e-06f, -3.686227501020767e-06f},
        // t^4
        {0.062499720603227615f, 0.046552594751119614f, 0.043656740337610245f, 0.04095914959907532f, 0.0384451262652874f, 0.034988973289728165f, 0.03090565837919712f, 0.027345191687345505f, 0.02423529326915741f, 0.020282983779907227f, 0.01608683168888092f, 0.012838072143495083f, 0.010306961834430695f, 0.007494872901588678f, 0.004995593335479498f, 0.003398739732801914f, 0.0023569383192807436f, 0.0014067292213439941f, 0.0007471303106285632f, 0.0004194535140413791f, 0.00024711753940209746f, 0.00012068908108631149f, 5.224374763201922e-05f, 2.517974644433707e-05f, 1.3212764315539971e-05f, 5.687313205271494e-06f, 2.20157926378306e-06f, 9.863356353889685e-07f, 4.923686560687202e-07f, 2.0173301606973837e-07f, 2.0173301606973837e-07f, 2.0173301606973837e-07f},
        // t^5
        {-0.026700269430875778f, -0.019202398136258125f, -0.01788371242582798f, -0.016663065180182457f, -0.015532654710114002f, -0.013993076048791409f, -0.012190962210297585f, -0.010639292187988758f, -0.00930093415081501f, -0.007630715146660805f, -0.00588958477601409f, -0.0045747822150588036f, -0.003575524315237999f, -0.00250307098031044f, -0.0015829227631911635f, -0.0010227782186120749f, -0.0006743076955899596f, -0.0003757391241379082f, -0.00018145152716897428f, -9.307388245360926e-05f, -5.033647903474048e-05f, -2.20239489863161e-05f, -8.224679731938522e-06f, -3.4727131605905015e-06f, -1.6173981975953211e-06f, -6.02398927185277e-07f, -1.936553388759421e-07f, -7.407241753298877e-08f, -3.2231550761707695e-08f, -1.1239952080188687e-08f, -1.1239952080188687e-08f, -1.1239952080188687e-08f},
        // t^6
        {0.010452340357005596f, 0.007309106644243002f, 0.00676419772207737f, 0.0062627531588077545f, 0.005801095161587f, 0.005176711827516556f, 0.004453491419553757f, 0.003838020609691739f, 0.0033133248798549175f, 0.002667537424713373f, 0.0020081321708858013f, 0.0015215873718261719f, 0.0011602375889196992f, 0.000782791874371469f, 0.00047166680451482534f, 0.00029059292864985764f, 0.00018282790551893413f, 9.508916264167055e-05f, 4.204893411952071e-05f, 1.9825456547550857e-05f, 9.893492460832931e-06f, 3.8623024920525495e-06f, 1.2555029798022588e-06f, 4.674180900110514e-07f, 1.9414210328250192e-07f, 6.199373103754624e-08f, 1.66924678524083e-08f, 5.480118137057843e-09f, 2.0858983429405953e-09f, 6.114668216206098e-10f, 6.114668216206098e-10f, 6.114668216206098e-10f},
    };
};

// What gelu and gelu' share: a, M = p0 + tail (p0 = P(0) hi), E = m 2^n.
template <class A>
struct gelu_table_parts {
    using V = xsimd::batch<float, A>;
    V a, p0, tail;
    exp_parts<V> e;

    XACT_INLINE explicit gelu_table_parts(const V& x) noexcept
    {
        using C = gelu_table;
        // x86's min returns its second operand when one is NaN: a NaN x stays NaN here
        a = xsimd::min(V(clamp_at), math::abs(x));
        // slot 1 at a = 1/8 (exponent 124, 124 * 4 - 495), 0 below
        const slot_lookup<A> at(a, 495);
        p0 = at(C::c[1]);
        tail = slot_tail(at, a - at(C::c[0]), C::c);
        // e^(-a^2/2), a^2 exact; -a^2/2 >= -128 needs no clamp
        const auto sq = math::two_prod(a, a);
        const V half(-0.5f);
        e = math::exp_split_in_range(double_word<V>{sq.hi * half, sq.lo * half});
    }

    // k E 2^-n for a double word k = (k_hi, k_lo), normalised. Neither factor is (k_lo can be a
    // tenth of k_hi, m.lo carries a^2's low part: up to 2^-17 of m.hi), so the lows' cross term
    // counts (without it, 6 ULP at x = -12).
    XACT_INLINE double_word<V> times_e(const V& k_hi, const V& k_lo) const noexcept
    {
        const auto m = e.m();
        const auto t = math::two_prod(k_hi, m.hi);
        return math::fast_two_sum(t.hi, math::fma(k_hi, m.lo, math::fma(k_lo, m.hi, math::fma(k_lo, m.lo, t.lo))));
    }

    // u - t 2^n for u >= |t| 2^n, rounded once: u - hi exactly as d + err, then err - lo.
    XACT_INLINE V minus_scaled(const V& u, const double_word<V>& t) const noexcept
    {
        const V th = _mm512_scalef_ps(t.hi, e.n), tl = _mm512_scalef_ps(t.lo, e.n);
        const V d = u - th;
        return d + (((u - d) - th) - tl);
    }

    static constexpr float clamp_at = 16.0f; // e^(-a^2/2) is below every result's last place beyond
};

} // namespace detail

template <class A>
XACT_INLINE xsimd::batch<float, A> table_gelu(const xsimd::batch<float, A>& x) noexcept
{
    using V = xsimd::batch<float, A>;
    const detail::gelu_table_parts<A> g(x);
    // T 2^-n = a M m, a M = a p0 (exact) + a tail
    const auto am = math::two_prod(g.a, g.p0);
    const auto t = g.times_e(am.hi, math::fma(g.a, g.tail, am.lo));
    // u - T with u = x for x > 0, else -0 (max(-0, x): NaN stays); x >= 16 (inf included,
    // where u - d is NaN): x. A zero result has x's sign (the sums make +0 of -0 + +0).
    const V limit(g.clamp_at);
    const V r = g.minus_scaled(_mm512_max_ps(V(-0.0f), x), t);
    return math::or_sign(math::select(x < limit, r, x), x);
}

template <class A>
XACT_INLINE xsimd::batch<float, A> table_gelu_derivative(const xsimd::batch<float, A>& x) noexcept
{
    using V = xsimd::batch<float, A>;
    const detail::gelu_table_parts<A> g(x);
    // K = M - a/sqrt(2 pi): p0 - a c.hi exactly as a two-sum, then the lows
    constexpr split_constant<float> c(0.39894228040143267793994605993438187L);
    const auto ac = math::two_prod(g.a, V(c.hi));
    const auto k = math::two_sum(g.p0, math::neg(ac.hi));
    const auto d = g.times_e(k.hi, (k.lo + g.tail) - math::fma(g.a, V(c.lo), ac.lo));
    // D (x <= 0; its own sign on a zero) or 1 - D (x > 0, |D| <= 1/2)
    return math::select(x > V(0.0f), g.minus_scaled(V(1.0f), d), V(_mm512_scalef_ps(d.hi + d.lo, g.e.n)));
}

#endif

} // namespace xact::math
