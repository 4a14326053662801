// A two-layer perceptron (one hidden layer of 64 by default) in plain Eigen, trained on two
// interleaved spirals, with xact for the hidden activation and the output softmax.
//
//   mlp [--activation NAME] [--epochs N] [--seed S] [--hidden W1,W2,...] [--lr R]
//       [--print-every K] [--min-accuracy A]
//
// NAME: any element-wise activation of xact by its name (default gelu), or a gated linear unit
// (glu, reglu, geglu, geglu_tanh, swiglu); usage lists them. The parameterised ones take their
// defaults, except prelu: one alpha per hidden unit, from 0.25, learned with the weights through
// xact::backward's parameter-gradient overload. A gated unit doubles the rows of the layer
// before it: the layer makes [a; b] (2W rows) and xact::glu_forward gates them down to W.
// Data are column-per-sample, as xact expects: X is 2 x N, the logits are 2 x N, and
// xact::softmax normalises each column. Training is full-batch Adam on the cross-entropy.
// With --min-accuracy A (a fraction, or a percentage when A > 1) the program exits with
// status 1 unless the final training accuracy reaches A.
#include <xact/glu.hpp>
#include <xact/xact.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace {

using matrix = Eigen::MatrixXf;
using vector = Eigen::VectorXf;

constexpr double pi = 3.14159265358979323846;

// The activations selectable on the command line, by their xact names: one line each.
using activation = std::variant<
    xact::relu,
    xact::leaky_relu,
    xact::prelu,
    xact::elu,
    xact::gelu,
    xact::gelu_tanh,
    xact::sigmoid,
    xact::tanh,
    xact::swish,
    xact::silu,
    xact::quick_gelu,
    xact::selu,
    xact::celu,
    xact::relu6,
    xact::hard_tanh,
    xact::hard_sigmoid,
    xact::hard_swish,
    xact::softsign,
    xact::softplus,
    xact::log_sigmoid,
    xact::mish,
    xact::glu,
    xact::reglu,
    xact::geglu,
    xact::geglu_tanh,
    xact::swiglu>;

template <class... F>
std::optional<std::variant<F...>> find_activation(const std::string& name, std::variant<F...>*)
{
    std::optional<std::variant<F...>> found;
    ((name == F::name ? void(found = F{}) : void()), ...);
    return found;
}

template <class... F>
std::string activation_names(std::variant<F...>*)
{
    std::string names;
    ((names += (names.empty() ? "" : ", ") + std::string(F::name)), ...);
    return names;
}

// Reproducible everywhere: std::mt19937's sequence is fixed by the standard, the standard
// distributions are not, so uniform and normal numbers are made here.
class random_source {
public:
    explicit random_source(std::uint32_t seed) : engine_(seed) {}
    double uniform() { return (engine_() + 0.5) / 4294967296.0; } // (0, 1)
    double normal()                                              // Box-Muller
    {
        const double r = std::sqrt(-2.0 * std::log(uniform()));
        return r * std::cos(2.0 * pi * uniform());
    }

private:
    std::mt19937 engine_;
};

struct data_set {
    matrix x;                 // 2 x N points
    std::vector<int> label;   // N labels, 0 or 1
};

// Two spirals of 1.5 turns each, the second the first turned by pi, with Gaussian noise.
data_set two_spirals(int per_class, double noise, random_source& rng)
{
    const double turns = 1.5;
    data_set d{matrix(2, 2 * per_class), std::vector<int>(2 * per_class)};
    for (int c = 0; c < 2; ++c) {
        for (int i = 0; i < per_class; ++i) {
            const double t = (i + 0.5) / per_class;
            const double radius = 0.1 + 0.9 * t;
            const double angle = 2.0 * pi * turns * t + pi * c;
            const int j = c * per_class + i;
            d.x(0, j) = static_cast<float>(radius * std::cos(angle) + noise * rng.normal());
            d.x(1, j) = static_cast<float>(radius * std::sin(angle) + noise * rng.normal());
            d.label[j] = c;
        }
    }
    return d;
}

// One Adam step on parameters p with gradient g and moment estimates m, v.
template <class P, class G, class M>
void adam_update(P& p, const G& g, M& m, M& v, float lr, int step)
{
    const float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
    const float c1 = 1.0f - std::pow(beta1, static_cast<float>(step));
    const float c2 = 1.0f - std::pow(beta2, static_cast<float>(step));
    m = beta1 * m + (1.0f - beta1) * g;
    v = beta2 * v + (1.0f - beta2) * g.cwiseAbs2();
    p.array() -= lr * (m.array() / c1) / ((v.array() / c2).sqrt() + eps);
}

// A fully connected layer z = W a + b with its Adam state.
struct dense_layer {
    matrix w, dw, w_m, w_v;
    vector b, db, b_m, b_v;

