// libFuzzer target for the public operations of xact (scripts/fuzz runs it; the ctest
// fuzz/replay_corpus replays tests/fuzz/corpus/ through it in ordinary builds).
//
// The bytes choose a function, its parameters, the scalar type, the operation, the length, the
// alignment, the memory layout of every array, aliasing, an optional deliberate error, and the
// values (see `header` below for the byte layout). Every output element is then checked
//   (1) bit for bit against the scalar functor on that element (element-wise functions), or
//       against the same function on a contiguous copy of its vector (softmax, log_softmax);
//   (2) against the long double reference of tests/support/reference.hpp within the bounds the
//       unit tests use (where the parameters lie in the range those bounds are stated for);
//   (3) NaN in gives NaN out;
// and every byte around and between the outputs, and every input, must be left as it was.
// A call the contract calls invalid (shapes, alpha's length, null pointers, partial overlap,
// d_alpha's size, backward_from_output with alpha <= 0) must throw std::invalid_argument that
// names the operation and the function, and leave every buffer untouched. Any mismatch prints
// what differed and aborts.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
#include <xsimd/xsimd.hpp>

#include <xact/xact.hpp>

#include "support/bits.hpp"
#include "support/ulp.hpp"

namespace {

using xact_ref::real;
using Eigen::Dynamic;
using Eigen::Index;

// ---- bits ------------------------------------------------------------------------------------

using xact_test::from_bits;
using xact_test::same_bits;
using xact_test::sentinel;
using xact_test::to_bits;
template <class T>
using bits_t = xact_test::bits_of<T>;

template <class T>
using buffer = std::vector<T, xsimd::aligned_allocator<T, 64>>;

template <class T>
inline constexpr std::size_t lanes = xsimd::batch<T>::size;

// ---- the input ---------------------------------------------------------------------------------

enum function_id { f_relu, f_leaky_relu, f_prelu, f_elu, f_gelu, f_gelu_tanh, f_sigmoid, f_tanh, f_swish, f_silu,
                   f_softmax, f_log_softmax, function_count };
const char* const function_names[] = {"relu", "leaky_relu", "prelu", "elu", "gelu", "gelu_tanh", "sigmoid",
                                      "tanh", "swish", "silu", "softmax", "log_softmax"};

enum op_id { op_forward, op_derivative, op_backward, op_from_output, op_parameter, op_forward_return,
             op_derivative_return, op_count };
const char* const op_names[] = {"forward", "derivative", "backward", "backward_from_output",
                                "backward (parameter gradient)", "forward (returning)", "derivative (returning)"};

// Memory layouts. The two pointer forms; the rest are Eigen objects over a buffer.
enum layout_id {
    ptr_n,              // T*, n (prelu with c channels: column-major c x n/c)
    ptr_matrix,         // T*, rows, cols (softmax only; else as ptr_n)
    col_vector,         // Map<Array<T, Dynamic, 1>>
    col_vector_strided, // Map<Array<T, Dynamic, 1>, 0, InnerStride<>>
    row_vector_strided, // Map<Matrix<T, 1, Dynamic>, 0, InnerStride<>>
    col_major,          // Map<Array<T, Dynamic, Dynamic>>
    row_major,          // Map<Matrix<T, Dynamic, Dynamic, RowMajor>>
    col_major_block,    // Block of a larger column-major Map<Array>
    strided_matrix,     // Map<Matrix<T, Dynamic, Dynamic>, 0, Stride<Dynamic, Dynamic>>
    row_major_block,    // Block of a larger row-major Map<Array>
    layout_count
};
const char* const layout_names[] = {"pointer(n)", "pointer(rows, cols)", "col vector", "strided col vector",
                                    "strided row vector", "col-major", "row-major", "col-major block",
                                    "strided matrix", "row-major block"};

bool is_pointer(int l) { return l == ptr_n || l == ptr_matrix; }
bool is_vector_layout(int l) { return l == col_vector || l == col_vector_strided || l == row_vector_strided; }

enum alias_id { alias_none, alias_out_x, alias_out_dy, alias_dy_x, alias_all, alias_count };
const char* const alias_names[] = {"none", "out = x", "out = dy", "dy = x", "out = x = dy"};

enum error_id { err_none, err_out_shape, err_dy_shape, err_overlap_x, err_overlap_dy, err_null, err_param_size };
const char* const error_names[] = {"none", "output shape", "dy shape", "overlap with x", "overlap with dy",
                                   "null pointer", "alpha / d_alpha size"};

// The first 24 bytes; the rest are the values.
struct header {
    int fn = 0;          // byte 0 % 12
    bool is_double = false; // byte 1 bit 0
    int op = 0;          // byte 1 bits 1-3 (7 is backward)
    bool masked = false; // byte 1 bit 4: xact::masked_zero
    bool rowwise = false; // byte 1 bit 5: xact::rowwise
    int encoding = 0;    // byte 1 bits 6-7: how values are read (see value_source)
    int in_layout = 0;   // byte 2 % 10
    int out_layout = 0;  // byte 3: index among the layouts that fit x's shape
    int alias = 0;       // byte 4 % 5
    int x_offset = 0, out_offset = 0, dy_offset = 0; // byte 5 (two nibbles), byte 15: % (lanes + 1)
    std::size_t n = 0;   // bytes 6-7 % 601
    std::uint8_t rows_sel = 0; // byte 8
    int error = 0;       // byte 9: 0-9 none, then each error kind
    std::uint8_t error_sel = 0; // byte 10: which argument an error hits, and by how much
    std::uint8_t param_kind = 0; // byte 11
    std::uint8_t channels_sel = 0; // byte 12
    std::uint8_t stride_sel = 0; // byte 13
    std::uint8_t misc = 0; // byte 14: bit 0 expression input, bit 1 d_param as double
    std::uint64_t param_raw = 0; // bytes 16-23
};

struct byte_reader {
    const std::uint8_t* p;
    std::size_t n, i = 0;
    std::uint8_t u8() { return i < n ? p[i++] : 0; }
};

header read_header(byte_reader& in)
{
    header h;
    h.fn = in.u8() % function_count;
    const std::uint8_t cfg = in.u8();
    h.is_double = cfg & 1;
    h.op = (cfg >> 1) & 7;
    if (h.op == 7)
        h.op = op_backward;
    h.masked = cfg & 16;
    h.rowwise = cfg & 32;
    h.encoding = cfg >> 6;
    h.in_layout = in.u8() % layout_count;
    h.out_layout = in.u8();
    h.alias = in.u8() % alias_count;
    const std::uint8_t off = in.u8();
    h.x_offset = off & 15;
    h.out_offset = off >> 4;
    std::size_t n = in.u8();
    n |= std::size_t(in.u8()) << 8;
    h.n = n % 601;
    h.rows_sel = in.u8();
    const int e = in.u8() % 16;
    h.error = e < 10 ? err_none : e - 9;
    h.error_sel = in.u8();
    h.param_kind = in.u8();
    h.channels_sel = in.u8();
    h.stride_sel = in.u8();
    h.misc = in.u8();
    h.dy_offset = in.u8();
    for (int k = 0; k < 8; ++k)
        h.param_raw |= std::uint64_t(in.u8()) << (8 * k);
    return h;
}

// The values, read from the bytes after the header; past their end the bytes are read again
// from the start, lightly changed each time round.
//   encoding 0: raw bit patterns (NaN, +-inf, +-0, denormals, anything)
//   encoding 1: int16 / 256  (-128 .. 128)
//   encoding 2: int8 / 8     (-16 .. 16: where the functions bend; softmax's usual range)
//   encoding 3: one byte each: below 20 a special value, else int8 / 16
template <class T>
struct value_source {
    const std::uint8_t* p;
    std::size_t n;
    int encoding;
    std::size_t pos = 0;
    unsigned rounds = 0;

    std::uint8_t byte()
    {
        if (n == 0)
            return 0;
        if (pos == n) {
            pos = 0;
            ++rounds;
        }
        return p[pos++];
    }

    static T special(unsigned k)
    {
        using L = std::numeric_limits<T>;
        const T v[] = {L::quiet_NaN(), L::infinity(), -L::infinity(), T(0), -T(0), L::denorm_min(), -L::denorm_min(),
                       L::min() - L::denorm_min(), L::min(), -L::min(), L::max(), -L::max(), T(1), T(-1),
                       L::epsilon(), T(-0.75), T(-1.25), T(88.5), T(-745.5), T(20)};
        return v[k % (sizeof v / sizeof v[0])];
    }

