// One architecture's kernels: this file is compiled once per architecture, with that
// architecture's compiler flags and these definitions (cmake/xact_dispatch.cmake):
//   XACT_DISPATCH_ARCH           the name (sse2, avx2, avx512, neon)
//   XACT_DISPATCH_XSIMD_ARCH     the xsimd architecture those flags must give
// It defines xact::dispatch::detail::fill_table_<arch>, which fills a table with this
// architecture's copy of the header-only engine: the same code as a header-only build with the
// same flags, bit for bit.
//
// The xact headers are included with the token `xact` defined as xact_dispatch_<arch>, so every
// inline function and template of xact compiled here gets a name of its own. Without that,
// each architecture's copy of, say, xact::engine::transform<float, 1, ...> would carry the same
// mangled name, and the linker would keep one of them for all (wrong code, or an illegal
// instruction on a CPU without AVX-512). Only the identifier token is renamed: the strings in
// messages ("xact::forward(gelu): ...") and the XACT_ macros are other tokens.
#if defined(XACT_USE_DISPATCH)
#error "the kernels are the header-only operations; compiled with XACT_USE_DISPATCH they would call themselves"
#endif
#if !defined(XACT_DISPATCH_ARCH) || !defined(XACT_DISPATCH_XSIMD_ARCH)
#error "compile with -DXACT_DISPATCH_ARCH=<name> -DXACT_DISPATCH_XSIMD_ARCH=<xsimd architecture>"
#endif

// Everything the xact headers include from outside xact comes first, so that the renaming
// below reaches xact's own names only.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <xsimd/xsimd.hpp>

#include <xact/dispatch.hpp>

#define XACT_DISPATCH_PASTE2(a, b) a##b
#define XACT_DISPATCH_PASTE(a, b) XACT_DISPATCH_PASTE2(a, b)
#define XACT_DISPATCH_STRING2(a) #a
#define XACT_DISPATCH_STRING(a) XACT_DISPATCH_STRING2(a)

#define xact XACT_DISPATCH_PASTE(xact_dispatch_, XACT_DISPATCH_ARCH)
#include <xact/engine/operations.hpp>
#include <xact/functors/celu.hpp>
#include <xact/functors/elu.hpp>
#include <xact/functors/gelu.hpp>
#include <xact/functors/gelu_tanh.hpp>
#include <xact/functors/hard_sigmoid.hpp>
#include <xact/functors/hard_swish.hpp>
#include <xact/functors/hard_tanh.hpp>
#include <xact/functors/leaky_relu.hpp>
#include <xact/functors/log_sigmoid.hpp>
#include <xact/functors/mish.hpp>
#include <xact/functors/prelu.hpp>
#include <xact/functors/quick_gelu.hpp>
#include <xact/functors/relu.hpp>
#include <xact/functors/relu6.hpp>
#include <xact/functors/selu.hpp>
#include <xact/functors/sigmoid.hpp>
#include <xact/functors/softmax.hpp>
#include <xact/functors/softplus.hpp>
#include <xact/functors/softsign.hpp>
#include <xact/functors/swish.hpp>
#include <xact/functors/tanh.hpp>
#undef xact

namespace arch = XACT_DISPATCH_PASTE(xact_dispatch_, XACT_DISPATCH_ARCH);

// Flags that give another architecture than the one this file is named for (a global
// -march=native in CMAKE_CXX_FLAGS, say) would make the "sse2" kernels crash on an SSE2 CPU.
static_assert(std::is_same_v<xsimd::default_arch, XACT_DISPATCH_XSIMD_ARCH>,
              "xact::dispatch: the compiler flags of kernels.cpp give another SIMD architecture than "
              "XACT_DISPATCH_XSIMD_ARCH; remove global architecture flags (-march=...) from CMAKE_CXX_FLAGS");

