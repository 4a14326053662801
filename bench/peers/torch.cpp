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
    t->weight = at::full({1}, prelu_alpha, options);
    t->flat_x = t->x.view({-1});
    t->flat_dy = t->dy.view({-1});
    t->flat_out = t->out.view({-1});
    return t;
}

// Registers `op(tensors&)` for float and double under (function, direction).
template <class Op>
void add(registry& r, const char* function, direction d, Op op)
{
    r.add_both("torch", function, d, [op](auto type) {
        using T = decltype(type);
        return [op](const problem<T>& p) {
            auto t = wrap(p);
            return prepared{[op, t] {
                                c10::InferenceMode guard;
                                op(*t);
                            },
                            {}};
        };
    });
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

    r.note("torch " TORCH_VERSION
           ": no swish with beta != 1; its sigmoid and tanh backward read the output; prelu forward and "
           "backward are composite ops that allocate inside the timed call");
}

} // namespace xact_bench
