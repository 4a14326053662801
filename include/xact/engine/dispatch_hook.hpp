// The one place the header-only operations meet runtime dispatch (xact/dispatch.hpp). Without
// XACT_USE_DISPATCH, dispatched() is a constant false and nothing changes. With it (programs
// linking xact::dispatch), the operations call dispatched() once their checks have passed, and
// the whole operation (every vector of softmax, every channel of prelu, contiguous or strided)
// runs in the kernels of the architecture picked at run time.
#pragma once

#include <type_traits>

#include "view.hpp"

#if defined(XACT_USE_DISPATCH)
#include "../dispatch.hpp"
#include "../functors/celu.hpp"
#include "../functors/elu.hpp"
#include "../functors/gelu.hpp"
#include "../functors/gelu_tanh.hpp"
#include "../functors/hard_sigmoid.hpp"
#include "../functors/hard_swish.hpp"
#include "../functors/hard_tanh.hpp"
#include "../functors/leaky_relu.hpp"
#include "../functors/log_sigmoid.hpp"
#include "../functors/mish.hpp"
#include "../functors/prelu.hpp"
#include "../functors/quick_gelu.hpp"
#include "../functors/relu.hpp"
#include "../functors/relu6.hpp"
#include "../functors/selu.hpp"
#include "../functors/sigmoid.hpp"
#include "../functors/softmax.hpp"
#include "../functors/softplus.hpp"
#include "../functors/softsign.hpp"
#include "../functors/swish.hpp"
#include "../functors/tanh.hpp"
#endif

namespace xact::engine {

#if defined(XACT_USE_DISPATCH)

namespace dispatch_detail {

using xact::dispatch::detail::function_id;

// The kernel row of a functor type; count for a functor the library does not know (a user's own),
// which then runs inline. silu derives from swish and runs its kernel (beta = 1).
template <class F>
constexpr function_id function_of() noexcept
{
    if constexpr (std::is_same_v<F, relu>) return function_id::relu;
    else if constexpr (std::is_same_v<F, leaky_relu>) return function_id::leaky_relu;
    else if constexpr (std::is_same_v<F, prelu>) return function_id::prelu;
    else if constexpr (std::is_same_v<F, elu>) return function_id::elu;
    else if constexpr (std::is_same_v<F, gelu>) return function_id::gelu;
    else if constexpr (std::is_same_v<F, gelu_tanh>) return function_id::gelu_tanh;
    else if constexpr (std::is_same_v<F, sigmoid>) return function_id::sigmoid;
    else if constexpr (std::is_same_v<F, xact::tanh>) return function_id::tanh;
    else if constexpr (std::is_same_v<F, swish> || std::is_same_v<F, silu>) return function_id::swish;
    else if constexpr (std::is_same_v<F, selu>) return function_id::selu;
    else if constexpr (std::is_same_v<F, celu>) return function_id::celu;
    else if constexpr (std::is_same_v<F, softplus>) return function_id::softplus;
    else if constexpr (std::is_same_v<F, log_sigmoid>) return function_id::log_sigmoid;
    else if constexpr (std::is_same_v<F, mish>) return function_id::mish;
    else if constexpr (std::is_same_v<F, hard_sigmoid>) return function_id::hard_sigmoid;
    else if constexpr (std::is_same_v<F, hard_swish>) return function_id::hard_swish;
    else if constexpr (std::is_same_v<F, relu6>) return function_id::relu6;
    else if constexpr (std::is_same_v<F, hard_tanh>) return function_id::hard_tanh;
    else if constexpr (std::is_same_v<F, softsign>) return function_id::softsign;
    else if constexpr (std::is_same_v<F, quick_gelu>) return function_id::quick_gelu;
    else if constexpr (std::is_same_v<F, softmax>) return function_id::softmax;
    else if constexpr (std::is_same_v<F, log_softmax>) return function_id::log_softmax;
    else return function_id::count;
}

template <class T>
xact::dispatch::detail::plane<T> plane_of(const view<T>& v) noexcept
{
    return {v.data, v.rows, v.cols, v.sr, v.sc, v.is_vector};
}

} // namespace dispatch_detail

template <class F, class T>
bool dispatched(xact::dispatch::detail::operation_id op, const call_site& site, const F& f, const view<const T>& a,
                const view<const T>& b, const view<T>& out)
{
    constexpr auto id = dispatch_detail::function_of<F>();
    if constexpr (id == dispatch_detail::function_id::count) {
        return false;
    } else {
        xact::dispatch::detail::call c{site.operation, site.function, nullptr, 0, 0};
        double parameters[2] = {0, 0};
        if constexpr (std::is_same_v<F, prelu>) {
            c.parameters = f.alpha.data();
            c.parameter_count = f.alpha.size();
        } else if constexpr (std::is_same_v<F, leaky_relu> || std::is_same_v<F, elu> || std::is_same_v<F, celu>) {
            parameters[0] = f.alpha;
        } else if constexpr (std::is_base_of_v<swish, F>) {
            parameters[0] = f.beta;
        } else if constexpr (std::is_same_v<F, softplus>) {
            parameters[0] = f.beta;
            parameters[1] = f.threshold;
        } else if constexpr (std::is_same_v<F, hard_tanh>) {
            parameters[0] = f.min_val;
            parameters[1] = f.max_val;
        } else if constexpr (id == dispatch_detail::function_id::softmax ||
                             id == dispatch_detail::function_id::log_softmax) {
            c.options = static_cast<unsigned>(f.opts);
        }
        if (c.parameters == nullptr) {
            c.parameters = parameters;
            c.parameter_count = 2;
        }
        const auto& t = xact::dispatch::detail::active_table();
        const auto row = static_cast<std::size_t>(id), col = static_cast<std::size_t>(op);
        if constexpr (std::is_same_v<T, float>)
            t.f32[row][col](c, dispatch_detail::plane_of(a), dispatch_detail::plane_of(b), dispatch_detail::plane_of(out));
        else
            t.f64[row][col](c, dispatch_detail::plane_of(a), dispatch_detail::plane_of(b), dispatch_detail::plane_of(out));
        return true;
    }
}

#define XACT_DISPATCHED(op, site, f, a, b, out) \
    ::xact::engine::dispatched(::xact::dispatch::detail::operation_id::op, site, f, a, b, out)

#else

#define XACT_DISPATCHED(op, site, f, a, b, out) false

#endif

} // namespace xact::engine