    dense_layer(int inputs, int outputs, random_source& rng)
        : w(outputs, inputs), dw(outputs, inputs), w_m(matrix::Zero(outputs, inputs)),
          w_v(matrix::Zero(outputs, inputs)), b(vector::Zero(outputs)), db(outputs),
          b_m(vector::Zero(outputs)), b_v(vector::Zero(outputs))
    {
        const double scale = std::sqrt(2.0 / inputs); // He initialisation
        for (Eigen::Index k = 0; k < w.size(); ++k)
            w.data()[k] = static_cast<float>(scale * rng.normal());
    }

    // z = W a + b, one column per sample.
    void forward(const matrix& a, matrix& z) const
    {
        z.noalias() = w * a;
        z.colwise() += b;
    }

    // dL/dW and dL/db from the layer's input a and dL/dz.
    void gradients(const matrix& a, const matrix& dz)
    {
        dw.noalias() = dz * a.transpose();
        db = dz.rowwise().sum();
    }

    void adam_step(float lr, int step)
    {
        adam_update(w, dw, w_m, w_v, lr, step);
        adam_update(b, db, b_m, b_v, lr, step);
    }
};

// The activation of one hidden layer of `units` outputs: a = act(z), z with `widening` times as
// many rows as a (units x samples). Most have nothing to learn.
template <class Act, class = void>
struct hidden_activation {
    static constexpr int widening = 1;
    Act f;

    hidden_activation(const Act& act, int /*units*/) : f(act) {}
    void forward(const matrix& z, matrix& a) const { xact::forward(f, z, a); }
    void backward(const matrix& z, const matrix& da, matrix& dz) { xact::backward(f, z, da, dz); }
    void adam_step(float, int) {}
};

// A gated unit: z = [a; b] has 2 units rows, one pass each way over it.
template <class G>
struct hidden_activation<G, std::enable_if_t<xact::engine::is_gated_v<G>>> {
    static constexpr int widening = 2;
    G f;

    hidden_activation(const G& g, int /*units*/) : f(g) {}
    void forward(const matrix& z, matrix& a) const { xact::glu_forward(f, z, a); }
    void backward(const matrix& z, const matrix& da, matrix& dz) { xact::glu_backward(f, z, da, dz); }
    void adam_step(float, int) {}
};

// prelu: one alpha per hidden unit (per row of z, xact's channel), learned like the weights.
template <>
struct hidden_activation<xact::prelu> {
    static constexpr int widening = 1;
    xact::prelu f;
    vector alpha, d_alpha, m, v;

    hidden_activation(const xact::prelu&, int units)
        : f(std::vector<double>(units, 0.25)), alpha(vector::Constant(units, 0.25f)), d_alpha(units),
          m(vector::Zero(units)), v(vector::Zero(units))
    {
    }

    void forward(const matrix& z, matrix& a) const { xact::forward(f, z, a); }

    // dz = da * prelu'(z), and d_alpha[c] = sum over row c of da * min(z, 0).
    void backward(const matrix& z, const matrix& da, matrix& dz) { xact::backward(f, z, da, dz, d_alpha); }

    void adam_step(float lr, int step)
    {
        adam_update(alpha, d_alpha, m, v, lr, step);
        f.alpha.assign(alpha.data(), alpha.data() + alpha.size());
    }
};

struct options {
    std::string activation = "gelu";
    int epochs = 1000;
    std::uint32_t seed = 42;
    std::vector<int> hidden{64};
    float lr = 0.03f;
    int print_every = 100;
    double min_accuracy = -1.0;
};

struct result {
    double loss, accuracy;
};

template <class Act>
result train(const Act& act, const data_set& data, const options& opt)
{
    random_source rng(opt.seed + 1);
    std::vector<dense_layer> layers;
    int width = 2;
    for (int h : opt.hidden) {
        layers.emplace_back(width, h * hidden_activation<Act>::widening, rng);
        width = h;
    }
    layers.emplace_back(width, 2, rng);
    std::vector<hidden_activation<Act>> acts;
    for (int h : opt.hidden)
        acts.emplace_back(act, h);

    const auto n = data.x.cols();
    matrix onehot = matrix::Zero(2, n);
    for (Eigen::Index j = 0; j < n; ++j)
        onehot(data.label[j], j) = 1.0f;

    // Layer k maps a[k] to z[k]; a[k + 1] = act(z[k]); the last z holds the logits. The
    // buffers are sized once: xact writes into outputs that already have the input's shape.
    const std::size_t depth = layers.size();
    std::vector<matrix> z(depth), a(depth), dz(depth), da(depth);
    a[0] = data.x;
    for (std::size_t k = 0; k < depth; ++k) {
        z[k].resize(layers[k].w.rows(), n);
        dz[k].resizeLike(z[k]);
        if (k > 0)
            da[k].resizeLike(a[k]); // dL/da, not needed for the input a[0]
        if (k + 1 < depth)
            a[k + 1].resize(opt.hidden[k], n);
    }
    matrix probabilities(2, n);

    result r{0, 0};
    for (int epoch = 1; epoch <= opt.epochs; ++epoch) {
        for (std::size_t k = 0; k < depth; ++k) {
            layers[k].forward(a[k], z[k]);
            if (k + 1 < depth)
                acts[k].forward(z[k], a[k + 1]); // a = act(z)
        }
        xact::forward(xact::softmax{}, z.back(), probabilities); // each column sums to 1

        int correct = 0;
        double loss = 0;
        for (Eigen::Index j = 0; j < n; ++j) {
            Eigen::Index predicted;
            probabilities.col(j).maxCoeff(&predicted);
            correct += predicted == data.label[j];
            loss -= std::log(std::max(probabilities(data.label[j], j), 1e-30f));
        }
        r = {loss / n, static_cast<double>(correct) / n};
        if (epoch == 1 || epoch % opt.print_every == 0 || epoch == opt.epochs)
            std::printf("epoch %5d  loss %.4f  accuracy %6.2f%%\n", epoch, r.loss, 100 * r.accuracy);

        // Softmax followed by the mean cross-entropy: dL/dlogits = (p - onehot) / n.
        dz.back() = (probabilities - onehot) / static_cast<float>(n);
        for (std::size_t k = depth; k-- > 0;) {
            layers[k].gradients(a[k], dz[k]);
            if (k > 0) {
                da[k].noalias() = layers[k].w.transpose() * dz[k];
                acts[k - 1].backward(z[k - 1], da[k], dz[k - 1]); // dz = da * act'(z)
            }
        }
        for (auto& layer : layers)
            layer.adam_step(opt.lr, epoch);
        for (auto& h : acts)
            h.adam_step(opt.lr, epoch);
    }
    if constexpr (std::is_same_v<Act, xact::prelu>)
        for (std::size_t k = 0; k < acts.size(); ++k)
            std::printf("hidden layer %zu: prelu alpha from %.3f to %.3f (mean %.3f)\n", k + 1,
                        acts[k].alpha.minCoeff(), acts[k].alpha.maxCoeff(), acts[k].alpha.mean());
    return r;
}

