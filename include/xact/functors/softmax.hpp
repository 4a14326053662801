// softmax(x)_i = e^(x_i - m) / sum_j e^(x_j - m), m = max_j x_j, per vector: each column of a
// 2-D object by default, each row with xact::rowwise; a 1-D object is one vector.
// log_softmax(x)_i = (x_i - m) - log sum_j e^(x_j - m).
// Backward, the full Jacobian-vector product (not its diagonal):
//   softmax:     dx = y (dy - <dy, y>)
//   log_softmax: dx = dy - softmax(x) sum(dy)
// both from x (recomputing y) or from the output y.
// Special vectors: any NaN makes the whole vector NaN; all entries -inf give NaN, or zeros with
// xact::masked_zero (attention masks); +inf entries share the mass equally (the limit).
// The sums are compensated (double words; float data is summed in double), so the result does
// not degrade with the vector's length. Forward within 2.7 ULP (each exponential is computed
// once, in the data's own type where the target fuses fma, and rounded in y before the scaling;
// 1.5 in double without a fused fma), log_softmax within about an ULP, backward from x within
// about 0.6, softmax's backward from y within 1.5 ULP of y (dy - <dy, y>) for the y given (2.5
// without a fused fma) (engine/softmax.hpp; measured: README, docs/ACCURACY.md).
#pragma once

namespace xact {

enum class options : unsigned { none = 0, rowwise = 1, masked_zero = 2 };

constexpr options operator|(options a, options b) noexcept
{
    return static_cast<options>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}

constexpr bool has(options set, options o) noexcept
{
    return (static_cast<unsigned>(set) & static_cast<unsigned>(o)) != 0;
}

// Normalise each row of a 2-D object instead of each column.
inline constexpr options rowwise = options::rowwise;
// An all -inf vector gives zeros instead of NaN.
inline constexpr options masked_zero = options::masked_zero;

namespace detail {

template <bool Log>
struct softmax_base {
    options opts = options::none;

    constexpr softmax_base() = default;
    constexpr explicit softmax_base(options o) noexcept : opts(o) {}

    constexpr bool rowwise() const noexcept { return has(opts, options::rowwise); }
    constexpr bool masked_zero() const noexcept { return has(opts, options::masked_zero); }
    static constexpr bool is_log = Log;
};

} // namespace detail

struct softmax : detail::softmax_base<false> {
    static constexpr const char* name = "softmax";
    using softmax_base::softmax_base;
};

struct log_softmax : detail::softmax_base<true> {
    static constexpr const char* name = "log_softmax";
    using softmax_base::softmax_base;
};

} // namespace xact
