// Runtime dispatch (the opt-in compiled target xact::dispatch): the operations' loops compiled
// once per SIMD architecture (sse2, avx2 with FMA, avx512 on x86; neon on ARM), the best one
// this CPU and OS run picked at first use. Linking xact::dispatch defines XACT_USE_DISPATCH for
// its users; xact::forward, derivative, backward and backward_from_output then hand float and
// double work to the picked kernels, behind the same signatures. Calls of a functor on a scalar
// (f(x)) and the parameter-gradient overloads of backward stay inline, compiled for the user's
// flags.
// The environment variable XACT_ARCH=sse2|avx2|avx512|neon forces one architecture; a value the
// library does not know, or one this CPU cannot run, is an error at first use, naming the value
// and the supported ones (std::invalid_argument; with XACT_NO_EXCEPTIONS, the message and abort).
//
// Deliberately depends on no other xact header: the library's per-architecture translation units
// include it before they include the rest of xact under another namespace name.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace xact::dispatch {

namespace detail {

// The functions with kernels (every functor of the library); silu runs swish's with beta = 1.
enum class function_id : unsigned {
    relu, leaky_relu, prelu, elu, gelu, gelu_tanh, sigmoid, tanh, swish, selu, celu, softplus, log_sigmoid, mish,
    hard_sigmoid, hard_swish, relu6, hard_tanh, softsign, quick_gelu, softmax, log_softmax, count
};
enum class operation_id : unsigned { forward, derivative, backward, backward_from_output, count };

inline constexpr std::size_t function_count = static_cast<std::size_t>(function_id::count);
inline constexpr std::size_t operation_count = static_cast<std::size_t>(operation_id::count);

// A strided 2-D block of memory, element (r, c) at data[r * sr + c * sc]: the engine's view
// without its type, so that every architecture's copy of the engine reads it alike.
template <class T>
struct plane {
    T* data;
    std::ptrdiff_t rows, cols, sr, sc;
    bool is_vector;
};

// What an operation needs besides its arrays: the names for messages and the functor's
// parameters (alpha, beta, softplus's beta and threshold, hard_tanh's bounds, or prelu's alphas;
// softmax's options).
struct call {
    const char* operation;
    const char* function;
    const double* parameters;
    std::size_t parameter_count;
    unsigned options;
};

// out = op(a[, b]) over whole arrays, after the caller's checks; b is unused by forward and
// derivative.
template <class T>
using kernel = void (*)(const call&, plane<const T> a, plane<const T> b, plane<T> out);

struct table {
    const char* arch;
    kernel<float> f32[function_count][operation_count];
    kernel<double> f64[function_count][operation_count];
};

// The table for this process, chosen once (thread-safe) from XACT_ARCH or the CPU; nullptr with
// `error` set to a message when XACT_ARCH is unknown or unsupported here.
const table* select_table(const char*& error) noexcept;

// select_table, reporting an error as the rest of xact does, under the caller's error policy.
inline const table& active_table()
{
    const char* error = nullptr;
    const table* t = select_table(error);
    if (t == nullptr) {
#if defined(XACT_NO_EXCEPTIONS)
        std::fprintf(stderr, "%s\n", error);
        std::abort();
#else
        throw std::invalid_argument(error);
#endif
    }
    return *t;
}

} // namespace detail

// The architecture the kernels run on ("sse2", "avx2", "avx512", "neon"): XACT_ARCH's value
// when set, else the best of supported_archs().
inline const char* active_arch() { return detail::active_table().arch; }

// The architectures built into the library that this CPU and OS can run, worst first.
std::vector<std::string> supported_archs();

// Every architecture built into the library, whether or not this CPU runs it, worst first.
std::vector<std::string> compiled_archs();

} // namespace xact::dispatch
