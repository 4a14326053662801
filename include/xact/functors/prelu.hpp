// prelu(x) = x for x > 0, alpha_c x otherwise, with one alpha for all elements or one per
// channel (a row of a 2-D object; on pointers, n must be a multiple of the channel count and
// the data is column-major channels x samples).
// prelu'(x) = 1 for x > 0, alpha_c for x <= 0; d prelu / d alpha_c = x for x <= 0, else 0,
// summed over the channel's elements by backward's parameter-gradient overload.
// The math of one channel is leaky_relu's (same accuracy: exact branches, products within
// 0.5 ULP of the double alpha).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <vector>

#include "leaky_relu.hpp"

namespace xact {

struct prelu {
    static constexpr const char* name = "prelu";
    std::vector<double> alpha{0.25};

    prelu() = default;
    explicit prelu(double a) : alpha{a} {}
    explicit prelu(std::vector<double> a) : alpha(std::move(a)) {}
    prelu(std::initializer_list<double> a) : alpha(a) {}
    template <class It>
    prelu(It first, It last) : alpha(first, last) {}

    std::size_t channels() const noexcept { return alpha.size(); }

    // The element-wise math of channel c.
    leaky_relu channel(std::size_t c) const noexcept { return leaky_relu(alpha[c]); }

    bool output_invertible() const noexcept
    {
        for (double a : alpha)
            if (!(a > 0))
                return false;
        return true;
    }
};

} // namespace xact