    T next()
    {
        const T shift = T(rounds) / T(1024);
        switch (encoding) {
        case 0: {
            bits_t<T> b = 0;
            for (std::size_t k = 0; k < sizeof(T); ++k)
                b |= bits_t<T>(byte()) << (8 * k);
            return from_bits<T>(b ^ bits_t<T>(rounds & 7));
        }
        case 1: {
            const std::uint16_t lo = byte(), hi = byte();
            return T(static_cast<std::int16_t>(lo | (hi << 8))) / T(256) + shift;
        }
        case 2: return T(static_cast<std::int8_t>(byte())) / T(8) + shift;
        default: {
            const std::uint8_t b = byte();
            if (b < 20)
                return special(b);
            return T(static_cast<std::int8_t>(b)) / T(16) + shift;
        }
        }
    }
};

// A parameter (alpha, beta): a typical value, a moderate random one, or any double at all.
double parameter(std::uint8_t kind, std::uint64_t raw, unsigned channel)
{
    static const double typical[] = {0.0,  0.01, 0.25, 1.0, 1.5,  0.3,   2.5, 1.702,
                                     4.0,  0.1,  -0.5, -1.0, 1e-3, 0.7, 3.0, 1.0 / 3};
    const std::uint64_t r = raw + 0x9e3779b97f4a7c15ull * channel;
    switch (kind % 4) {
    case 0:
    case 1: return typical[(kind / 4 + channel * 5) % 16];
    case 2: { // +-[1, 2) * 2^e, e in [-12, 3]
        const double m = 1 + double(r >> 12) * 0x1p-52;
        const int e = int(r & 15) - 12;
        return ((r >> 4) & 1 ? -1 : 1) * std::ldexp(m, e);
    }
    default: {
        double d;
        std::memcpy(&d, &r, sizeof d);
        return d;
    }
    }
}

// Where the unit tests' bounds apply to a parameter (tests/functors/test_*.cpp measure these
// ranges); outside it the checks are bit-for-bit and NaN only.
bool sane_parameter(int fn, double p)
{
    const double a = std::fabs(p);
    switch (fn) {
    case f_leaky_relu:
    case f_prelu: return p == 0 || (a >= 0x1p-20 && a <= 0x1p20);
    case f_elu: return p == 0 || (a >= 0x1p-10 && a <= 4);
    case f_swish: return a >= 0x1p-6 && a <= 8;
    default: return true;
    }
}

// ---- failure reports ---------------------------------------------------------------------------

struct report {
    const header& h;
    std::string layouts;

    template <class T>
    static std::string describe(T v)
    {
        std::ostringstream s;
        s.precision(std::numeric_limits<T>::max_digits10);
        s << v << " (" << std::hexfloat << v << std::defaultfloat << ", bits 0x" << std::hex
          << static_cast<unsigned long long>(to_bits(v)) << ")";
        return s.str();
    }

    [[noreturn]] void fail(const std::string& what) const
    {
        std::fprintf(stderr,
                     "xact fuzz: MISMATCH\n  function %s, op %s, type %s, n %zu, layouts %s, alias %s, error %s,"
                     " masked_zero %d, rowwise %d\n  %s\n",
                     function_names[h.fn], op_names[h.op], h.is_double ? "double" : "float", h.n, layouts.c_str(),
                     alias_names[h.alias], error_names[h.error], int(h.masked), int(h.rowwise), what.c_str());
        std::fflush(stderr);
        std::abort();
    }

    // got vs expected at (r, c) with the inputs there.
    template <class T>
    [[noreturn]] void element(const char* check, const char* array, Index r, Index c, T x, T dy, T got,
                              const std::string& expected) const
    {
        std::ostringstream s;
        s << check << ": " << array << "(" << r << ", " << c << ")\n  input " << describe(x) << ", dy "
          << describe(dy) << "\n  got " << describe(got) << "\n  expected " << expected;
        fail(s.str());
    }
};

// ---- placements: where an array's elements live in its buffer -----------------------------------

struct placement {
    int kind = ptr_n;
    Index rows = 0, cols = 0;
    bool vector = false;           // a 1-D object (softmax: one vector)
    std::size_t origin = 0;        // where the object's memory starts (the big matrix for blocks)
    std::size_t base = 0;          // element (0, 0)
    Index sr = 1, sc = 1;          // strides between rows and between columns
    Index stride = 1, outer = 0;   // strided kinds
    Index big_rows = 0, big_cols = 0, r0 = 0, c0 = 0; // blocks
    std::size_t end = 0;           // one past the last buffer element the object may cover

