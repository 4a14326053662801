// Prints one hash of the output bits per function, operation and type, over inputs that reach
// every path (body, tail, strided walks, special values, softmax vectors, prelu channels).
// Built twice: linked with xact::dispatch (run with XACT_ARCH=<arch>) and header-only with
// <arch>'s compiler flags; compare_fingerprints.cmake requires the two outputs to be equal.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include <xact/xact.hpp>
#if defined(XACT_USE_DISPATCH)
#include <xact/dispatch.hpp>
#endif

namespace {

template <class T>
std::vector<T> inputs(std::size_t n, std::uint64_t seed)
{
    const T specials[] = {T(0), -T(0), std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity(),
                          std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::denorm_min(),
                          std::numeric_limits<T>::max(), -std::numeric_limits<T>::min()};
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL; // LCG: the same on every build
        // Exact in float and double, so that no build's flags (FMA contraction) change the inputs:
        // a 24-bit integer over a power of two, in [-32, 32), [-2^-5, 2^-5) or [-512, 512).
        const auto k = static_cast<std::int64_t>(seed >> 40) - (std::int64_t(1) << 23);
        const T scale[] = {T(1) / T(1 << 18), T(1) / T(1 << 28), T(1) / T(1 << 14)};
        v[i] = i % 11 == 7 ? specials[(i / 11) % 8] : T(k) * scale[i % 3];
    }
    return v;
}

template <class T>
std::uint64_t hash(const T* p, std::size_t n, std::uint64_t h = 1469598103934665603ULL)
{
    for (std::size_t i = 0; i < n; ++i) {
        // Every NaN hashes alike: which operand's NaN an instruction passes on (its payload and
        // sign) is the compiler's choice of operand order, not a result.
        const T v = std::isnan(p[i]) ? std::numeric_limits<T>::quiet_NaN() : p[i];
        unsigned char b[sizeof(T)];
        std::memcpy(b, &v, sizeof(T));
        for (unsigned char c : b)
            h = (h ^ c) * 1099511628211ULL;
    }
    return h;
}

template <class T>
const char* type_name() { return sizeof(T) == 4 ? "float" : "double"; }

template <class T, class F>
void elementwise(const char* name, const F& f)
{
    using A = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
    const std::size_t n = 29 * 35; // a multiple of prelu's 29 channels; 7 past a multiple of 16
    const auto x = inputs<T>(n, 1), dy = inputs<T>(n, 2);
    std::vector<T> out(n);
    // a strided block: lines of 29 with outer stride 37
    const A big = Eigen::Map<const A>(inputs<T>(37 * 31, 3).data(), 37, 31);
    const auto block = big.block(3, 1, 29, 30);
    A bout(29, 30);
    auto run = [&](const char* op, auto&& flat, auto&& strided) {
        flat();
        strided();
        std::printf("%s %s %s %016llx\n", name, op, type_name<T>(),
                    static_cast<unsigned long long>(hash(bout.data(), static_cast<std::size_t>(bout.size()), hash(out.data(), n))));
    };
    run("forward", [&] { xact::forward(f, x.data(), out.data(), n); }, [&] { xact::forward(f, block, bout); });
    run("derivative", [&] { xact::derivative(f, x.data(), out.data(), n); }, [&] { xact::derivative(f, block, bout); });
    run("backward", [&] { xact::backward(f, x.data(), dy.data(), out.data(), n); }, [&] { xact::backward(f, block, block, bout); });
    if constexpr (xact::engine::has_output_derivative<F>::value || xact::engine::is_channelwise_v<F>)
        run("backward_from_output", [&] { xact::backward_from_output(f, x.data(), dy.data(), out.data(), n); },
            [&] { xact::backward_from_output(f, block, block, bout); });
}

template <class T, class F>
void axis(const char* name, const F& f)
{
    using A = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
    A x = Eigen::Map<const A>(inputs<T>(37 * 9, 4).data(), 37, 9);
    x.col(0).setConstant(-std::numeric_limits<T>::infinity());
    const A dy = Eigen::Map<const A>(inputs<T>(37 * 9, 5).data(), 37, 9).unaryExpr([](T v) { return std::tanh(v); });
    A y(37, 9), yr(37, 9);
    const auto report = [&](const char* op) {
        std::printf("%s %s %s %016llx\n", name, op, type_name<T>(),
                    static_cast<unsigned long long>(hash(yr.data(), 37 * 9, hash(y.data(), 37 * 9))));
    };
    xact::forward(f, x, y);
    xact::forward(F(xact::rowwise | xact::masked_zero), x, yr);
    report("forward");
    xact::backward(f, x, dy, y);
    xact::backward(F(xact::rowwise), x, dy, yr);
    report("backward");
    xact::backward_from_output(f, x, dy, y);
    xact::backward_from_output(F(xact::rowwise), x, dy, yr);
    report("backward_from_output");
}

template <class T>
void all()
{
    elementwise<T>("relu", xact::relu{});
    elementwise<T>("leaky_relu", xact::leaky_relu(0.03));
    elementwise<T>("prelu", xact::prelu{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7,
                                        1.8, 1.9, 2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, 2.9});
    elementwise<T>("elu", xact::elu(0.7));
    elementwise<T>("gelu", xact::gelu{});
    elementwise<T>("gelu_tanh", xact::gelu_tanh{});
    elementwise<T>("sigmoid", xact::sigmoid{});
    elementwise<T>("tanh", xact::tanh{});
    elementwise<T>("swish", xact::swish(1.3));
    elementwise<T>("silu", xact::silu{});
    elementwise<T>("selu", xact::selu{});
    elementwise<T>("celu", xact::celu(0.3));
    elementwise<T>("softplus", xact::softplus(1.5, 10));
    elementwise<T>("log_sigmoid", xact::log_sigmoid{});
    elementwise<T>("mish", xact::mish{});
    elementwise<T>("hard_sigmoid", xact::hard_sigmoid{});
    elementwise<T>("hard_swish", xact::hard_swish{});
    elementwise<T>("relu6", xact::relu6{});
    elementwise<T>("hard_tanh", xact::hard_tanh(-0.7, 2.3));
    elementwise<T>("softsign", xact::softsign{});
    elementwise<T>("quick_gelu", xact::quick_gelu{});
    axis<T>("softmax", xact::softmax{});
    axis<T>("log_softmax", xact::log_softmax{});
}

} // namespace

int main()
{
#if defined(XACT_USE_DISPATCH)
    std::fprintf(stderr, "xact::dispatch on %s\n", xact::dispatch::active_arch());
#else
    std::fprintf(stderr, "header-only on %s\n", xsimd::default_arch::name());
#endif
    all<float>();
    all<double>();
}
