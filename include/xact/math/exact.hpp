// Error-free sums and products with a parameter, for the functors that need a result rounded
// once (two_sum and the rest are in double_word.hpp): x * c as a double word for a parameter c, and a
// parameter's reciprocal 1/c carried as hi + lo.
#pragma once

#include <cmath>

#include "double_word.hpp"
#include "simd.hpp"

namespace xact::math {

// x * c as hi + lo for a parameter c carried as c.hi + c.lo: hi = x c.hi rounded, lo the rest
// (exact product error plus x c.lo). Far out (|hi| > 1e18) lo is 0: there it carries nothing
// the callers use, and it may be NaN (inf - inf at x = +-inf, or an overflow in the split of
// two_prod without hardware FMA).
template <class V>
XACT_INLINE double_word<V> scaled_product(V x, const split_constant<scalar_t<V>>& c) noexcept
{
    auto z = math::two_prod(x, V(c.hi));
    const V lo = math::fma(x, V(c.lo), z.lo);
    z.lo = math::select(math::abs(z.hi) <= V(scalar_t<V>(1e18)), lo, V(scalar_t<V>(0)));
    return z;
}

// x c rounded once, for x = hi + lo (a kernel's result before its last rounding) and a
// parameter c carried as c.hi + c.lo: the error is x's and one rounding.
template <class V>
XACT_INLINE V scale(const double_word<V>& x, const split_constant<scalar_t<V>>& c) noexcept
{
    return math::mul(x, double_word<V>{V(c.hi), V(c.lo)}).hi;
}

// 1/c as hi + lo of type T for a nonzero, finite parameter c given in double: for float the
// double quotient already carries enough bits; for double the remainder 1 - c r (exact)
// supplies lo. As in split_constant, lo takes hi's sign (hi one step toward 0 if need be), so
// x * hi + x * lo stays +-inf at x = +-inf.
template <class T>
XACT_INLINE split_constant<T> reciprocal_constant(double c) noexcept
{
    const double r = 1.0 / c;
    if constexpr (sizeof(T) == 4) {
        return split_constant<T>(r);
    } else {
        const auto p = math::two_prod(c, r);
        const double rest = ((1.0 - p.hi) - p.lo) * r; // 1/c - r, to about 2^-53 relative
        split_constant<T> s(r);                        // lo = 0
        s.lo = rest;
        if (rest != 0 && (rest < 0) != (r < 0)) {
            s.hi = std::nextafter(r, 0.0);
            s.lo = (r - s.hi) + rest; // r - s.hi is exact (one ulp)
        }
        return s;
    }
}

} // namespace xact::math