namespace xact::dispatch::detail {

void XACT_DISPATCH_PASTE(fill_table_, XACT_DISPATCH_ARCH)(table& t);

namespace {

template <class T>
arch::engine::view<T> view_of(const plane<T>& p) noexcept
{
    return {p.data, p.rows, p.cols, p.sr, p.sc, p.is_vector};
}

// This architecture's functor for a call.
template <function_id Id>
auto make_functor(const call& c)
{
    const double p = c.parameter_count > 0 ? c.parameters[0] : 0.0;
    const double q = c.parameter_count > 1 ? c.parameters[1] : 0.0;
    if constexpr (Id == function_id::relu) return arch::relu{};
    else if constexpr (Id == function_id::leaky_relu) return arch::leaky_relu(p);
    else if constexpr (Id == function_id::prelu) return arch::prelu(c.parameters, c.parameters + c.parameter_count);
    else if constexpr (Id == function_id::elu) return arch::elu(p);
    else if constexpr (Id == function_id::gelu) return arch::gelu{};
    else if constexpr (Id == function_id::gelu_tanh) return arch::gelu_tanh{};
    else if constexpr (Id == function_id::sigmoid) return arch::sigmoid{};
    else if constexpr (Id == function_id::tanh) return arch::tanh{};
    else if constexpr (Id == function_id::swish) return arch::swish(p);
    else if constexpr (Id == function_id::selu) return arch::selu{};
    else if constexpr (Id == function_id::celu) return arch::celu(p);
    else if constexpr (Id == function_id::softplus) return arch::softplus(p, q);
    else if constexpr (Id == function_id::log_sigmoid) return arch::log_sigmoid{};
    else if constexpr (Id == function_id::mish) return arch::mish{};
    else if constexpr (Id == function_id::hard_sigmoid) return arch::hard_sigmoid{};
    else if constexpr (Id == function_id::hard_swish) return arch::hard_swish{};
    else if constexpr (Id == function_id::relu6) return arch::relu6{};
    else if constexpr (Id == function_id::hard_tanh) return arch::hard_tanh(p, q);
    else if constexpr (Id == function_id::softsign) return arch::softsign{};
    else if constexpr (Id == function_id::quick_gelu) return arch::quick_gelu{};
    else if constexpr (Id == function_id::softmax) return arch::softmax(static_cast<arch::options>(c.options));
    else return arch::log_softmax(static_cast<arch::options>(c.options));
}

template <function_id Id>
using functor_t = decltype(make_functor<Id>(std::declval<const call&>()));

// Whether the header-only operations accept this function in this direction.
template <function_id Id, operation_id Op>
constexpr bool exists() noexcept
{
    using F = functor_t<Id>;
    if constexpr (Op == operation_id::derivative)
        return !arch::engine::is_axis_v<F>;
    else if constexpr (Op == operation_id::backward_from_output)
        return arch::engine::has_output_derivative<F>::value || arch::engine::is_axis_v<F> ||
               arch::engine::is_channelwise_v<F>;
    else
        return true;
}

// The header-only operation itself: its checks pass again (the caller made them), then the
// same loops as in a header-only build.
template <function_id Id, operation_id Op, class T>
void run(const call& c, plane<const T> a, plane<const T> b, plane<T> out)
{
    const auto f = make_functor<Id>(c);
    const arch::engine::call_site site{c.operation, c.function};
    if constexpr (Op == operation_id::forward)
        arch::engine::forward(site, f, view_of(a), view_of(out));
    else if constexpr (Op == operation_id::derivative)
        arch::engine::derivative(site, f, view_of(a), view_of(out));
    else if constexpr (Op == operation_id::backward)
        arch::engine::backward(site, f, view_of(a), view_of(b), view_of(out));
    else
        arch::engine::backward_from_output(site, f, view_of(a), view_of(b), view_of(out));
}

// The kernel, or nullptr where the operation does not exist (never instantiated there).
template <function_id Id, operation_id Op, class T>
constexpr kernel<T> kernel_for() noexcept
{
    if constexpr (exists<Id, Op>())
        return &run<Id, Op, T>;
    else
        return nullptr;
}

template <class T, std::size_t Id, std::size_t... Op>
void fill_function(kernel<T> (&row)[operation_count], std::index_sequence<Op...>)
{
    ((row[Op] = kernel_for<static_cast<function_id>(Id), static_cast<operation_id>(Op), T>()), ...);
}

template <class T, std::size_t... Id>
void fill_functions(kernel<T> (&rows)[function_count][operation_count], std::index_sequence<Id...>)
{
    (fill_function<T, Id>(rows[Id], std::make_index_sequence<operation_count>{}), ...);
}

} // namespace

void XACT_DISPATCH_PASTE(fill_table_, XACT_DISPATCH_ARCH)(table& t)
{
    t.arch = XACT_DISPATCH_STRING(XACT_DISPATCH_ARCH);
    fill_functions<float>(t.f32, std::make_index_sequence<function_count>{});
    fill_functions<double>(t.f64, std::make_index_sequence<function_count>{});
}

} // namespace xact::dispatch::detail
