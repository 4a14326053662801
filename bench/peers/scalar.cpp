// The baseline: the plain loop a user would write with <cmath>, left to the compiler's
// auto-vectorizer (which cannot vectorize the calls to exp, erf and tanh).
#include "peers/peers.hpp"

#include <algorithm>
#include <cmath>

namespace xact_bench {

namespace {

// An element-wise function from its scalar formulas f and f'.
template <class T, class Scalar, class ScalarDerivative>
void add_elementwise(registry& r, const char* name, Scalar fs, ScalarDerivative dfs)
{
    // Local copies of the formulas inside the loops, so that the compiler sees that writes
    // through the output cannot change their captured constants, as in a user's own loop.
    r.add<T>("scalar", name, direction::forward, [fs](const problem<T>& p) {
        return prepared{[fs, p] {
                            const Scalar f = fs;
                            for (std::size_t i = 0, n = p.size(); i < n; ++i)
                                p.out[i] = f(p.x[i]);
                        },
                        {}};
    });
    r.add<T>("scalar", name, direction::derivative, [dfs](const problem<T>& p) {
        return prepared{[dfs, p] {
                            const ScalarDerivative df = dfs;
                            for (std::size_t i = 0, n = p.size(); i < n; ++i)
                                p.out[i] = df(p.x[i]);
                        },
                        {}};
    });
    r.add<T>("scalar", name, direction::backward, [dfs](const problem<T>& p) {
        return prepared{[dfs, p] {
                            const ScalarDerivative df = dfs;
                            for (std::size_t i = 0, n = p.size(); i < n; ++i)
                                p.out[i] = p.dy[i] * df(p.x[i]);
                        },
                        {}};
    });
}

// The textbook softmax of one vector: subtract the maximum, exponentiate, divide by the sum.
template <class T>
void softmax(const T* x, T* y, std::size_t n)
{
    const T m = *std::max_element(x, x + n);
    T sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        y[i] = std::exp(x[i] - m);
        sum += y[i];
    }
    for (std::size_t i = 0; i < n; ++i)
        y[i] /= sum;
}

template <class T>
void log_softmax(const T* x, T* y, std::size_t n)
{
    const T m = *std::max_element(x, x + n);
    T sum = 0;
    for (std::size_t i = 0; i < n; ++i)
        sum += std::exp(x[i] - m);
    const T log_sum = std::log(sum);
    for (std::size_t i = 0; i < n; ++i)
        y[i] = x[i] - m - log_sum;
}

template <class T>
void softmax_backward(const T* x, const T* dy, T* dx, std::size_t n)
{
    softmax(x, dx, n); // dx = y (dy - <dy, y>)
    T dot = 0;
    for (std::size_t i = 0; i < n; ++i)
        dot += dy[i] * dx[i];
    for (std::size_t i = 0; i < n; ++i)
        dx[i] *= dy[i] - dot;
}

template <class T>
void log_softmax_backward(const T* x, const T* dy, T* dx, std::size_t n)
{
    softmax(x, dx, n); // dx = dy - softmax(x) sum(dy)
    T sum = 0;
    for (std::size_t i = 0; i < n; ++i)
        sum += dy[i];
    for (std::size_t i = 0; i < n; ++i)
        dx[i] = dy[i] - dx[i] * sum;
}

template <class T>
void add_axis(registry& r, const char* name, void (*forward)(const T*, T*, std::size_t),
              void (*backward)(const T*, const T*, T*, std::size_t))
{
    r.add<T>("scalar", name, direction::forward, [forward](const problem<T>& p) {
        return prepared{[forward, p] {
                            for (std::size_t v = 0; v < p.vectors; ++v)
                                forward(p.x + v * p.length, p.out + v * p.length, p.length);
                        },
                        {}};
    });
    r.add<T>("scalar", name, direction::backward, [backward](const problem<T>& p) {
        return prepared{[backward, p] {
                            for (std::size_t v = 0; v < p.vectors; ++v) {
                                const std::size_t o = v * p.length;
                                backward(p.x + o, p.dy + o, p.out + o, p.length);
                            }
                        },
                        {}};
    });
}

template <class T>
void add_all(registry& r)
{
    using std::exp;
    const T pi = T(3.14159265358979323846);
    const T sqrt2 = std::sqrt(T(2)), inv_sqrt_2pi = T(1) / std::sqrt(T(2) * pi);
    const T k = std::sqrt(T(2) / pi), c = T(0.044715);
    const T leak = T(leaky_relu_alpha), prelu_a = T(prelu_alpha), elu_a = T(elu_alpha), beta = T(swish_beta);
    const T celu_a = T(celu_alpha), sp_beta = T(softplus_beta), sp_threshold = T(softplus_threshold);
    const T lo = T(hard_tanh_min), hi = T(hard_tanh_max);
    const auto sigmoid = [](T x) { return T(1) / (T(1) + exp(-x)); };

    add_elementwise<T>(r, "relu", [](T x) { return x > 0 ? x : T(0); }, [](T x) { return x > 0 ? T(1) : T(0); });
    add_elementwise<T>(r, "leaky_relu", [=](T x) { return x > 0 ? x : leak * x; },
                       [=](T x) { return x > 0 ? T(1) : leak; });
    add_elementwise<T>(r, "prelu", [=](T x) { return x > 0 ? x : prelu_a * x; },
                       [=](T x) { return x > 0 ? T(1) : prelu_a; });
    add_elementwise<T>(r, "elu", [=](T x) { return x > 0 ? x : elu_a * (exp(x) - T(1)); },
                       [=](T x) { return x > 0 ? T(1) : elu_a * exp(x); });
    add_elementwise<T>(r, "gelu", [=](T x) { return T(0.5) * x * (T(1) + std::erf(x / sqrt2)); },
                       [=](T x) {
                           return T(0.5) * (T(1) + std::erf(x / sqrt2)) + x * inv_sqrt_2pi * exp(-x * x / T(2));
                       });
    add_elementwise<T>(r, "gelu_tanh", [=](T x) { return T(0.5) * x * (T(1) + std::tanh(k * (x + c * x * x * x))); },
                       [=](T x) {
                           const T t = std::tanh(k * (x + c * x * x * x));
                           return T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t * t) * k * (T(1) + T(3) * c * x * x);
                       });
    add_elementwise<T>(r, "sigmoid", sigmoid, [=](T x) {
        const T s = sigmoid(x);
        return s * (T(1) - s);
    });
    add_elementwise<T>(r, "tanh", [](T x) { return std::tanh(x); },
                       [](T x) {
                           const T t = std::tanh(x);
                           return T(1) - t * t;
                       });
    add_elementwise<T>(r, "silu", [=](T x) { return x * sigmoid(x); },
                       [=](T x) {
                           const T s = sigmoid(x);
                           return s * (T(1) + x * (T(1) - s));
                       });
    add_elementwise<T>(r, "swish", [=](T x) { return x * sigmoid(beta * x); },
                       [=](T x) {
                           const T s = sigmoid(beta * x);
                           return s + beta * x * s * (T(1) - s);
                       });
    add_elementwise<T>(r, "quick_gelu", [=](T x) { return x * sigmoid(T(1.702) * x); },
                       [=](T x) {
                           const T s = sigmoid(T(1.702) * x);
                           return s + T(1.702) * x * s * (T(1) - s);
                       });
    const T selu_alpha = T(1.6732632423543772848), selu_scale = T(1.0507009873554804934);
    add_elementwise<T>(r, "selu", [=](T x) { return x > 0 ? selu_scale * x : selu_scale * selu_alpha * (exp(x) - T(1)); },
                       [=](T x) { return x > 0 ? selu_scale : selu_scale * selu_alpha * exp(x); });
    add_elementwise<T>(r, "celu", [=](T x) { return x > 0 ? x : celu_a * (exp(x / celu_a) - T(1)); },
                       [=](T x) { return x > 0 ? T(1) : exp(x / celu_a); });
    add_elementwise<T>(r, "softplus",
                       [=](T x) { return sp_beta * x > sp_threshold ? x : std::log1p(exp(sp_beta * x)) / sp_beta; },
                       [=](T x) { return sp_beta * x > sp_threshold ? T(1) : sigmoid(sp_beta * x); });
    add_elementwise<T>(r, "log_sigmoid", [](T x) { return std::min(x, T(0)) - std::log1p(exp(-std::fabs(x))); },
                       [=](T x) { return sigmoid(-x); });
    add_elementwise<T>(r, "mish", [](T x) { return x * std::tanh(std::log1p(exp(x))); },
                       [=](T x) {
                           const T t = std::tanh(std::log1p(exp(x)));
                           return t + x * (T(1) - t * t) * sigmoid(x);
                       });
    add_elementwise<T>(r, "hard_sigmoid", [](T x) { return std::min(std::max(x + T(3), T(0)), T(6)) / T(6); },
                       [](T x) { return x > T(-3) && x < T(3) ? T(1) / T(6) : T(0); });
    add_elementwise<T>(r, "hard_swish", [](T x) { return x * std::min(std::max(x + T(3), T(0)), T(6)) / T(6); },
                       [](T x) { return x < T(-3) ? T(0) : x <= T(3) ? (T(2) * x + T(3)) / T(6) : T(1); });
    add_elementwise<T>(r, "relu6", [](T x) { return std::min(std::max(x, T(0)), T(6)); },
                       [](T x) { return x > 0 && x < T(6) ? T(1) : T(0); });
    add_elementwise<T>(r, "hard_tanh", [=](T x) { return std::min(std::max(x, lo), hi); },
                       [=](T x) { return x > lo && x < hi ? T(1) : T(0); });
    add_elementwise<T>(r, "softsign", [](T x) { return x / (T(1) + std::fabs(x)); },
                       [](T x) { return T(1) / ((T(1) + std::fabs(x)) * (T(1) + std::fabs(x))); });
    add_axis<T>(r, "softmax", softmax<T>, softmax_backward<T>);
    add_axis<T>(r, "log_softmax", log_softmax<T>, log_softmax_backward<T>);
}

} // namespace

void register_scalar(registry& r)
{
    add_all<float>(r);
    add_all<double>(r);
}

} // namespace xact_bench
