// xact itself, through its pointer API, registered like the peers.
#include "peers/peers.hpp"

#include <xact/xact.hpp>

#include <type_traits>

namespace xact_bench {

namespace {

template <class T, class F>
void add_elementwise(registry& r, const F& f)
{
    r.add<T>("xact", F::name, direction::forward, [f](const problem<T>& p) {
        return prepared{[f, p] { xact::forward(f, p.x, p.out, p.size()); }, {}};
    });
    r.add<T>("xact", F::name, direction::derivative, [f](const problem<T>& p) {
        return prepared{[f, p] { xact::derivative(f, p.x, p.out, p.size()); }, {}};
    });
    r.add<T>("xact", F::name, direction::backward, [f](const problem<T>& p) {
        return prepared{[f, p] { xact::backward(f, p.x, p.dy, p.out, p.size()); }, {}};
    });
    if constexpr (xact::engine::has_output_derivative<F>::value || xact::engine::is_channelwise_v<F>)
        r.add<T>("xact", F::name, direction::backward_from_output, [f](const problem<T>& p) {
            return prepared{[f, p] { xact::backward_from_output(f, p.y, p.dy, p.out, p.size()); }, {}};
        });
    if constexpr (std::is_same_v<F, xact::elu> || std::is_same_v<F, xact::swish> || std::is_same_v<F, xact::prelu>)
        r.add<T>("xact", F::name, direction::backward_parameter, [f](const problem<T>& p) {
            if constexpr (std::is_same_v<F, xact::prelu>)
                return prepared{[f, p] { xact::backward(f, p.x, p.dy, p.out, p.size(), p.d_param); }, {}};
            else
                return prepared{[f, p] { xact::backward(f, p.x, p.dy, p.out, p.size(), *p.d_param); }, {}};
        });
}

// softmax / log_softmax: each vector is a column of a length x vectors column-major block.
template <class T, class F>
void add_axis(registry& r, const F& f)
{
    r.add<T>("xact", F::name, direction::forward, [f](const problem<T>& p) {
        return prepared{[f, p] { xact::forward(f, p.x, p.out, p.length, p.vectors); }, {}};
    });
    r.add<T>("xact", F::name, direction::backward, [f](const problem<T>& p) {
        return prepared{[f, p] { xact::backward(f, p.x, p.dy, p.out, p.length, p.vectors); }, {}};
    });
    r.add<T>("xact", F::name, direction::backward_from_output, [f](const problem<T>& p) {
        return prepared{[f, p] { xact::backward_from_output(f, p.y, p.dy, p.out, p.length, p.vectors); }, {}};
    });
}

template <class T>
void add_all(registry& r)
{
    add_elementwise<T>(r, xact::relu{});
    add_elementwise<T>(r, xact::leaky_relu{leaky_relu_alpha});
    add_elementwise<T>(r, xact::prelu{prelu_alpha});
    add_elementwise<T>(r, xact::elu{elu_alpha});
    add_elementwise<T>(r, xact::gelu{});
    add_elementwise<T>(r, xact::gelu_tanh{});
    add_elementwise<T>(r, xact::sigmoid{});
    add_elementwise<T>(r, xact::tanh{});
    add_elementwise<T>(r, xact::silu{});
    add_elementwise<T>(r, xact::swish{swish_beta});
    add_axis<T>(r, xact::softmax{});
    add_axis<T>(r, xact::log_softmax{});
}

} // namespace

void register_xact(registry& r)
{
    add_all<float>(r);
    add_all<double>(r);
}

} // namespace xact_bench