    std::size_t at(Index r, Index c) const { return base + std::size_t(r * sr + c * sc); }
    Index size() const { return rows * cols; }
};

placement place(int kind, Index rows, Index cols, std::size_t offset, std::uint8_t sel)
{
    placement p;
    p.kind = kind;
    p.rows = rows;
    p.cols = cols;
    p.origin = offset;
    p.vector = kind == ptr_n || is_vector_layout(kind);
    const Index s = 1 + sel % 3, pad = (sel >> 2) % 3;
    p.stride = s;
    switch (kind) {
    case ptr_n:
    case ptr_matrix:
    case col_vector:
    case col_major: p.sr = 1; p.sc = rows; break;
    case col_vector_strided: p.sr = s; p.sc = s * rows; break;
    case row_vector_strided: p.sc = s; p.sr = s * cols; break;
    case row_major: p.sr = cols; p.sc = 1; break;
    case strided_matrix: p.outer = s * rows + pad; p.sr = s; p.sc = p.outer; break;
    case col_major_block:
    case row_major_block:
        p.r0 = (sel >> 4) & 1;
        p.c0 = (sel >> 5) & 1;
        p.big_rows = rows + p.r0 + pad;
        p.big_cols = cols + p.c0 + ((sel >> 6) & 1);
        if (kind == col_major_block) {
            p.sr = 1;
            p.sc = p.big_rows;
        } else {
            p.sr = p.big_cols;
            p.sc = 1;
        }
        break;
    }
    p.base = offset + std::size_t(p.r0 * p.sr + p.c0 * p.sc);
    std::size_t extent = 0;
    if (kind == col_major_block || kind == row_major_block)
        extent = std::size_t(p.big_rows * p.big_cols);
    else if (rows > 0 && cols > 0)
        extent = std::size_t((rows - 1) * p.sr + (cols - 1) * p.sc + 1);
    p.end = offset + extent;
    return p;
}

// Calls fn(object) with the Eigen object of an Eigen placement over mem.
template <class T, class Fn>
void with_object(const placement& p, T* mem, Fn&& fn)
{
    T* o = mem + p.origin;
    switch (p.kind) {
    case col_vector: {
        Eigen::Map<Eigen::Array<T, Dynamic, 1>> m(o, p.rows);
        fn(m);
        break;
    }
    case col_vector_strided: {
        Eigen::Map<Eigen::Array<T, Dynamic, 1>, 0, Eigen::InnerStride<>> m(o, p.rows, Eigen::InnerStride<>(p.stride));
        fn(m);
        break;
    }
    case row_vector_strided: {
        Eigen::Map<Eigen::Matrix<T, 1, Dynamic>, 0, Eigen::InnerStride<>> m(o, p.cols, Eigen::InnerStride<>(p.stride));
        fn(m);
        break;
    }
    case col_major: {
        Eigen::Map<Eigen::Array<T, Dynamic, Dynamic>> m(o, p.rows, p.cols);
        fn(m);
        break;
    }
    case row_major: {
        Eigen::Map<Eigen::Matrix<T, Dynamic, Dynamic, Eigen::RowMajor>> m(o, p.rows, p.cols);
        fn(m);
        break;
    }
    case col_major_block: {
        Eigen::Map<Eigen::Array<T, Dynamic, Dynamic>> big(o, p.big_rows, p.big_cols);
        auto b = big.block(p.r0, p.c0, p.rows, p.cols);
        fn(b);
        break;
    }
    case strided_matrix: {
        using S = Eigen::Stride<Dynamic, Dynamic>;
        Eigen::Map<Eigen::Matrix<T, Dynamic, Dynamic>, 0, S> m(o, p.rows, p.cols, S(p.outer, p.stride));
        fn(m);
        break;
    }
    case row_major_block: {
        Eigen::Map<Eigen::Array<T, Dynamic, Dynamic, Eigen::RowMajor>> big(o, p.big_rows, p.big_cols);
        auto b = big.block(p.r0, p.c0, p.rows, p.cols);
        fn(b);
        break;
    }
    default: std::abort();
    }
}

// The kinds an output takes when it is not an input (fewer than the inputs': every output
// kind is instantiated with every input kind). An output that overlaps an input on purpose is a
// strided_matrix with that input's strides.
template <class T, class Fn>
void with_output_object(const placement& p, T* mem, Fn&& fn)
{
    T* o = mem + p.origin;
    switch (p.kind) {
    case col_vector_strided: {
        Eigen::Map<Eigen::Array<T, Dynamic, 1>, 0, Eigen::InnerStride<>> m(o, p.rows, Eigen::InnerStride<>(p.stride));
        fn(m);
        break;
    }
    case row_vector_strided: {
        Eigen::Map<Eigen::Matrix<T, 1, Dynamic>, 0, Eigen::InnerStride<>> m(o, p.cols, Eigen::InnerStride<>(p.stride));
        fn(m);
        break;
    }
    case col_major: {
        Eigen::Map<Eigen::Array<T, Dynamic, Dynamic>> m(o, p.rows, p.cols);
        fn(m);
        break;
    }
    case strided_matrix: {
        using S = Eigen::Stride<Dynamic, Dynamic>;
        Eigen::Map<Eigen::Matrix<T, Dynamic, Dynamic>, 0, S> m(o, p.rows, p.cols, S(p.outer, p.stride));
        fn(m);
        break;
    }
    case row_major_block: {
        Eigen::Map<Eigen::Array<T, Dynamic, Dynamic, Eigen::RowMajor>> big(o, p.big_rows, p.big_cols);
        auto b = big.block(p.r0, p.c0, p.rows, p.cols);
        fn(b);
        break;
    }
    default: std::abort();
    }
}

template <class T>
struct fuzz_case;

// Calls fn(output): x's or dy's own object where the output is that input (in place), else an
// object of the output's placement.
template <class T, class X, class G, class Fn>
void with_output(const fuzz_case<T>& k, X& xo, G& go, Fn&& fn)
{
    if constexpr (xact::engine::is_writable_v<std::decay_t<X>> && xact::engine::is_writable_v<std::decay_t<G>>) {
        if (k.out_is == 1)
            return fn(xo);
        if (k.out_is == 2)
            return fn(go);
    }
    with_output_object(k.out.p, k.out.mem->data(), fn);
}

// x and dy share a layout kind (fewer instantiations); their placements may differ in offset.
template <class T, class Fn>
void with_inputs(const placement& px, T* mx, const placement& pg, T* mg, Fn&& fn)
{
    with_object(px, mx, [&](auto& xo) {
        // dy of the same kind and shape (a deliberately wrong dy shape comes in through pg)
        with_object(pg, mg, [&](auto& go) {
            if constexpr (std::is_same_v<std::decay_t<decltype(xo)>, std::decay_t<decltype(go)>>)
                fn(xo, go);
        });
    });
}

// An array of the test: its buffer, placement and logical values (column-major).
template <class T>
struct array {
    buffer<T>* mem = nullptr;
    placement p;
    std::vector<T> values; // the logical values (inputs), rows * cols column-major
    T* data() const { return mem->data() + p.base; }
    T get(Index r, Index c) const { return (*mem)[p.at(r, c)]; }
};

// ---- the reference -----------------------------------------------------------------------------

struct bounds {
    double forward, derivative;
};

bounds bounds_of(int fn)
{
    switch (fn) {
    case f_relu: return {0, 0};
    case f_leaky_relu:
    case f_prelu: return {2, 0.5};
    default: return {4, 8};
    }
}

real ref_forward(int fn, real x, real p)
{
    switch (fn) {
    case f_relu: return xact_ref::relu(x);
    case f_leaky_relu:
    case f_prelu: return xact_ref::leaky_relu(x, p);
    case f_elu: return xact_ref::elu(x, p);
    case f_gelu: return xact_ref::gelu(x);
    case f_gelu_tanh: return xact_ref::gelu_tanh(x);
    case f_sigmoid: return xact_ref::sigmoid(x);
    case f_tanh: return xact_ref::tanh(x);
    case f_swish: return xact_ref::swish(x, p);
    case f_silu: return xact_ref::silu(x);
    }
    std::abort();
}

real ref_derivative(int fn, real x, real p)
{
    switch (fn) {
    case f_relu: return xact_ref::relu_prime(x);
    case f_leaky_relu:
    case f_prelu: return xact_ref::leaky_relu_prime(x, p);
    case f_elu: return xact_ref::elu_prime(x, p);
    case f_gelu: return xact_ref::gelu_prime(x);
    case f_gelu_tanh: return xact_ref::gelu_tanh_prime(x);
    case f_sigmoid: return xact_ref::sigmoid_prime(x);
    case f_tanh: return xact_ref::tanh_prime(x);
    case f_swish: return xact_ref::swish_prime(x, p);
    case f_silu: return xact_ref::silu_prime(x);
    }
    std::abort();
}

// d f / d parameter.
real ref_parameter_derivative(int fn, real x, real p)
{
    switch (fn) {
    case f_prelu: return xact_ref::prelu_dalpha(x);
    case f_elu: return xact_ref::elu_dalpha(x);
    case f_swish: return xact_ref::swish_dbeta(x, p);
    }
    std::abort();
}

template <class T>
std::string expected_text(T bitwise, real ref, double err, double bound)
{
    std::ostringstream s;
    s.precision(21);
    s << report::describe(bitwise) << "; reference " << ref << ", error " << err << " ULP (bound " << bound << ")";
    return s.str();
}

// ---- the case ----------------------------------------------------------------------------------

template <class T>
struct fuzz_case {
    const header& h;
    report rep;
    value_source<T> values;

    // buffers: x, dy, out, d_param; aliasing points arrays at the same buffer
    buffer<T> bx, bg, bo;
    array<T> x, dy, out;
    std::vector<T> saved_x, saved_g, saved_o; // whole buffers before the call
    bool valid = true;
    std::string why_invalid;
    int out_is = 0; // the output is 1: x's object, 2: dy's object (in place), 0: its own

    fuzz_case(const header& hd, value_source<T> vs) : h(hd), rep{hd, {}}, values(vs) {}

