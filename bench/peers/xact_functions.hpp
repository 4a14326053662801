// The xact functors xact-bench times, with the parameters every implementation uses (peers.hpp):
// one list for the one-thread rows (peers/xact.cpp) and the --threads rows (xact_bench.cpp).
#pragma once

#include "peers/peers.hpp"

#include <xact/glu.hpp>
#include <xact/xact.hpp>

namespace xact_bench {

// Calls visit(functor) for every element-wise and axis function, in the table's order.
template <class Visit>
void for_each_xact_function(Visit&& visit)
{
    visit(xact::relu{});
    visit(xact::leaky_relu{leaky_relu_alpha});
    visit(xact::prelu{prelu_alpha});
    visit(xact::elu{elu_alpha});
    visit(xact::gelu{});
    visit(xact::gelu_tanh{});
    visit(xact::sigmoid{});
    visit(xact::tanh{});
    visit(xact::silu{});
    visit(xact::swish{swish_beta});
    visit(xact::quick_gelu{});
    visit(xact::selu{});
    visit(xact::celu{celu_alpha});
    visit(xact::softplus{softplus_beta, softplus_threshold});
    visit(xact::log_sigmoid{});
    visit(xact::mish{});
    visit(xact::hard_sigmoid{});
    visit(xact::hard_swish{});
    visit(xact::relu6{});
    visit(xact::hard_tanh{hard_tanh_min, hard_tanh_max});
    visit(xact::softsign{});
    visit(xact::softmax{});
    visit(xact::log_softmax{});
}

// Calls visit(unit) for every gated linear unit (swiglu with beta = 1, as in LLaMA).
template <class Visit>
void for_each_xact_gated_unit(Visit&& visit)
{
    visit(xact::glu{});
    visit(xact::reglu{});
    visit(xact::geglu{});
    visit(xact::geglu_tanh{});
    visit(xact::swiglu{});
}

} // namespace xact_bench
