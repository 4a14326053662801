// PyTorch (Debian's libtorch 1.13, ATen CPU kernels): the *_out variants writing into tensors
// made by at::from_blob over the caller's buffers, so the timed call allocates nothing (except
// where an op has no true out variant, noted). One intra-op and one inter-op thread, inference
// mode (no autograd bookkeeping).
#include "peers/peers.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/api/include/torch/version.h>

#include <memory>
#include <string>

namespace xact_bench {

namespace {

// The tensors of one problem, vectors x length, over the problem's buffers.
struct tensors {
    at::Tensor x, y, dy, out, d_param, weight;
    at::Tensor b, out2;             // the gated units' second half and its gradient
    at::Tensor scratch, joined;     // set up by some ops outside the timed call
    at::Tensor result;              // an op without an out= variant leaves its result here
    at::Tensor flat_x, flat_dy, flat_out; // 1-D views, for prelu (whose out= resizes otherwise)
};

template <class T>
std::shared_ptr<tensors> wrap(const problem<T>& p)
{
    const auto options = at::TensorOptions().dtype(c10::CppTypeToScalarType<T>::value);
    const std::vector<int64_t> shape{static_cast<int64_t>(p.vectors), static_cast<int64_t>(p.length)};
    auto t = std::make_shared<tensors>();
    auto blob = [&](const T* data) { return at::from_blob(const_cast<T*>(data), shape, options); };
    t->x = blob(p.x);
    if (p.y)
        t->y = blob(p.y);
    t->dy = blob(p.dy);
    t->out = blob(p.out);
    if (p.d_param)
        t->d_param = at::from_blob(p.d_param, {1}, options);
    if (p.b)
        t->b = blob(p.b);
    if (p.out2)
        t->out2 = blob(p.out2);
    t->weight = at::full({1}, prelu_alpha, options);
    t->flat_x = t->x.view({-1});
    t->flat_dy = t->dy.view({-1});
    t->flat_out = t->out.view({-1});
    return t;
}

// Registers `op(tensors&)` for float and double under (function, direction); `setup(tensors&)`
// runs once before the timing, `finish(tensors&)` once after (to copy t.result into t.out).
template <class Op, class Setup, class Finish>
void add(registry& r, const char* function, direction d, Op op, Setup setup, Finish finish)
{
    r.add_both("torch", function, d, [op, setup, finish](auto type) {
        using T = decltype(type);
        return [op, setup, finish](const problem<T>& p) {
            auto t = wrap(p);
            {
                c10::InferenceMode guard;
                setup(*t);
            }
            return prepared{[op, t] {
                                c10::InferenceMode guard;
                                op(*t);
                            },
                            [finish, t] { finish(*t); }};
        };
    });
}

template <class Op>
void add(registry& r, const char* function, direction d, Op op)
{
    add(r, function, d, op, [](tensors&) {}, [](tensors&) {});
}

// A gated unit as a PyTorch user writes it: the activation into a scratch tensor, then the product.
template <class Act>
void add_gated_composite(registry& r, const char* function, Act act)
{
    add(
        r, function, direction::forward,
        [act](tensors& t) {
            act(t.scratch, t.x);
            at::mul_out(t.out, t.scratch, t.b);
        },
        [](tensors& t) { t.scratch = at::empty_like(t.x); }, [](tensors&) {});
}

} // namespace

void register_torch(registry& r)
{
    at::set_num_threads(1);
    try {
        at::set_num_interop_threads(1);
    } catch (const c10::Error&) {
        // Already set (it can be set once): the inter-op pool is not used by these ops anyway.
    }
    using f = direction;
    const double leak = leaky_relu_alpha, elu_a = elu_alpha;

    add(r, "relu", f::forward, [](tensors& t) { at::relu_out(t.out, t.x); });
    add(r, "relu", f::backward, [](tensors& t) { at::threshold_backward_out(t.out, t.dy, t.x, 0); });
    add(r, "relu", f::backward_from_output, [](tensors& t) { at::threshold_backward_out(t.out, t.dy, t.y, 0); });

    add(r, "leaky_relu", f::forward, [leak](tensors& t) { at::leaky_relu_out(t.out, t.x, leak); });
    add(r, "leaky_relu", f::backward,
        [leak](tensors& t) { at::leaky_relu_backward_out(t.out, t.dy, t.x, leak, false); });
    add(r, "leaky_relu", f::backward_from_output,
        [leak](tensors& t) { at::leaky_relu_backward_out(t.out, t.dy, t.y, leak, true); });

    // prelu_out is a composite op in 1.13: it computes into a new tensor and copies.
    add(r, "prelu", f::forward, [](tensors& t) { at::prelu_out(t.flat_out, t.flat_x, t.weight); });
    add(r, "prelu", f::backward_parameter,
        [](tensors& t) { at::prelu_backward_out(t.flat_out, t.d_param, t.flat_dy, t.flat_x, t.weight); });

    add(r, "elu", f::forward, [elu_a](tensors& t) { at::elu_out(t.out, t.x, elu_a, 1, 1); });
    add(r, "elu", f::backward, [elu_a](tensors& t) { at::elu_backward_out(t.out, t.dy, elu_a, 1, 1, false, t.x); });
    add(r, "elu", f::backward_from_output,
        [elu_a](tensors& t) { at::elu_backward_out(t.out, t.dy, elu_a, 1, 1, true, t.y); });

    add(r, "gelu", f::forward, [](tensors& t) { at::gelu_out(t.out, t.x, "none"); });
    add(r, "gelu", f::backward, [](tensors& t) { at::gelu_backward_out(t.out, t.dy, t.x, "none"); });
    add(r, "gelu_tanh", f::forward, [](tensors& t) { at::gelu_out(t.out, t.x, "tanh"); });
    add(r, "gelu_tanh", f::backward, [](tensors& t) { at::gelu_backward_out(t.out, t.dy, t.x, "tanh"); });

    add(r, "sigmoid", f::forward, [](tensors& t) { at::sigmoid_out(t.out, t.x); });
    add(r, "sigmoid", f::backward_from_output, [](tensors& t) { at::sigmoid_backward_out(t.out, t.dy, t.y); });
    add(r, "tanh", f::forward, [](tensors& t) { at::tanh_out(t.out, t.x); });
    add(r, "tanh", f::backward_from_output, [](tensors& t) { at::tanh_backward_out(t.out, t.dy, t.y); });

    add(r, "silu", f::forward, [](tensors& t) { at::silu_out(t.out, t.x); });
    add(r, "silu", f::backward, [](tensors& t) { at::silu_backward_out(t.out, t.dy, t.x); });

    add(r, "softmax", f::forward, [](tensors& t) { at::_softmax_out(t.out, t.x, 1, false); });
    add(r, "softmax", f::backward_from_output,
        [](tensors& t) { at::_softmax_backward_data_out(t.out, t.dy, t.y, 1, t.x.scalar_type()); });
    add(r, "log_softmax", f::forward, [](tensors& t) { at::_log_softmax_out(t.out, t.x, 1, false); });
    add(r, "log_softmax", f::backward_from_output,
        [](tensors& t) { at::_log_softmax_backward_data_out(t.out, t.dy, t.y, 1, t.x.scalar_type()); });

    // selu and celu are elu with scales, as ATen itself computes them.
    const double selu_alpha = 1.6732632423543772848, selu_scale = 1.0507009873554804934;
    const double celu_a = celu_alpha, inv_celu = 1 / celu_alpha;
    add(r, "selu", f::forward, [=](tensors& t) { at::elu_out(t.out, t.x, selu_alpha, selu_scale, 1); });
    add(r, "selu", f::backward,
        [=](tensors& t) { at::elu_backward_out(t.out, t.dy, selu_alpha, selu_scale, 1, false, t.x); });
    add(r, "selu", f::backward_from_output,
        [=](tensors& t) { at::elu_backward_out(t.out, t.dy, selu_alpha, selu_scale, 1, true, t.y); });
    add(r, "celu", f::forward, [=](tensors& t) { at::elu_out(t.out, t.x, celu_a, 1, inv_celu); });
    add(r, "celu", f::backward,
        [=](tensors& t) { at::elu_backward_out(t.out, t.dy, celu_a, 1, inv_celu, false, t.x); });
    add(r, "celu", f::backward_from_output,
        [=](tensors& t) { at::elu_backward_out(t.out, t.dy, celu_a, 1, inv_celu, true, t.y); });

    const double sp_beta = softplus_beta, sp_threshold = softplus_threshold;
    add(r, "softplus", f::forward, [=](tensors& t) { at::softplus_out(t.out, t.x, sp_beta, sp_threshold); });
    add(r, "softplus", f::backward,
        [=](tensors& t) { at::softplus_backward_out(t.out, t.dy, t.x, sp_beta, sp_threshold); });
    add(r, "log_sigmoid", f::forward, [](tensors& t) { at::log_sigmoid_out(t.out, t.x); });
    add(
        r, "log_sigmoid", f::backward, [](tensors& t) { at::log_sigmoid_backward_out(t.out, t.dy, t.x, t.scratch); },
        [](tensors& t) { t.scratch = std::get<1>(at::log_sigmoid_forward(t.x)); }, [](tensors&) {});
    add(r, "mish", f::forward, [](tensors& t) { at::mish_out(t.out, t.x); });
    add(
        r, "mish", f::backward, [](tensors& t) { t.result = at::mish_backward(t.dy, t.x); }, [](tensors&) {},
        [](tensors& t) { t.out.copy_(t.result); });
    add(r, "hard_sigmoid", f::forward, [](tensors& t) { at::hardsigmoid_out(t.out, t.x); });
    add(r, "hard_sigmoid", f::backward, [](tensors& t) { at::hardsigmoid_backward_out(t.out, t.dy, t.x); });
    add(r, "hard_swish", f::forward, [](tensors& t) { at::hardswish_out(t.out, t.x); });
    add(r, "hard_swish", f::backward, [](tensors& t) { at::hardswish_backward_out(t.out, t.dy, t.x); });
    add(r, "relu6", f::forward, [](tensors& t) { at::hardtanh_out(t.out, t.x, 0, 6); });
    add(r, "relu6", f::backward, [](tensors& t) { at::hardtanh_backward_out(t.out, t.dy, t.x, 0, 6); });
    const double lo = hard_tanh_min, hi = hard_tanh_max;
    add(r, "hard_tanh", f::forward, [=](tensors& t) { at::hardtanh_out(t.out, t.x, lo, hi); });
    add(r, "hard_tanh", f::backward, [=](tensors& t) { at::hardtanh_backward_out(t.out, t.dy, t.x, lo, hi); });

    // glu over [a; b] joined into one (2, n) tensor before the timing; its backward's (2, n)
    // gradient is split into da and db after.
    auto join = [](tensors& t) {
        t.joined = at::cat({t.x, t.b}, 0);
        t.scratch = at::empty_like(t.joined);
    };
    add(r, "glu", f::forward, [](tensors& t) { at::glu_out(t.out, t.joined, 0); }, join, [](tensors&) {});
    add(
        r, "glu", f::backward, [](tensors& t) { at::glu_backward_out(t.scratch, t.dy, t.joined, 0); }, join,
        [](tensors& t) {
            t.out.copy_(t.scratch.narrow(0, 0, 1));
            t.out2.copy_(t.scratch.narrow(0, 1, 1));
        });
    add_gated_composite(r, "reglu", [](at::Tensor& o, const at::Tensor& a) { at::relu_out(o, a); });
    add_gated_composite(r, "geglu", [](at::Tensor& o, const at::Tensor& a) { at::gelu_out(o, a, "none"); });
    add_gated_composite(r, "geglu_tanh", [](at::Tensor& o, const at::Tensor& a) { at::gelu_out(o, a, "tanh"); });
    add_gated_composite(r, "swiglu", [](at::Tensor& o, const at::Tensor& a) { at::silu_out(o, a); });

    r.note("torch " TORCH_VERSION
           ": no swish with beta != 1, quick_gelu or softsign; its sigmoid and tanh backward read the output; "
           "prelu forward and backward and mish backward allocate inside the timed call; reglu, geglu and swiglu "
           "forward are the activation then a product (no fused op), glu is its fused op on [a; b] joined");
}

} // namespace xact_bench
