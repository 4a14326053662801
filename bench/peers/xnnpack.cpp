// XNNPACK (Debian's 2022-02 snapshot): f32 inference operators, forward only, with no thread
// pool (pthreadpool nullptr: the caller's thread). Operators are created and set up on the
// caller's buffers in `prepare`; the timed run is xnn_run_operator.
#include "peers/peers.hpp"

#include <xnnpack.h>

#include <functional>
#include <limits>
#include <memory>
#include <string>

namespace xact_bench {

namespace {

using creator = std::function<xnn_status(std::size_t channels, xnn_operator_t*)>;
using setup = xnn_status (*)(xnn_operator_t, std::size_t batch, const float*, float*, pthreadpool_t);

// An "nc" operator over the problem: element-wise ones see one channel and n rows (contiguous,
// so XNNPACK walks them as one stream); softmax sees `length` channels and `vectors` rows.
void add(registry& r, const char* name, bool per_vector, creator create, setup set)
{
    r.add<float>("xnnpack", name, direction::forward, [=](const problem<float>& p) {
        const std::size_t channels = per_vector ? p.length : 1, batch = per_vector ? p.vectors : p.size();
        xnn_operator_t op = nullptr;
        if (create(channels, &op) != xnn_status_success)
            throw unsupported(std::string("xnnpack ") + name + ": creating the operator failed");
        std::shared_ptr<xnn_operator> owner(op, xnn_delete_operator);
        if (set(op, batch, p.x, p.out, nullptr) != xnn_status_success)
            throw unsupported(std::string("xnnpack ") + name + ": setting up the operator failed");
        return prepared{[owner] { xnn_run_operator(owner.get(), nullptr); }, {}};
    });
}

} // namespace

void register_xnnpack(registry& r)
{
    if (xnn_initialize(nullptr) != xnn_status_success) {
        r.note("xnnpack: xnn_initialize failed (unsupported CPU?): its rows are skipped");
        return;
    }
    const float leak = float(leaky_relu_alpha), elu_a = float(elu_alpha);
    add(r, "relu", false,
        [](std::size_t c, xnn_operator_t* op) {
            return xnn_create_clamp_nc_f32(c, c, c, 0.0f, std::numeric_limits<float>::infinity(), 0, op);
        },
        xnn_setup_clamp_nc_f32);
    add(r, "leaky_relu", false,
        [leak](std::size_t c, xnn_operator_t* op) { return xnn_create_leaky_relu_nc_f32(c, c, c, leak, 0, op); },
        xnn_setup_leaky_relu_nc_f32);
    add(r, "elu", false,
        [elu_a](std::size_t c, xnn_operator_t* op) { return xnn_create_elu_nc_f32(c, c, c, elu_a, 0, op); },
        xnn_setup_elu_nc_f32);
    add(r, "sigmoid", false,
        [](std::size_t c, xnn_operator_t* op) { return xnn_create_sigmoid_nc_f32(c, c, c, 0, op); },
        xnn_setup_sigmoid_nc_f32);
    add(r, "hard_swish", false,
        [](std::size_t c, xnn_operator_t* op) { return xnn_create_hardswish_nc_f32(c, c, c, 0, op); },
        xnn_setup_hardswish_nc_f32);
    add(r, "softmax", true,
        [](std::size_t c, xnn_operator_t* op) { return xnn_create_softmax_nc_f32(c, c, c, 0, op); },
        xnn_setup_softmax_nc_f32);
    r.note("xnnpack (2022-02 snapshot): f32 forward only; it has no tanh, gelu, silu/swish or log_softmax operator "
           "and no backward");
}

} // namespace xact_bench