[[noreturn]] void usage(const char* message)
{
    if (message)
        std::fprintf(stderr, "mlp: %s\n", message);
    std::fprintf(stderr,
                 "usage: mlp [--activation NAME] [--epochs N] [--seed S] [--hidden W1,W2,...] [--lr R]\n"
                 "           [--print-every K] [--min-accuracy A]   (A a fraction, or a percentage when > 1)\n"
                 "NAME: %s (default gelu)\n",
                 activation_names(static_cast<activation*>(nullptr)).c_str());
    std::exit(message ? 2 : 0);
}

options parse(int argc, char** argv)
{
    options opt;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h")
            usage(nullptr);
        if (i + 1 >= argc)
            usage(("missing value after " + flag).c_str());
        const std::string value = argv[++i];
        try {
            if (flag == "--activation") {
                opt.activation = value;
            } else if (flag == "--epochs") {
                opt.epochs = std::stoi(value);
            } else if (flag == "--seed") {
                opt.seed = static_cast<std::uint32_t>(std::stoul(value));
            } else if (flag == "--lr") {
                opt.lr = std::stof(value);
            } else if (flag == "--print-every") {
                opt.print_every = std::max(1, std::stoi(value));
            } else if (flag == "--min-accuracy") {
                opt.min_accuracy = std::stod(value);
                if (opt.min_accuracy > 1)
                    opt.min_accuracy /= 100;
            } else if (flag == "--hidden") {
                opt.hidden.clear();
                std::stringstream list(value);
                for (std::string item; std::getline(list, item, ',');)
                    opt.hidden.push_back(std::stoi(item));
            } else {
                usage(("unknown option " + flag).c_str());
            }
        } catch (const std::exception&) {
            usage(("bad value for " + flag + ": " + value).c_str());
        }
    }
    if (opt.epochs < 1 || opt.hidden.empty())
        usage("need --epochs >= 1 and at least one hidden layer");
    for (int h : opt.hidden)
        if (h < 1)
            usage("hidden widths must be positive");
    return opt;
}

} // namespace

int main(int argc, char** argv)
{
    const options opt = parse(argc, argv);
    const auto act = find_activation(opt.activation, static_cast<activation*>(nullptr));
    if (!act)
        usage(("unknown activation " + opt.activation).c_str());

    random_source rng(opt.seed);
    const data_set data = two_spirals(500, 0.02, rng);
    std::string widths;
    for (int h : opt.hidden)
        widths += (widths.empty() ? "" : "-") + std::to_string(h);
    std::printf("two spirals, %d points; MLP 2-%s-2, %s, Adam lr %g, %d epochs, seed %u\n",
                static_cast<int>(data.x.cols()), widths.c_str(), opt.activation.c_str(), opt.lr, opt.epochs,
                opt.seed);

    const auto start = std::chrono::steady_clock::now();
    const result r = std::visit([&](const auto& f) { return train(f, data, opt); }, *act);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::printf("final: loss %.4f, training accuracy %.2f%%, %.2f s\n", r.loss, 100 * r.accuracy, seconds);
    if (opt.min_accuracy >= 0 && !(r.accuracy >= opt.min_accuracy)) {
        std::printf("FAILED: accuracy %.2f%% is below the required %.2f%%\n", 100 * r.accuracy,
                    100 * opt.min_accuracy);
        return 1;
    }
    return 0;
}
