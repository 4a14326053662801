// oneDNN (Debian's libdnnl 2.6, OpenMP runtime): eltwise, softmax_v2 and prelu primitives on
// one thread. Primitives, memory objects and argument maps are made in `prepare`; the timed run
// is execute + wait.
#include "peers/peers.hpp"

#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>

#include <memory>
#include <string>
#include <unordered_map>

namespace xact_bench {

namespace {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;

struct context {
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
};

context& shared()
{
    static context c;
    return c;
}

// Registered for float only: oneDNN 2.6 has no f64 data type.
template <class T>
constexpr memory::data_type data_type = memory::data_type::f32;

// The problem as a vectors x length row-major tensor (one row per vector), over the caller's buffers.
template <class T>
memory::desc desc_of(const problem<T>& p)
{
    return memory::desc({static_cast<memory::dim>(p.vectors), static_cast<memory::dim>(p.length)}, data_type<T>,
                        memory::format_tag::ab);
}

template <class T>
memory wrap(const memory::desc& d, const T* data)
{
    return memory(d, shared().engine, const_cast<T*>(data)); // read-only in every use below
}

// A primitive with its arguments; the run is execute + wait.
prepared execute(dnnl::primitive prim, std::unordered_map<int, memory> args)
{
    auto state = std::make_shared<std::pair<dnnl::primitive, std::unordered_map<int, memory>>>(std::move(prim),
                                                                                               std::move(args));
    return {[state] {
                state->first.execute(shared().stream, state->second);
                shared().stream.wait();
            },
            {}};
}

// Creating a primitive descriptor throws dnnl::error when the CPU engine has no implementation.
template <class Make>
prepared guarded(const char* what, Make make)
{
    try {
        return make();
    } catch (const dnnl::error& e) {
        throw unsupported(std::string("onednn ") + what + ": " + e.what());
    }
}

// eltwise forward with `alg`, and backward from x (`alg`) or from y (`from_output`, a
// *_use_dst_for_bwd algorithm).
template <class T>
void add_eltwise(registry& r, const std::string& name, algorithm alg, float alpha, float beta, bool from_x,
                 algorithm from_output)
{
    r.add<T>("onednn", name, direction::forward, [=](const problem<T>& p) {
        return guarded("eltwise forward", [&] {
            const memory::desc d = desc_of(p);
            dnnl::eltwise_forward::primitive_desc pd({prop_kind::forward_inference, alg, d, alpha, beta},
                                                     shared().engine);
            return execute(dnnl::eltwise_forward(pd), {{DNNL_ARG_SRC, wrap(d, p.x)}, {DNNL_ARG_DST, wrap(d, p.out)}});
        });
    });
    auto backward = [=](algorithm a, bool use_dst) {
        return [=](const problem<T>& p) {
            return guarded("eltwise backward", [&] {
                const memory::desc d = desc_of(p);
                dnnl::eltwise_forward::primitive_desc hint({prop_kind::forward_training, a, d, alpha, beta},
                                                           shared().engine);
                dnnl::eltwise_backward::primitive_desc pd({a, d, d, alpha, beta}, shared().engine, hint);
                return execute(dnnl::eltwise_backward(pd), {{use_dst ? DNNL_ARG_DST : DNNL_ARG_SRC,
                                                             wrap(d, use_dst ? p.y : p.x)},
                                                            {DNNL_ARG_DIFF_DST, wrap(d, p.dy)},
                                                            {DNNL_ARG_DIFF_SRC, wrap(d, p.out)}});
            });
        };
    };
    if (from_x)
        r.add<T>("onednn", name, direction::backward, backward(alg, false));
    if (from_output != algorithm::undef)
        r.add<T>("onednn", name, direction::backward_from_output, backward(from_output, true));
}

// softmax_v2 over each vector (axis 1); its backward reads the forward output.
template <class T>
void add_softmax(registry& r, const std::string& name, algorithm alg)
{
    r.add<T>("onednn", name, direction::forward, [=](const problem<T>& p) {
        return guarded("softmax forward", [&] {
            const memory::desc d = desc_of(p);
            dnnl::softmax_v2_forward::primitive_desc pd({prop_kind::forward_inference, alg, d, d, 1}, shared().engine);
            return execute(dnnl::softmax_v2_forward(pd), {{DNNL_ARG_SRC, wrap(d, p.x)}, {DNNL_ARG_DST, wrap(d, p.out)}});
        });
    });
    r.add<T>("onednn", name, direction::backward_from_output, [=](const problem<T>& p) {
        return guarded("softmax backward", [&] {
            const memory::desc d = desc_of(p);
            dnnl::softmax_v2_forward::primitive_desc hint({prop_kind::forward_training, alg, d, d, 1}, shared().engine);
            dnnl::softmax_v2_backward::primitive_desc pd({alg, d, d, d, 1}, shared().engine, hint);
            return execute(dnnl::softmax_v2_backward(pd), {{DNNL_ARG_DST, wrap(d, p.y)},
                                                           {DNNL_ARG_DIFF_DST, wrap(d, p.dy)},
                                                           {DNNL_ARG_DIFF_SRC, wrap(d, p.out)}});
        });
    });
}

// prelu with one weight broadcast over every element; its backward also gives d weight.
template <class T>
void add_prelu(registry& r)
{
    struct weights {
        T alpha = T(prelu_alpha);
    };
    r.add<T>("onednn", "prelu", direction::forward, [](const problem<T>& p) {
        return guarded("prelu forward", [&] {
            const memory::desc d = desc_of(p), w({1, 1}, data_type<T>, memory::format_tag::ab);
            auto alpha = std::make_shared<weights>();
            dnnl::prelu_forward::primitive_desc pd({prop_kind::forward_inference, d, w}, shared().engine);
            prepared run = execute(dnnl::prelu_forward(pd), {{DNNL_ARG_SRC, wrap(d, p.x)},
                                                             {DNNL_ARG_WEIGHTS, wrap(w, &alpha->alpha)},
                                                             {DNNL_ARG_DST, wrap(d, p.out)}});
            run.finish = [alpha] {}; // keeps the weight alive as long as the run
            return run;
        });
    });
    r.add<T>("onednn", "prelu", direction::backward_parameter, [](const problem<T>& p) {
        return guarded("prelu backward", [&] {
            const memory::desc d = desc_of(p), w({1, 1}, data_type<T>, memory::format_tag::ab);
            auto alpha = std::make_shared<weights>();
            dnnl::prelu_forward::primitive_desc hint({prop_kind::forward_training, d, w}, shared().engine);
            dnnl::prelu_backward::primitive_desc pd({d, w, d, w}, shared().engine, hint);
            prepared run = execute(dnnl::prelu_backward(pd), {{DNNL_ARG_SRC, wrap(d, p.x)},
                                                              {DNNL_ARG_WEIGHTS, wrap(w, &alpha->alpha)},
                                                              {DNNL_ARG_DIFF_DST, wrap(d, p.dy)},
                                                              {DNNL_ARG_DIFF_SRC, wrap(d, p.out)},
                                                              {DNNL_ARG_DIFF_WEIGHTS, wrap(w, p.d_param)}});
            run.finish = [alpha] {};
            return run;
        });
    });
}

template <class T>
void add_all(registry& r)
{
    const float leak = float(leaky_relu_alpha), elu_a = float(elu_alpha), beta = float(swish_beta);
    add_eltwise<T>(r, "relu", algorithm::eltwise_relu, 0, 0, true, algorithm::eltwise_relu_use_dst_for_bwd);
    add_eltwise<T>(r, "leaky_relu", algorithm::eltwise_relu, leak, 0, true, algorithm::eltwise_relu_use_dst_for_bwd);
    add_eltwise<T>(r, "elu", algorithm::eltwise_elu, elu_a, 0, true, algorithm::eltwise_elu_use_dst_for_bwd);
    add_eltwise<T>(r, "gelu", algorithm::eltwise_gelu_erf, 0, 0, true, algorithm::undef);
    add_eltwise<T>(r, "gelu_tanh", algorithm::eltwise_gelu_tanh, 0, 0, true, algorithm::undef);
    add_eltwise<T>(r, "sigmoid", algorithm::eltwise_logistic, 0, 0, true, algorithm::eltwise_logistic_use_dst_for_bwd);
    add_eltwise<T>(r, "tanh", algorithm::eltwise_tanh, 0, 0, true, algorithm::eltwise_tanh_use_dst_for_bwd);
    add_eltwise<T>(r, "silu", algorithm::eltwise_swish, 1, 0, true, algorithm::undef);
    add_eltwise<T>(r, "swish", algorithm::eltwise_swish, beta, 0, true, algorithm::undef);
    add_eltwise<T>(r, "softplus", algorithm::eltwise_soft_relu, 0, 0, true, algorithm::undef); // beta 1 only
    add_eltwise<T>(r, "log_sigmoid", algorithm::eltwise_logsigmoid, 0, 0, true, algorithm::undef);
    add_eltwise<T>(r, "mish", algorithm::eltwise_mish, 0, 0, true, algorithm::undef);
    add_eltwise<T>(r, "hard_swish", algorithm::eltwise_hardswish, 0, 0, true, algorithm::undef);
    add_eltwise<T>(r, "relu6", algorithm::eltwise_clip_v2, 0, 6, true, algorithm::eltwise_clip_v2_use_dst_for_bwd);
    add_eltwise<T>(r, "hard_tanh", algorithm::eltwise_clip_v2, float(hard_tanh_min), float(hard_tanh_max), true,
                   algorithm::eltwise_clip_v2_use_dst_for_bwd);
    add_softmax<T>(r, "softmax", algorithm::softmax_accurate);
    add_softmax<T>(r, "log_softmax", algorithm::softmax_log);
    add_prelu<T>(r);
}

} // namespace

void register_onednn(registry& r)
{
    // Debian builds oneDNN with the OpenMP runtime: one OpenMP thread is one oneDNN thread.
    omp_set_num_threads(1);
    const dnnl::version_t* v = dnnl::version();
    const std::string version = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
    add_all<float>(r);
    r.note("onednn " + version + ": float only (its data types have no f64 in this version)");
}

} // namespace xact_bench
