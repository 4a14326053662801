// Bit-level helpers of the tests, free of Catch2 so that the fuzz target (tests/fuzz) can use
// them too: bit casts, bit-for-bit comparison (NaN payloads ignored or not) and the sentinel
// that outputs are filled with before a call that must not write them.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace xact_test {

template <class T>
using bits_of = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

template <class T>
bits_of<T> to_bits(T x)
{
    bits_of<T> b;
    std::memcpy(&b, &x, sizeof x);
    return b;
}

template <class T>
T from_bits(bits_of<T> b)
{
    T x;
    std::memcpy(&x, &b, sizeof x);
    return x;
}

// Bit-for-bit equality; any NaN equals any NaN (the payload is not part of the contract).
template <class T>
bool same_bits(T a, T b)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return to_bits(a) == to_bits(b);
}

// Bit-for-bit equality, NaN payloads included (for "was this memory written?").
template <class T>
bool identical_bits(T a, T b)
{
    return to_bits(a) == to_bits(b);
}

// A quiet NaN with a payload no computation produces: fill outputs with it before a call
// that must not write them, then compare with identical_bits.
template <class T>
T sentinel()
{
    if constexpr (sizeof(T) == 4)
        return from_bits<T>(0x7fc5a5a5u);
    else
        return from_bits<T>(0x7ff8a5a5a5a5a5a5ull);
}

} // namespace xact_test
