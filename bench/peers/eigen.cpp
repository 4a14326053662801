// The baseline a user of Eigen would write: an array expression over mapped buffers, which
// Eigen vectorizes with its own packet math (exp, tanh, logistic, erf).
#include "peers/peers.hpp"

#include <Eigen/Core>
#include <unsupported/Eigen/SpecialFunctions>

namespace xact_bench {

namespace {

template <class T>
using array = Eigen::Array<T, Eigen::Dynamic, 1>;
template <class T>
using in_map = Eigen::Map<const array<T>, Eigen::Aligned64>;
template <class T>
using out_map = Eigen::Map<array<T>, Eigen::Aligned64>;

// forward: out = f(x); backward: out = dx(x, dy). Both take maps and return an expression.
template <class T, class Forward, class Backward>
void add_elementwise(registry& r, const char* name, Forward f, Backward b)
{
    r.add<T>("eigen", name, direction::forward, [f](const problem<T>& p) {
        const auto n = static_cast<Eigen::Index>(p.size());
        return prepared{[f, p, n] { out_map<T>(p.out, n) = f(in_map<T>(p.x, n)); }, {}};
    });
    r.add<T>("eigen", name, direction::backward, [b](const problem<T>& p) {
        const auto n = static_cast<Eigen::Index>(p.size());
        return prepared{[b, p, n] { out_map<T>(p.out, n) = b(in_map<T>(p.x, n), in_map<T>(p.dy, n)); }, {}};
    });
}

// A gated unit's forward: out = g(a, b), a = x and b the second half.
template <class T, class Forward>
void add_gated(registry& r, const char* name, Forward f)
{
    r.add<T>("eigen", name, direction::forward, [f](const problem<T>& p) {
        const auto n = static_cast<Eigen::Index>(p.size());
        return prepared{[f, p, n] { out_map<T>(p.out, n) = f(in_map<T>(p.x, n), in_map<T>(p.b, n)); }, {}};
    });
}

template <class T>
using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

// softmax over the columns of a length x vectors block, the usual Eigen idiom.
template <class T, bool log>
void add_softmax(registry& r, const char* name)
{
    r.add<T>("eigen", name, direction::forward, [](const problem<T>& p) {
        const auto rows = static_cast<Eigen::Index>(p.length), cols = static_cast<Eigen::Index>(p.vectors);
        return prepared{[p, rows, cols] {
                            Eigen::Map<const matrix<T>> x(p.x, rows, cols);
                            Eigen::Map<matrix<T>> y(p.out, rows, cols);
                            for (Eigen::Index j = 0; j < cols; ++j) {
                                const T m = x.col(j).maxCoeff();
                                if constexpr (log) {
                                    const T log_sum = std::log((x.col(j).array() - m).exp().sum());
                                    y.col(j).array() = x.col(j).array() - (m + log_sum);
                                } else {
                                    y.col(j).array() = (x.col(j).array() - m).exp();
                                    y.col(j) /= y.col(j).sum();
                                }
                            }
                        },
                        {}};
    });
}

template <class T>
void add_all(registry& r)
{
    using a = const in_map<T>&;
    const T leak = T(leaky_relu_alpha), prelu_a = T(prelu_alpha), elu_a = T(elu_alpha), beta = T(swish_beta);
    const T celu_a = T(celu_alpha), sp_beta = T(softplus_beta), sp_threshold = T(softplus_threshold);
    const T lo = T(hard_tanh_min), hi = T(hard_tanh_max);
    const T inv_sqrt2 = T(0.70710678118654752440), inv_sqrt_2pi = T(0.39894228040143267794);
    const T k = T(0.79788456080286535588), c = T(0.044715);

    add_elementwise<T>(
        r, "relu", [](a x) { return x.max(T(0)); }, [](a x, a dy) { return (x > T(0)).select(dy, T(0)); });
    add_elementwise<T>(
        r, "leaky_relu", [=](a x) { return (x > T(0)).select(x, leak * x); },
        [=](a x, a dy) { return (x > T(0)).select(dy, leak * dy); });
    add_elementwise<T>(
        r, "prelu", [=](a x) { return (x > T(0)).select(x, prelu_a * x); },
        [=](a x, a dy) { return (x > T(0)).select(dy, prelu_a * dy); });
    add_elementwise<T>(
        r, "elu", [=](a x) { return (x > T(0)).select(x, elu_a * x.expm1()); },
        [=](a x, a dy) { return (x > T(0)).select(dy, dy * elu_a * x.exp()); });
    add_elementwise<T>(
        r, "gelu", [=](a x) { return T(0.5) * x * (T(1) + (x * inv_sqrt2).erf()); },
        [=](a x, a dy) {
            return dy * (T(0.5) * (T(1) + (x * inv_sqrt2).erf()) + x * inv_sqrt_2pi * (T(-0.5) * x * x).exp());
        });
    add_elementwise<T>(
        r, "gelu_tanh", [=](a x) { return T(0.5) * x * (T(1) + (k * (x + c * x.cube())).tanh()); },
        [=](a x, a dy) {
            const auto t = (k * (x + c * x.cube())).tanh();
            return dy * (T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t.square()) * k * (T(1) + T(3) * c * x.square()));
        });
    add_elementwise<T>(
        r, "sigmoid", [](a x) { return x.logistic(); },
        [](a x, a dy) { return dy * x.logistic() * (T(1) - x.logistic()); });
    add_elementwise<T>(
        r, "tanh", [](a x) { return x.tanh(); }, [](a x, a dy) { return dy * (T(1) - x.tanh().square()); });
    add_elementwise<T>(
        r, "silu", [](a x) { return x * x.logistic(); },
        [](a x, a dy) { return dy * x.logistic() * (T(1) + x * (T(1) - x.logistic())); });
    add_elementwise<T>(
        r, "swish", [=](a x) { return x * (beta * x).logistic(); },
        [=](a x, a dy) {
            const auto s = (beta * x).logistic();
            return dy * (s + beta * x * s * (T(1) - s));
        });
    const T q = T(1.702);
    add_elementwise<T>(
        r, "quick_gelu", [=](a x) { return x * (q * x).logistic(); },
        [=](a x, a dy) {
            const auto s = (q * x).logistic();
            return dy * (s + q * x * s * (T(1) - s));
        });
    const T selu_alpha = T(1.6732632423543772848), selu_scale = T(1.0507009873554804934);
    add_elementwise<T>(
        r, "selu", [=](a x) { return selu_scale * (x > T(0)).select(x, selu_alpha * x.expm1()); },
        [=](a x, a dy) { return selu_scale * (x > T(0)).select(dy, dy * selu_alpha * x.exp()); });
    add_elementwise<T>(
        r, "celu", [=](a x) { return (x > T(0)).select(x, celu_a * (x / celu_a).expm1()); },
        [=](a x, a dy) { return (x > T(0)).select(dy, dy * (x / celu_a).exp()); });
    add_elementwise<T>(
        r, "softplus", [=](a x) { return (sp_beta * x > sp_threshold).select(x, (sp_beta * x).exp().log1p() / sp_beta); },
        [=](a x, a dy) { return (sp_beta * x > sp_threshold).select(dy, dy * (sp_beta * x).logistic()); });
    add_elementwise<T>(
        r, "log_sigmoid", [](a x) { return x.min(T(0)) - (-x.abs()).exp().log1p(); },
        [](a x, a dy) { return dy * (-x).logistic(); });
    add_elementwise<T>(
        r, "mish", [](a x) { return x * x.exp().log1p().tanh(); },
        [](a x, a dy) {
            const auto t = x.exp().log1p().tanh();
            return dy * (t + x * (T(1) - t.square()) * x.logistic());
        });
    add_elementwise<T>(
        r, "hard_sigmoid", [](a x) { return (x + T(3)).max(T(0)).min(T(6)) / T(6); },
        [](a x, a dy) { return (x > T(-3) && x < T(3)).select(dy / T(6), T(0)); });
    add_elementwise<T>(
        r, "hard_swish", [](a x) { return x * (x + T(3)).max(T(0)).min(T(6)) / T(6); },
        [](a x, a dy) {
            return (x < T(-3)).select(T(0), (x <= T(3)).select(dy * (T(2) * x + T(3)) / T(6), dy));
        });
    add_elementwise<T>(
        r, "relu6", [](a x) { return x.max(T(0)).min(T(6)); },
        [](a x, a dy) { return (x > T(0) && x < T(6)).select(dy, T(0)); });
    add_elementwise<T>(
        r, "hard_tanh", [=](a x) { return x.max(lo).min(hi); },
        [=](a x, a dy) { return (x > lo && x < hi).select(dy, T(0)); });
    add_elementwise<T>(
        r, "softsign", [](a x) { return x / (T(1) + x.abs()); },
        [](a x, a dy) { return dy / (T(1) + x.abs()).square(); });
    add_gated<T>(r, "glu", [](a x, a b) { return x * b.logistic(); });
    add_gated<T>(r, "reglu", [](a x, a b) { return x.max(T(0)) * b; });
    add_gated<T>(r, "geglu", [=](a x, a b) { return T(0.5) * x * (T(1) + (x * inv_sqrt2).erf()) * b; });
    add_gated<T>(r, "geglu_tanh", [=](a x, a b) { return T(0.5) * x * (T(1) + (k * (x + c * x.cube())).tanh()) * b; });
    add_gated<T>(r, "swiglu", [](a x, a b) { return x * x.logistic() * b; });
    add_softmax<T, false>(r, "softmax");
    add_softmax<T, true>(r, "log_softmax");
}

} // namespace

void register_eigen(registry& r)
{
    add_all<float>(r);
    add_all<double>(r);
}

} // namespace xact_bench