    void invalid(const std::string& why)
    {
        if (valid)
            why_invalid = why;
        valid = false;
    }
};

// The shapes a length and layout kind allow: vectors are n x 1 or 1 x n, matrices rows x cols.
void shape_of(int kind, std::size_t n, std::uint8_t sel, Index& rows, Index& cols)
{
    if (kind == ptr_n || kind == col_vector || kind == col_vector_strided) {
        rows = Index(n);
        cols = 1;
        return;
    }
    if (kind == row_vector_strided) {
        rows = 1;
        cols = Index(n);
        return;
    }
    if (n == 0) {
        rows = sel % 4;
        cols = rows == 0 ? (sel >> 2) % 4 : 0;
        return;
    }
    rows = sel >= 240 ? Index(n) : 1 + Index(sel % std::min<std::size_t>(n, 40));
    cols = Index(n) / rows;
}

// The layouts an output of shape rows x cols may take (x's layout first, so alias-free
// "same as x" is common).
std::vector<int> fitting_layouts(Index rows, Index cols)
{
    std::vector<int> v;
    if (cols == 1)
        v.push_back(col_vector_strided);
    if (rows == 1)
        v.push_back(row_vector_strided);
    v.insert(v.end(), {col_major, strided_matrix, row_major_block});
    return v;
}

template <class T>
void fill_buffer(buffer<T>& b, std::size_t size)
{
    b.assign(size, sentinel<T>());
}

template <class T>
bool untouched(const buffer<T>& now, const std::vector<T>& before, std::size_t& where)
{
    for (std::size_t i = 0; i < now.size(); ++i)
        if (to_bits(now[i]) != to_bits(before[i])) {
            where = i;
            return false;
        }
    return true;
}

template <class T>
std::vector<T> snapshot(const buffer<T>& b)
{
    return std::vector<T>(b.begin(), b.end());
}

// Message check: a std::invalid_argument naming the operation and the function.
void check_message(const report& rep, const char* operation, const char* function, const std::string& message)
{
    const std::string want = std::string("xact::") + operation + "(" + function + ")";
    if (message.find(want) == std::string::npos)
        rep.fail("the error message does not name \"" + want + "\": " + message);
}

// Runs call(); if the case is invalid it must throw std::invalid_argument and the buffers must
// be untouched; if valid it must not throw. Returns whether the call ran (valid).
template <class T, class Call>
bool run_call(fuzz_case<T>& k, const char* operation, const char* function, Call&& call,
              const std::vector<std::pair<const buffer<T>*, const std::vector<T>*>>& all_buffers)
{
    if (k.valid) {
        try {
            call();
        } catch (const std::exception& e) {
            k.rep.fail(std::string("a valid call threw: ") + e.what());
        }
        return true;
    }
    bool threw = false;
    try {
        call();
    } catch (const std::invalid_argument& e) {
        threw = true;
        check_message(k.rep, operation, function, e.what());
    } catch (const std::exception& e) {
        k.rep.fail(std::string("an invalid call (") + k.why_invalid + ") threw something else: " + e.what());
    }
    if (!threw)
        k.rep.fail("an invalid call (" + k.why_invalid + ") did not throw");
    for (const auto& [now, before] : all_buffers) {
        std::size_t where = 0;
        if (!untouched(*now, *before, where))
            k.rep.fail("an invalid call (" + k.why_invalid + ") modified buffer element " + std::to_string(where));
    }
    return false;
}

// After a valid call: every buffer element that is not an output element is unchanged.
template <class T>
void check_outside(const fuzz_case<T>& k, const buffer<T>& b, const std::vector<T>& before,
                   const std::vector<const placement*>& outputs, const char* name)
{
    std::vector<char> is_output(b.size(), 0);
    for (const placement* p : outputs)
        for (Index c = 0; c < p->cols; ++c)
            for (Index r = 0; r < p->rows; ++r)
                is_output[p->at(r, c)] = 1;
    for (std::size_t i = 0; i < b.size(); ++i)
        if (!is_output[i] && to_bits(b[i]) != to_bits(before[i]))
            k.rep.fail(std::string("buffer ") + name + " element " + std::to_string(i) +
                       " is no output element, but was written: " + report::describe(b[i]) + ", was " +
                       report::describe(before[i]));
}

// ---- element-wise functions ----------------------------------------------------------------------

template <class F>
inline constexpr bool is_prelu_v = std::is_same_v<F, xact::prelu>;

template <class F>
inline constexpr bool has_from_output_v = xact::engine::has_output_derivative<F>::value || is_prelu_v<F>;

template <class F>
inline constexpr bool has_scalar_param_v = std::is_same_v<F, xact::elu> || std::is_same_v<F, xact::swish>;

template <class F>
inline constexpr bool has_param_v = has_scalar_param_v<F> || is_prelu_v<F>;

// The element functor and parameter of row r.
template <class F>
auto element_functor(const F& f, Index r)
{
    if constexpr (is_prelu_v<F>)
        return f.channel(f.channels() == 1 ? 0 : std::size_t(r));
    else
        return f;
}

template <class F>
double parameter_of(const F& f, Index r)
{
    if constexpr (is_prelu_v<F>)
        return f.alpha[f.channels() == 1 ? 0 : std::size_t(r)];
    else if constexpr (std::is_same_v<F, xact::leaky_relu> || std::is_same_v<F, xact::elu>)
        return f.alpha;
    else if constexpr (std::is_same_v<F, xact::swish>)
        return f.beta;
    else
        return 1.0;
}

template <class F>
bool output_invertible(const F& f)
{
    if constexpr (xact::engine::has_invertibility_check<F>::value)
        return f.output_invertible();
    else
        return true;
}

// Chooses shapes, placements, aliasing and errors, fills the buffers. `inputs` is 1 (forward,
// derivative) or 2 (backward, from_output, parameter).
template <class T>
void set_up(fuzz_case<T>& k, int inputs, std::size_t channels_multiple, bool has_output)
{
    header h = k.h;
    if (!has_output && (h.error == err_out_shape || h.error == err_overlap_x || h.error == err_overlap_dy))
        h.error = err_none;
    const std::size_t L = lanes<T>;
    int kind = h.in_layout;
    Index rows = 0, cols = 0;
    std::size_t n = h.n;
    if (is_pointer(kind) && channels_multiple > 1) {
        // prelu per channel on pointers: c x n/c
        n = n / channels_multiple * channels_multiple;
        rows = Index(channels_multiple);
        cols = Index(n / channels_multiple);
    } else {
        shape_of(kind, n, h.rows_sel, rows, cols);
    }
    const bool expression = (h.misc & 1) && !is_pointer(kind) && h.op == op_forward;
    int alias = h.alias;
    if (inputs == 1 && (alias == alias_out_dy || alias == alias_dy_x || alias == alias_all))
        alias = alias_out_x;
    if (expression && alias != alias_dy_x)
        alias = alias_none;
    if (h.error != err_none && (alias != alias_dy_x || h.error == err_overlap_x || h.error == err_overlap_dy))
        alias = alias_none; // errors are judged on separate outputs (overlap makes its own)
    if (!has_output)
        alias = alias == alias_dy_x || alias == alias_all ? alias_dy_x : alias_none;

    int out_kind = kind;
    if (!is_pointer(kind) && alias != alias_out_x && alias != alias_out_dy && alias != alias_all) {
        const auto fit = fitting_layouts(rows, cols);
        out_kind = fit[h.out_layout % fit.size()];
    }
    const std::size_t xo = std::size_t(h.x_offset) % (L + 1), oo = std::size_t(h.out_offset) % (L + 1),
                      go = std::size_t(h.dy_offset) % (L + 1);

    k.x.p = place(kind, rows, cols, xo, h.stride_sel);
    k.dy.p = place(kind, rows, cols, go, h.stride_sel);
    Index orows = rows, ocols = cols;
    if (h.error == err_out_shape && !is_pointer(kind)) {
        // one more row or column, or (a vector) a different length
        if (is_vector_layout(out_kind))
            (out_kind == row_vector_strided ? ocols : orows) += 1;
        else
            (h.error_sel & 1 ? orows : ocols) += 1;
    }
    if (h.error == err_dy_shape && inputs == 2 && !is_pointer(kind)) {
        Index gr = rows, gc = cols;
        if (kind == row_vector_strided)
            gc += 1;
        else if (is_vector_layout(kind))
            gr += 1;
        else
            (h.error_sel & 1 ? gr : gc) += 1 + (h.error_sel >> 1) % 2;
        k.dy.p = place(kind, gr, gc, go, h.stride_sel);
    }
    k.out.p = place(out_kind, orows, ocols, oo, h.stride_sel >> 1);

    // Overlap: the output is the same layout as x (or dy), shifted by a few elements.
    int overlap_with = 0; // 1: x, 2: dy
    std::size_t shift = 0;
    if (h.error == err_overlap_x || h.error == err_overlap_dy) {
        overlap_with = (h.error == err_overlap_dy && inputs == 2) ? 2 : 1;
        const placement& src = overlap_with == 1 ? k.x.p : k.dy.p;
        shift = 1 + h.error_sel % 7;
        k.out.p = src;
        k.out.p.kind = strided_matrix;
        k.out.p.vector = false;
        k.out.p.stride = src.sr;
        k.out.p.outer = src.sc;
        k.out.p.r0 = k.out.p.c0 = 0;
        k.out.p.origin = k.out.p.base = src.base + shift;
        k.out.p.end = src.end + shift;
    }
    const std::size_t guard = 2 * L + 8;
    fill_buffer(k.bx, std::max(k.x.p.end, k.out.p.end) + guard);
    fill_buffer(k.bg, k.dy.p.end + guard);
    fill_buffer(k.bo, k.out.p.end + guard);
    k.x.mem = &k.bx;
    k.dy.mem = inputs == 2 ? &k.bg : &k.bx;
    k.out.mem = &k.bo;
    if (alias == alias_out_x || alias == alias_all)
        k.out = k.x;
    if (inputs == 2 && (alias == alias_dy_x || alias == alias_all))
        k.dy.mem = &k.bx, k.dy.p = k.x.p;
    if (inputs == 2 && alias == alias_out_dy)
        k.out.p = k.dy.p, k.out.mem = k.dy.mem;
    if (alias == alias_out_x || alias == alias_all)
        k.out_is = 1;
    else if (inputs == 2 && alias == alias_out_dy)
        k.out_is = 2;
    if (overlap_with == 1)
        k.out.mem = &k.bx;
    if (overlap_with == 2)
        k.out.mem = k.dy.mem;

    // values: x, then dy
    k.x.values.resize(std::size_t(k.x.p.size()));
    for (Index c = 0; c < k.x.p.cols; ++c)
        for (Index r = 0; r < k.x.p.rows; ++r)
            k.x.values[std::size_t(c * k.x.p.rows + r)] = (*k.x.mem)[k.x.p.at(r, c)] = k.values.next();
    if (inputs == 2 && k.dy.mem != k.x.mem) {
        k.dy.values.resize(std::size_t(k.dy.p.size()));
        for (Index c = 0; c < k.dy.p.cols; ++c)
            for (Index r = 0; r < k.dy.p.rows; ++r)
                k.dy.values[std::size_t(c * k.dy.p.rows + r)] = (*k.dy.mem)[k.dy.p.at(r, c)] = k.values.next();
    } else if (inputs == 2) {
        k.dy.values = k.x.values;
    }

    // what the contract says of this call
    if (k.out.p.rows != k.x.p.rows || k.out.p.cols != k.x.p.cols)
        k.invalid("output shape");
    if (inputs == 2 && (k.dy.p.rows != k.x.p.rows || k.dy.p.cols != k.x.p.cols))
        k.invalid("dy shape");
    if (overlap_with != 0) {
        // partial overlap exactly when an element is shared (same strides: exact test)
        const placement& src = overlap_with == 1 ? k.x.p : k.dy.p;
        std::vector<char> used(k.bx.size() + k.bg.size() + 64, 0);
        for (Index c = 0; c < src.cols; ++c)
            for (Index r = 0; r < src.rows; ++r)
                used[src.at(r, c)] = 1;
        bool shared = false;
        for (Index c = 0; c < k.out.p.cols; ++c)
            for (Index r = 0; r < k.out.p.rows; ++r)
                shared = shared || used[k.out.p.at(r, c)];
        if (shared)
            k.invalid("partial overlap");
    }

    std::ostringstream s;
    s << "x " << layout_names[k.x.p.kind] << " " << k.x.p.rows << "x" << k.x.p.cols << " +" << xo;
    if (inputs == 2)
        s << ", dy " << layout_names[k.dy.p.kind] << " " << k.dy.p.rows << "x" << k.dy.p.cols << " +" << go;
    s << ", out " << layout_names[k.out.p.kind] << " " << k.out.p.rows << "x" << k.out.p.cols << " +"
      << k.out.p.origin << (expression ? ", x an expression" : "") << ", stride byte " << int(h.stride_sel);
    k.rep.layouts = s.str();
}

// x as an Eigen expression (x * 1, evaluated by the library into a temporary): not where the
// output is x, and not when the output deliberately overlaps x (the library cannot see memory
// behind an expression).
template <class T>
bool expression_input(const fuzz_case<T>& k)
{
    return (k.h.misc & 1) && !is_pointer(k.x.p.kind) && k.out_is == 0 && k.h.error != err_overlap_x &&
           k.h.error != err_overlap_dy && (k.h.op == op_forward);
}

// The pointer handed over for an array: nullptr where the error says so.
template <class T>
T* pointer_of(fuzz_case<T>& k, array<T>& a, int which)
{
    if (k.h.error == err_null && (k.h.error_sel % 4) == which)
        return nullptr;
    return a.data();
}

template <class T, class F>
void run_elementwise(header& h, const F& f, value_source<T> vs)
{
    fuzz_case<T> k(h, vs);
    const int fn = h.fn;
    int op = h.op;
    if (op == op_from_output && !has_from_output_v<F>)
        op = op_backward;
    if (op == op_parameter && !has_param_v<F>)
        op = op_backward;
    if ((op == op_forward_return || op == op_derivative_return) && is_pointer(h.in_layout))
        op = op == op_forward_return ? op_forward : op_derivative;
    h.op = op; // for reports
    const int inputs = (op == op_forward || op == op_derivative || op == op_forward_return ||
                        op == op_derivative_return) ? 1 : 2;
    std::size_t channels = 1;
    if constexpr (is_prelu_v<F>)
        channels = f.channels();
    set_up(k, inputs, channels > 1 ? channels : 1, op != op_forward_return && op != op_derivative_return);

    // the contract's other rules
    const bool pointer = is_pointer(k.x.p.kind);
    if constexpr (is_prelu_v<F>) {
        if (channels == 0)
            k.invalid("alpha is empty");
        else if (channels > 1 && !pointer && Index(channels) != k.x.p.rows)
            k.invalid("alpha's length is not x's rows");
    }
    if (op == op_from_output && !output_invertible(f))
        k.invalid("alpha <= 0 with backward_from_output");
    std::size_t n = std::size_t(k.x.p.size());
    // pointer prelu with a length that is not a multiple of the channels
    std::size_t n_call = n;
    if constexpr (is_prelu_v<F>)
        if (pointer && h.error == err_param_size && channels > 1) {
            n_call = n + 1 + h.error_sel % (channels - 1);
            // the extra elements exist (zeros) so a wrong walk would not leave the buffers
            k.bx.resize(k.bx.size() + channels, T(0));
            k.bg.resize(k.bg.size() + channels, T(0));
            k.bo.resize(k.bo.size() + channels, sentinel<T>());
            k.invalid("n not a multiple of the channels");
        }
    if (pointer && h.error == err_null && n_call > 0 && (h.error_sel % 4) < (inputs == 2 ? 3 : 2))
        k.invalid("null pointer");
    // the parameter gradient outputs
    const bool d_param_double = h.misc & 2;
    float d_param_f = sentinel<float>();
    double d_param_d = sentinel<double>();
    buffer<T> d_alpha_buf;
    Eigen::Matrix<T, Dynamic, 1> d_alpha_vec;
    std::size_t d_alpha_size = channels;
    if constexpr (is_prelu_v<F>) {
        if (op == op_parameter && !pointer && h.error == err_param_size) {
            d_alpha_size = (h.error_sel & 2) && channels > 0 ? channels - 1 : channels + 1;
            k.invalid("d_alpha size");
        }
        d_alpha_buf.assign(channels + 2 * lanes<T>, sentinel<T>());
        d_alpha_vec = Eigen::Matrix<T, Dynamic, 1>::Constant(Index(d_alpha_size), sentinel<T>());
    }
    const std::vector<T> d_alpha_buf_before(d_alpha_buf.begin(), d_alpha_buf.end());
    const Eigen::Matrix<T, Dynamic, 1> d_alpha_vec_before = d_alpha_vec;
    if (op == op_parameter && pointer && h.error == err_null && (h.error_sel % 4) == 3 && is_prelu_v<F> &&
        channels > 0)
        k.invalid("null d_alpha");

    k.saved_x = snapshot(k.bx);
    k.saved_g = snapshot(k.bg);
    k.saved_o = snapshot(k.bo);

    const bool expression = expression_input(k);
    typename Eigen::Array<T, Dynamic, Dynamic> returned;
    const char* operation = op == op_forward || op == op_forward_return ? "forward"
                          : op == op_derivative || op == op_derivative_return ? "derivative"
                          : op == op_from_output ? "backward_from_output" : "backward";
    auto call = [&] {
        switch (op) {
        case op_forward:
            if (pointer)
                xact::forward(f, static_cast<const T*>(pointer_of(k, k.x, 0)), pointer_of(k, k.out, 1), n_call);
            else
                with_object(k.x.p, k.x.mem->data(), [&](auto& xo) {
                    with_output(k, xo, xo, [&](auto& yo) {
                        if (expression)
                            xact::forward(f, xo * T(1), yo);
                        else
                            xact::forward(f, xo, yo);
                    });
                });
            break;
        case op_derivative:
            if (pointer)
                xact::derivative(f, static_cast<const T*>(pointer_of(k, k.x, 0)), pointer_of(k, k.out, 1), n_call);
            else
                with_object(k.x.p, k.x.mem->data(), [&](auto& xo) {
                    with_output(k, xo, xo, [&](auto& yo) { xact::derivative(f, xo, yo); });
                });
            break;
        case op_forward_return:
        case op_derivative_return:
            with_object(k.x.p, k.x.mem->data(), [&](auto& xo) {
                if (op == op_forward_return)
                    returned = xact::forward(f, xo).array();
                else
                    returned = xact::derivative(f, xo).array();
            });
            break;
        case op_backward:
        case op_from_output:
            if (pointer) {
                const T* a = pointer_of(k, k.x, 0);
                const T* g = pointer_of(k, k.dy, 2);
                T* o = pointer_of(k, k.out, 1);
                if (op == op_backward)
                    xact::backward(f, a, g, o, n_call);
                else if constexpr (has_from_output_v<F>)
                    xact::backward_from_output(f, a, g, o, n_call);
            } else {
                with_inputs(k.x.p, k.x.mem->data(), k.dy.p, k.dy.mem->data(),
                            [&](auto&& xo, auto& go) {
                                with_output(k, xo, go, [&](auto& oo) {
                                    if (op == op_backward)
                                        xact::backward(f, xo, go, oo);
                                    else if constexpr (has_from_output_v<F>)
                                        xact::backward_from_output(f, xo, go, oo);
                                });
                            });
            }
            break;
        case op_parameter:
            if constexpr (has_param_v<F>) {
                if (pointer) {
                    const T* a = pointer_of(k, k.x, 0);
                    const T* g = pointer_of(k, k.dy, 2);
                    T* o = pointer_of(k, k.out, 1);
                    if constexpr (is_prelu_v<F>)
                        xact::backward(f, a, g, o, n_call,
                                       h.error == err_null && h.error_sel % 4 == 3 ? static_cast<T*>(nullptr)
                                                                                  : d_alpha_buf.data());
                    else if (d_param_double)
                        xact::backward(f, a, g, o, n_call, d_param_d);
                    else
                        xact::backward(f, a, g, o, n_call, d_param_f);
                } else {
                    with_inputs(k.x.p, k.x.mem->data(), k.dy.p, k.dy.mem->data(), [&](auto&& xo, auto& go) {
                        with_output(k, xo, go, [&](auto& oo) {
                            if constexpr (is_prelu_v<F>)
                                xact::backward(f, xo, go, oo, d_alpha_vec);
                            else if (d_param_double)
                                xact::backward(f, xo, go, oo, d_param_d);
                            else
                                xact::backward(f, xo, go, oo, d_param_f);
                        });
                    });
                }
            }
            break;
        }
    };
    const bool ran = run_call(k, operation, F::name, call,
                              {{&k.bx, &k.saved_x}, {&k.bg, &k.saved_g}, {&k.bo, &k.saved_o}});
    if (!ran) {
        if (to_bits(d_param_f) != to_bits(sentinel<float>()) || to_bits(d_param_d) != to_bits(sentinel<double>()))
            k.rep.fail("an invalid call wrote d_param");
        for (std::size_t i = 0; i < d_alpha_buf.size(); ++i)
            if (to_bits(d_alpha_buf[i]) != to_bits(d_alpha_buf_before[i]))
                k.rep.fail("an invalid call wrote d_alpha (pointer)");
        for (Index i = 0; i < d_alpha_vec.size(); ++i)
            if (to_bits(d_alpha_vec(i)) != to_bits(d_alpha_vec_before(i)))
                k.rep.fail("an invalid call wrote d_alpha (Eigen)");
        return;
    }

    // ---- a valid call: check every output element ----
    const bounds b = bounds_of(fn);
    const bool returning = op == op_forward_return || op == op_derivative_return;
    if (returning && (returned.rows() != k.x.p.rows || returned.cols() != k.x.p.cols))
        k.rep.fail("the returned object has the wrong shape");
    const placement& po = k.out.p;
    const bool two = inputs == 2;
    for (Index c = 0; c < k.x.p.cols; ++c)
        for (Index r = 0; r < k.x.p.rows; ++r) {
            const std::size_t i = std::size_t(c * k.x.p.rows + r);
            const T xv = k.x.values[i];
            const T gv = two ? k.dy.values[i] : T(0);
            const T got = returning ? returned(r, c) : (*k.out.mem)[po.at(r, c)];
            const auto g = element_functor(f, r);
            const double param = parameter_of(f, r);
            const bool sane = sane_parameter(fn, param);
            T want = T(0);
            switch (op) {
            case op_forward:
            case op_forward_return: want = g(xv); break;
            case op_derivative:
            case op_derivative_return: want = g.derivative(xv); break;
            case op_from_output:
                if constexpr (has_from_output_v<F>)
                    want = gv * element_functor(f, r).derivative_from_output(xv);
                break;
            default: want = gv * g.derivative(xv); break;
            }
            // (1) the scalar functor, bit for bit
            if (!same_bits(got, want))
                k.rep.element("not the scalar functor's bits", "out", r, c, xv, gv, got, report::describe(want));
            // (3) NaN in gives NaN out
            if ((std::isnan(xv) || (two && std::isnan(gv))) && !std::isnan(got))
                k.rep.element("NaN in, not NaN out", "out", r, c, xv, gv, got, "NaN");
            // (2) the reference, where the parameter is in the tested range
            if (!sane)
                continue;
            if (op == op_forward || op == op_forward_return) {
                const real ref = ref_forward(fn, xv, param);
                const double e = xact_test::ulp_error(got, ref);
                if (!(e <= b.forward))
                    k.rep.element("forward error above the bound", "out", r, c, xv, gv, got,
                                  expected_text(want, ref, e, b.forward));
            } else if (op == op_derivative || op == op_derivative_return) {
                const real ref = ref_derivative(fn, xv, param);
                const double e = xact_test::ulp_error(got, ref);
                if (!(e <= b.derivative))
                    k.rep.element("derivative error above the bound", "out", r, c, xv, gv, got,
                                  expected_text(want, ref, e, b.derivative));
            } else if (op != op_from_output) {
                // dx = dy f'(x): f' within its bound, then one rounding; judged where f' is a
                // normal number or 0 and dy finite (elsewhere f''s absolute error in the
                // denormal range is magnified by dy)
                const real d = ref_derivative(fn, xv, param);
                using L = std::numeric_limits<T>;
                if (std::isfinite(gv) && std::isfinite(static_cast<double>(d)) &&
                    (d == 0 || std::fabs(d) >= static_cast<real>(L::min()))) {
                    const real ref = real(gv) * d;
                    const double e = xact_test::ulp_error(got, ref);
                    if (!(e <= b.derivative + 1))
                        k.rep.element("backward error above the bound", "dx", r, c, xv, gv, got,
                                      expected_text(want, ref, e, b.derivative + 1));
                }
            }
        }
    if (!returning)
        check_outside(k, *k.out.mem, k.out.mem == &k.bx ? k.saved_x : k.out.mem == &k.bg ? k.saved_g : k.saved_o,
                      {&k.out.p}, "out");
    // the inputs are untouched unless they are the output
    if (k.out.mem != &k.bx) {
        std::size_t where = 0;
        if (!untouched(k.bx, k.saved_x, where))
            k.rep.fail("x's buffer was written at " + std::to_string(where));
    }
    if (two && k.out.mem != &k.bg && k.dy.mem == &k.bg) {
        std::size_t where = 0;
        if (!untouched(k.bg, k.saved_g, where))
            k.rep.fail("dy's buffer was written at " + std::to_string(where));
    }

    // the parameter gradient: sum over (a channel of) dy * df/dparam, accumulated in T
    if (op == op_parameter) {
        const std::size_t groups = is_prelu_v<F> ? channels : 1;
        using L = std::numeric_limits<T>;
        for (std::size_t ch = 0; ch < groups; ++ch) {
            real sum = 0, abs_sum = 0, tiny = 0;
            bool any_nan = false, all_finite = true;
            std::size_t count = 0;
            for (Index c = 0; c < k.x.p.cols; ++c)
                for (Index r = 0; r < k.x.p.rows; ++r) {
                    if (groups > 1 && std::size_t(r) != ch)
                        continue;
                    const std::size_t i = std::size_t(c * k.x.p.rows + r);
                    const T xv = k.x.values[i], gv = k.dy.values[i];
                    any_nan = any_nan || std::isnan(xv) || std::isnan(gv);
                    all_finite = all_finite && std::isfinite(xv) && std::isfinite(gv);
                    if (!all_finite)
                        continue;
                    const real t = real(gv) * ref_parameter_derivative(fn, xv, parameter_of(f, r));
                    sum += t;
                    abs_sum += std::fabs(t);
                    tiny += 1 + std::fabs(real(gv));
                    ++count;
                }
            real got;
            if constexpr (is_prelu_v<F>)
                got = pointer ? real(d_alpha_buf[ch]) : real(d_alpha_vec(Index(ch)));
            else
                got = d_param_double ? real(d_param_d) : real(d_param_f);
            std::ostringstream s;
            s.precision(21);
            s << "parameter gradient " << ch << ": got " << got << ", reference " << sum << " (sum |terms| "
              << abs_sum << ", " << count << " terms)";
            if (any_nan) {
                if (!std::isnan(got))
                    k.rep.fail("NaN in, not NaN out: " + s.str());
                continue;
            }
            if (!all_finite || !sane_parameter(fn, parameter_of(f, Index(ch))) ||
                !(abs_sum < static_cast<real>(L::max()) / 1024))
                continue;
            // each term within 16 ULP (f's parameter derivative, the product), the lanes' sums
            // in T over up to 4096 / lanes terms, and in the denormal range absolute errors
            // times |dy|
            const real eps = L::epsilon();
            const real dmin = L::denorm_min();
            // d_param's own type (float or double) rounds the double total once more
            const real p_ulp = is_prelu_v<F> ? eps
                               : d_param_double ? real(std::numeric_limits<double>::epsilon())
                                                : real(std::numeric_limits<float>::epsilon());
            if (!d_param_double && !is_prelu_v<F> && std::fabs(sum) > real(std::numeric_limits<float>::max()) / 2)
                continue; // beyond float's range: inf is the right float
            const real bound = (16 + real(count)) * eps * abs_sum + 16 * dmin * tiny + p_ulp * std::fabs(sum) +
                               real(std::numeric_limits<float>::denorm_min());
            if (!(std::fabs(got - sum) <= bound))
                k.rep.fail("parameter gradient error above the bound: " + s.str());
        }
    }
}

// ---- softmax, log_softmax -------------------------------------------------------------------------

// The vectors of a rows x cols object: (list of (r, c) per vector).
std::vector<std::vector<std::pair<Index, Index>>> vectors_of(Index rows, Index cols, bool one_vector, bool rowwise)
{
    std::vector<std::vector<std::pair<Index, Index>>> v;
    if (rows * cols == 0)
        return v;
    if (one_vector) {
        v.emplace_back();
        for (Index c = 0; c < cols; ++c)
            for (Index r = 0; r < rows; ++r)
                v.back().push_back({r, c});
        return v;
    }
    if (rowwise) {
        for (Index r = 0; r < rows; ++r) {
            v.emplace_back();
            for (Index c = 0; c < cols; ++c)
                v.back().push_back({r, c});
        }
    } else {
        for (Index c = 0; c < cols; ++c) {
            v.emplace_back();
            for (Index r = 0; r < rows; ++r)
                v.back().push_back({r, c});
        }
    }
    return v;
}

template <class T, class F>
void run_softmax(header& h, const F& f, value_source<T> vs)
{
    fuzz_case<T> k(h, vs);
    int op = h.op;
    if (op == op_derivative || op == op_parameter)
        op = op_backward;
    if (op == op_derivative_return)
        op = op_forward_return;
    if (op == op_forward_return && is_pointer(h.in_layout))
        op = op_forward;
    h.op = op;
    const int inputs = (op == op_forward || op == op_forward_return) ? 1 : 2;
    set_up(k, inputs, 1, op != op_forward_return);
    const bool pointer = is_pointer(k.x.p.kind);
    const std::size_t n = std::size_t(k.x.p.size());
    const bool matrix_form = k.x.p.kind == ptr_matrix;
    if (pointer && h.error == err_null && n > 0 && (h.error_sel % 4) < (inputs == 2 ? 3 : 2))
        k.invalid("null pointer");
    k.saved_x = snapshot(k.bx);
    k.saved_g = snapshot(k.bg);
    k.saved_o = snapshot(k.bo);
    const bool expression = expression_input(k);
    Eigen::Array<T, Dynamic, Dynamic> returned;
    const char* operation = inputs == 1 ? "forward" : op == op_from_output ? "backward_from_output" : "backward";
    const std::size_t rows = std::size_t(k.x.p.rows), cols = std::size_t(k.x.p.cols);

    auto call = [&] {
        if (pointer) {
            const T* a = pointer_of(k, k.x, 0);
            T* o = pointer_of(k, k.out, 1);
            const T* g = pointer_of(k, k.dy, 2);
            switch (op) {
            case op_forward:
                if (matrix_form)
                    xact::forward(f, a, o, rows, cols);
                else
                    xact::forward(f, a, o, n);
                break;
            case op_backward:
                if (matrix_form)
                    xact::backward(f, a, g, o, rows, cols);
                else
                    xact::backward(f, a, g, o, n);
                break;
            case op_from_output:
                if (matrix_form)
                    xact::backward_from_output(f, a, g, o, rows, cols);
                else
                    xact::backward_from_output(f, a, g, o, n);
                break;
            }
            return;
        }
        switch (op) {
        case op_forward:
            with_object(k.x.p, k.x.mem->data(), [&](auto& xo) {
                with_output(k, xo, xo, [&](auto& yo) {
                    if (expression)
                        xact::forward(f, xo * T(1), yo);
                    else
                        xact::forward(f, xo, yo);
                });
            });
            break;
        case op_forward_return:
            with_object(k.x.p, k.x.mem->data(), [&](auto& xo) { returned = xact::forward(f, xo).array(); });
            break;
        default:
            with_inputs(k.x.p, k.x.mem->data(), k.dy.p, k.dy.mem->data(), [&](auto&& xo, auto& go) {
                with_output(k, xo, go, [&](auto& oo) {
                    if (op == op_backward)
                        xact::backward(f, xo, go, oo);
                    else
                        xact::backward_from_output(f, xo, go, oo);
                });
            });
        }
    };
    if (!run_call(k, operation, F::name, call, {{&k.bx, &k.saved_x}, {&k.bg, &k.saved_g}, {&k.bo, &k.saved_o}}))
        return;

    const bool returning = op == op_forward_return;
    if (returning && (returned.rows() != k.x.p.rows || returned.cols() != k.x.p.cols))
        k.rep.fail("the returned object has the wrong shape");
    auto got_at = [&](Index r, Index c) { return returning ? returned(r, c) : (*k.out.mem)[k.out.p.at(r, c)]; };
    // x's form decides what a vector is: a 1-D object or the pointer (x, n) form is one vector
    const bool one_vector = k.x.p.vector && !matrix_form;
    const auto vecs = vectors_of(k.x.p.rows, k.x.p.cols, one_vector, f.rowwise());
    using L = std::numeric_limits<T>;
    const real eps = L::epsilon(), dmin = L::denorm_min();
    for (std::size_t v = 0; v < vecs.size(); ++v) {
        const auto& idx = vecs[v];
        const std::size_t m = idx.size();
        std::vector<T> xs(m), gs(m, T(0)), got(m);
        for (std::size_t j = 0; j < m; ++j) {
            const auto [r, c] = idx[j];
            const std::size_t i = std::size_t(c * k.x.p.rows + r);
            xs[j] = k.x.values[i];
            if (inputs == 2)
                gs[j] = k.dy.values[i];
            got[j] = got_at(r, c);
        }
        // (1) the same vector, contiguous, through the pointer form: the same bits
        std::vector<T> same(m);
        if (op == op_forward || op == op_forward_return)
            xact::forward(f, xs.data(), same.data(), m);
        else if (op == op_backward)
            xact::backward(f, xs.data(), gs.data(), same.data(), m);
        else
            xact::backward_from_output(f, xs.data(), gs.data(), same.data(), m);
        auto where = [&](std::size_t j) {
            return " (vector " + std::to_string(v) + " of " + std::to_string(vecs.size()) + ", entry " +
                   std::to_string(j) + " of " + std::to_string(m) + ")";
        };
        for (std::size_t j = 0; j < m; ++j)
            if (!same_bits(got[j], same[j]))
                k.rep.element(("not the bits of the contiguous pointer form" + where(j)).c_str(), "out",
                              idx[j].first, idx[j].second, xs[j], gs[j], got[j], report::describe(same[j]));
        // (2) the long double reference
        const std::vector<real> xr(xs.begin(), xs.end()), gr(gs.begin(), gs.end());
        bool x_nan = false, g_finite = true;
        real g_max = 0, g_abs = 0;
        for (std::size_t j = 0; j < m; ++j) {
            x_nan = x_nan || std::isnan(xs[j]);
            g_finite = g_finite && std::isfinite(gs[j]);
            g_max = std::max(g_max, std::fabs(gr[j]));
            g_abs += std::fabs(gr[j]);
        }
        if (op == op_forward || op == op_forward_return) {
            const auto ref = F::is_log ? xact_ref::log_softmax(xr, f.masked_zero()) : xact_ref::softmax(xr, f.masked_zero());
            for (std::size_t j = 0; j < m; ++j) {
                const double e = xact_test::ulp_error(got[j], ref[j]);
                if (!(e <= 4))
                    k.rep.element(("forward error above the bound" + where(j)).c_str(), "out", idx[j].first,
                                  idx[j].second, xs[j], gs[j], got[j], expected_text(same[j], ref[j], e, 4));
            }
            continue;
        }
        // backward: judged with finite, moderate dy (beyond, dy - <dy, y> may overflow in T)
        if (!g_finite || !(g_max * 4 * real(m + 1) < static_cast<real>(L::max())))
            continue;
        std::vector<real> ref(m), scale(m);
        if (op == op_backward) {
            ref = F::is_log ? xact_ref::log_softmax_vjp(xr, gr, f.masked_zero())
                            : xact_ref::softmax_vjp(xr, gr, f.masked_zero());
            scale = F::is_log ? xact_ref::log_softmax_vjp_scale(xr, gr, f.masked_zero())
                              : xact_ref::softmax_vjp_scale(xr, gr, f.masked_zero());
        } else {
            // from any y: softmax dx = y (dy - <dy, y>), log_softmax dx = dy - e^y sum(dy);
            // judged where y is what such a function returns (finite, and <= 0 for log)
            bool plausible = true;
            for (std::size_t j = 0; j < m; ++j)
                plausible = plausible && !std::isnan(xs[j]) &&
                            (F::is_log ? xs[j] <= 0 : (std::isfinite(xs[j]) && std::fabs(xs[j]) <= 1));
            if (!plausible)
                continue;
            real d = 0, d_abs = 0, s = 0;
            for (std::size_t j = 0; j < m; ++j) {
                d += xr[j] * gr[j];
                d_abs += std::fabs(xr[j] * gr[j]);
                s += gr[j];
            }
            for (std::size_t j = 0; j < m; ++j) {
                if (F::is_log) {
                    const real e = std::exp(xr[j]);
                    ref[j] = gr[j] - e * s;
                    scale[j] = std::fabs(gr[j]) + e * g_abs;
                } else {
                    ref[j] = xr[j] * (gr[j] - d);
                    scale[j] = std::fabs(xr[j]) * (std::fabs(gr[j]) + d_abs);
                }
            }
        }
        for (std::size_t j = 0; j < m; ++j) {
            if (std::isnan(ref[j]) || std::isnan(got[j])) {
                if (std::isnan(ref[j]) != std::isnan(got[j]))
                    k.rep.element(("NaN where the reference has none, or the reverse" + where(j)).c_str(), "dx",
                                  idx[j].first, idx[j].second, xs[j], gs[j], got[j],
                                  expected_text(same[j], ref[j], 0, 0));
                continue;
            }
            const real bound = 16 * eps * scale[j] + 8 * dmin * (1 + std::fabs(gr[j]) + g_abs);
            if (!(std::fabs(real(got[j]) - ref[j]) <= bound)) {
                std::ostringstream s;
                s.precision(21);
                s << report::describe(same[j]) << "; reference " << ref[j] << ", |error| "
                  << std::fabs(real(got[j]) - ref[j]) << " > bound " << bound << " (scale " << scale[j] << ")";
                k.rep.element(("backward error above the bound" + where(j)).c_str(), "dx", idx[j].first,
                              idx[j].second, xs[j], gs[j], got[j], s.str());
            }
        }
        // NaN in x: the whole vector is NaN (forward is covered by the reference)
        if (op == op_backward && x_nan)
            for (std::size_t j = 0; j < m; ++j)
                if (!std::isnan(got[j]))
                    k.rep.element(("NaN in x, not NaN out" + where(j)).c_str(), "dx", idx[j].first, idx[j].second,
                                  xs[j], gs[j], got[j], "NaN");
    }
    if (!returning)
        check_outside(k, *k.out.mem, k.out.mem == &k.bx ? k.saved_x : k.out.mem == &k.bg ? k.saved_g : k.saved_o,
                      {&k.out.p}, "out");
    if (k.out.mem != &k.bx) {
        std::size_t at = 0;
        if (!untouched(k.bx, k.saved_x, at))
            k.rep.fail("x's buffer was written at " + std::to_string(at));
    }
    if (inputs == 2 && k.out.mem != &k.bg && k.dy.mem == &k.bg) {
        std::size_t at = 0;
        if (!untouched(k.bg, k.saved_g, at))
            k.rep.fail("dy's buffer was written at " + std::to_string(at));
    }
}

// ---- dispatch ------------------------------------------------------------------------------------

template <class T>
void run_typed(header& h, const std::uint8_t* rest, std::size_t rest_size)
{
    const value_source<T> vs{rest, rest_size, h.encoding};
    const double p = parameter(h.param_kind, h.param_raw, 0);
    xact::options o = xact::options::none;
    if (h.masked)
        o = o | xact::masked_zero;
    if (h.rowwise)
        o = o | xact::rowwise;
    switch (h.fn) {
    case f_relu: return run_elementwise<T>(h, xact::relu{}, vs);
    case f_leaky_relu: return run_elementwise<T>(h, xact::leaky_relu(p), vs);
    case f_prelu: {
        // bit 0: one alpha; else one per channel: x's rows (Eigen) or 1..16 channels
        // (pointers); an error may make it one entry too many or too few
        std::size_t c = 1;
        if (h.channels_sel & 1) {
            if (is_pointer(h.in_layout)) {
                c = 1 + (h.channels_sel >> 1) % 16;
            } else {
                Index rows = 0, cols = 0;
                shape_of(h.in_layout, h.n, h.rows_sel, rows, cols);
                c = std::size_t(rows);
                if (h.error == err_param_size && h.op != op_parameter)
                    c = (h.error_sel & 2) && c > 0 ? c - 1 : c + 1;
            }
        }
        std::vector<double> alphas(c);
        for (std::size_t i = 0; i < c; ++i)
            alphas[i] = parameter(h.param_kind, h.param_raw, unsigned(i));
        return run_elementwise<T>(h, xact::prelu(alphas), vs);
    }
    case f_elu: return run_elementwise<T>(h, xact::elu(p), vs);
    case f_gelu: return run_elementwise<T>(h, xact::gelu{}, vs);
    case f_gelu_tanh: return run_elementwise<T>(h, xact::gelu_tanh{}, vs);
    case f_sigmoid: return run_elementwise<T>(h, xact::sigmoid{}, vs);
    case f_tanh: return run_elementwise<T>(h, xact::tanh{}, vs);
    case f_swish: return run_elementwise<T>(h, xact::swish(p), vs);
    case f_silu: return run_elementwise<T>(h, xact::silu{}, vs);
    case f_softmax: return run_softmax<T>(h, xact::softmax(o), vs);
    case f_log_softmax: return run_softmax<T>(h, xact::log_softmax(o), vs);
    }
}

// The bytes through run_typed<T> when they ask for T.
template <class T>
void run_bytes(const std::uint8_t* data, std::size_t size)
{
    byte_reader in{data, size};
    header h = read_header(in);
    if (h.is_double != std::is_same_v<T, double>)
        return;
    const std::size_t used = std::min<std::size_t>(in.i, size);
    run_typed<T>(h, data + used, size - used);
}

} // namespace

// One scalar type per translation unit where XACT_FUZZ_TYPE is 1 (float) or 2 (double): the
// two instantiate everything once each and compile in parallel (scripts/fuzz). Without it this
// file holds both. fuzz_main.cpp is the entry point.
#if !defined(XACT_FUZZ_TYPE) || XACT_FUZZ_TYPE == 1
void xact_fuzz_float(const std::uint8_t* data, std::size_t size) { run_bytes<float>(data, size); }
#endif
#if !defined(XACT_FUZZ_TYPE) || XACT_FUZZ_TYPE == 2
void xact_fuzz_double(const std::uint8_t* data, std::size_t size) { run_bytes<double>(data, size); }
#endif
