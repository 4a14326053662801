// xact itself, through its pointer API, registered like the peers; and, for the gated units,
// "xact-composed": the two passes a user would write without the fused operation.
#include "peers/xact_functions.hpp"

#include <memory>
#include <type_traits>
#include <vector>

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

// A gated unit, fused (xact) and composed of element-wise passes (xact-composed): forward
// t = act(z), y = t w; backward t = act(z), d_value = dy t and p = dy w in one loop, then
// d_gate = xact::backward(act, z, p) (the composition <xact/glu.hpp> equals bit for bit).
template <class T, class G>
void add_gated(registry& r, const G& g)
{
    r.add<T>("xact", G::name, direction::forward, [g](const problem<T>& p) {
        return prepared{[g, p] { xact::glu_forward(g, p.x, p.b, p.out, p.size()); }, {}};
    });
    r.add<T>("xact", G::name, direction::backward, [g](const problem<T>& p) {
        return prepared{[g, p] { xact::glu_backward(g, p.x, p.b, p.dy, p.out, p.out2, p.size()); }, {}};
    });
    // The halves' roles: z is activated, w gates it.
    struct roles {
        const T *z, *w;
        T *d_gate, *d_value;
    };
    auto roles_of = [](const problem<T>& p) {
        return G::gate_second ? roles{p.b, p.x, p.out2, p.out} : roles{p.x, p.b, p.out, p.out2};
    };
    r.add<T>("xact-composed", G::name, direction::forward, [g, roles_of](const problem<T>& p) {
        auto t = std::make_shared<std::vector<T>>(p.size());
        const roles q = roles_of(p);
        return prepared{[g, p, q, t] {
                            const std::size_t n = p.size();
                            T* tmp = t->data();
                            xact::forward(g.activation(), q.z, tmp, n);
                            for (std::size_t i = 0; i < n; ++i)
                                p.out[i] = tmp[i] * q.w[i];
                        },
                        {}};
    });
    r.add<T>("xact-composed", G::name, direction::backward, [g, roles_of](const problem<T>& p) {
        auto t = std::make_shared<std::vector<T>>(2 * p.size());
        const roles q = roles_of(p);
        return prepared{[g, p, q, t] {
                            const std::size_t n = p.size();
                            T *act = t->data(), *prod = t->data() + n;
                            xact::forward(g.activation(), q.z, act, n);
                            for (std::size_t i = 0; i < n; ++i) {
                                q.d_value[i] = p.dy[i] * act[i];
                                prod[i] = p.dy[i] * q.w[i];
                            }
                            xact::backward(g.activation(), q.z, prod, q.d_gate, n);
                        },
                        {}};
    });
}

template <class T>
void add_all(registry& r)
{
    for_each_xact_function([&r](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        if constexpr (xact::engine::is_axis_v<F>)
            add_axis<T>(r, f);
        else
            add_elementwise<T>(r, f);
    });
    for_each_xact_gated_unit([&r](const auto& g) { add_gated<T>(r, g); });
}

} // namespace

void register_xact(registry& r)
{
    add_all<float>(r);
    add_all<double>(r);
}

} // namespace xact_bench
