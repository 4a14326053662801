// selu(x) = scale x for x > 0, scale alpha (e^x - 1) otherwise, with the fixed constants of
// Klambauer et al., "Self-Normalizing Neural Networks" (2017):
//   alpha = 1.6732632423543772848170429916717, scale = 1.0507009873554804934193349852946.
// selu'(x) = scale for x > 0, scale alpha e^x for x <= 0 (the x <= 0 branch at 0, where it is
// scale alpha = 1.7580993408473768599402175208123, as PyTorch).
// The derivative reads x; from the output it reads y: scale for y > 0, y + scale alpha (which
// loses relative accuracy where y is near -scale alpha, i.e. for x below about -3).
// expm1 keeps small |x| accurate; scale and scale alpha are applied as hi + lo constants.
// Measured max error (tests/functors/test_selu.cpp, long double reference, float: every 4093rd
// bit pattern and 2^19 points on [-40, 40]; double: 10^5 samples and the same grid):
// forward 1.64 ULP (float), 1.39 (double); derivative 1.74, 1.56. Bounds: 2 and 3 ULP.
// Limits: selu(-inf) = -scale alpha, selu'(-inf) = 0, selu(inf) = inf. NaN -> NaN.
#pragma once

#include "../math/exp.hpp"
#include "../math/widen.hpp"

namespace xact {

namespace detail {

template <class T>
struct selu_constants {
    static constexpr math::split_constant<T> scale{1.0507009873554804934193349852946L};
    static constexpr math::split_constant<T> scale_alpha{1.7580993408473768599402175208123L};
};

} // namespace detail

struct selu {
    static constexpr const char* name = "selu";
    static constexpr double alpha = 1.6732632423543772848170429916717;
    static constexpr double scale = 1.0507009873554804934193349852946;

    template <class V>
    XACT_INLINE V operator()(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return (*this)(v); });
        using T = math::scalar_t<V>;
        using C = detail::selu_constants<T>;
        // scale's lo may have the opposite sign of hi (a long double split): keep +inf out of it.
        // float: scale x in double, rounded once (x hi overflows first where the exact product
        // still rounds to FLT_MAX: x >= 0x1.e74b3p+127 gave inf).
        V positive;
        if constexpr (math::widens_v<V>)
            positive = math::in_double(x, [](auto xd) { return decltype(xd)(scale) * xd; });
        else
            positive = math::select(x > V(std::numeric_limits<T>::max()), x, math::scale(x, C::scale));
        // expm1(x) = x to within the rounding below 2^-digits; taking x there also keeps denormal
        // x exact.
        constexpr T tiny = T(1) / T(std::uint64_t(1) << std::numeric_limits<T>::digits);
        const V em = math::select(math::abs(x) < V(tiny), x, math::expm1(x));
        return math::select(x > math::splat<V>(0), positive, math::scale(em, C::scale_alpha));
    }

    template <class V>
    XACT_INLINE V derivative(V x) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(x, [this](auto v) { return this->derivative(v); });
        using C = detail::selu_constants<math::scalar_t<V>>;
        // scale alpha e^x with the product taken before e^x's power of two (rounding e^x to a
        // denormal first, then scaling it, cost 1.9 ULP there, and the backward pass dy f' 3.2).
        return math::select(x > math::splat<V>(0), V(C::scale.hi), math::exp_times(x, C::scale_alpha));
    }

    // scale alpha e^x = y + scale alpha on the x <= 0 branch.
    template <class V>
    XACT_INLINE V derivative_from_output(V y) const noexcept
    {
        if constexpr (math::is_scalar_v<V>)
            return math::lane0(y, [this](auto v) { return this->derivative_from_output(v); });
        using C = detail::selu_constants<math::scalar_t<V>>;
        return math::select(y > math::splat<V>(0), V(C::scale.hi), (y + V(C::scale_alpha.hi)) + V(C::scale_alpha.lo));
    }
};

} // namespace xact
