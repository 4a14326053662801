// RapidCheck generators of floating-point inputs, for the property tests:
//   xact_test::gen::in_range<T>(lo, hi)   uniform over [lo, hi] (53 random bits), shrinks to lo
//   xact_test::gen::ordered<T>(lo, hi)    uniform over the T values in [lo, hi] by ordinal, so
//                                         log-spread across binades; shrinks towards lo
//   xact_test::gen::any_bits<T>()         any bit pattern: every sign and exponent, denormals,
//                                         infinities and NaNs (with payloads); shrinks to +0
//   xact_test::gen::special<T>()          one of special_values<T>()
//   xact_test::gen::value<T>(bound = 40)  mostly in_range(-bound, bound), sometimes special or
//                                         any bit pattern: the default input of a property
// (rc::gen::arbitrary<float> never gives NaN, infinities or denormals, and its magnitudes grow
// with the test size up to ~1e19.)
#pragma once

#include <cstdint>

#include <rapidcheck.h>

#include "harness.hpp"

namespace xact_test::gen {

template <class T>
rc::Gen<T> in_range(T lo, T hi)
{
    return rc::gen::map(rc::gen::inRange<std::uint64_t>(0, (std::uint64_t(1) << 53) + 1), [lo, hi](std::uint64_t k) {
        const long double u = static_cast<long double>(k) * 0x1p-53L;
        return static_cast<T>(static_cast<long double>(lo) + (static_cast<long double>(hi) - lo) * u);
    });
}

template <class T>
rc::Gen<T> ordered(T lo, T hi)
{
    return rc::gen::map(rc::gen::inRange<std::int64_t>(ordinal(lo), ordinal(hi) + 1),
                        [](std::int64_t o) { return from_ordinal<T>(o); });
}

template <class T>
rc::Gen<T> any_bits()
{
    return rc::gen::map(rc::gen::arbitrary<bits_of<T>>(), [](bits_of<T> b) { return from_bits<T>(b); });
}

template <class T>
rc::Gen<T> special()
{
    return rc::gen::elementOf(special_values<T>());
}

template <class T>
rc::Gen<T> value(T bound = T(40))
{
    return rc::gen::weightedOneOf<T>({{8, in_range<T>(-bound, bound)}, {1, special<T>()}, {1, any_bits<T>()}});
}

} // namespace xact_test::gen
