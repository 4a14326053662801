// xact-gbench: Google Benchmark suite over xact's pointer API, one thread.
//   <function>/<direction>/<type>/<n>                             element-wise, n elements
//   <softmax|log_softmax>/<direction>/<type>/length:L/vectors:V   V vectors of L (column-major)
// Directions: forward, derivative (element-wise), backward, backward_from_output (where the
// derivative is a function of y), parameter (backward with the parameter gradient: elu d alpha,
// swish d beta, prelu d alpha). Items are elements; bytes are reads + writes (2n values forward
// and derivative, 3n in the backward directions).
// Filter with --benchmark_filter, e.g. 'gelu/backward/float' or '^softmax/'.
#include <benchmark/benchmark.h>

#include <xact/xact.hpp>

#include <xsimd/xsimd.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

template <class T>
using buffer = std::vector<T, xsimd::aligned_allocator<T>>;

template <class T>
buffer<T> uniform(std::size_t n, double lo, double hi, std::uint32_t seed)
{
    std::mt19937 gen(seed);
    std::uniform_real_distribution<double> d(lo, hi);
    buffer<T> v(n);
    for (T& e : v)
        e = static_cast<T>(d(gen));
    return v;
}

template <class T>
constexpr const char* type_name = sizeof(T) == 4 ? "float" : "double";

enum class direction { forward, derivative, backward, backward_from_output, parameter };

constexpr const char* direction_names[] = {"forward", "derivative", "backward", "backward_from_output", "parameter"};

// Inputs in [-6, 6] (which = 0) and gradients in [-1, 1] (which = 1), made once per type and
// size: Google Benchmark calls a benchmark function several times.
template <class T>
const buffer<T>& data(std::size_t n, int which)
{
    static std::map<std::pair<std::size_t, int>, buffer<T>> cache;
    buffer<T>& b = cache[{n, which}];
    if (b.size() != n)
        b = which == 0 ? uniform<T>(n, -6, 6, 1) : uniform<T>(n, -1, 1, 2);
    return b;
}

// Times `call(in, dy, out)` on n elements; `in` is x, or y = f(x) when `from_output` (made by
// `make_y` before the timing).
template <class T, direction D, class Call, class MakeY>
void run(benchmark::State& state, std::size_t n, Call call, MakeY make_y)
{
    const buffer<T>& x = data<T>(n, 0);
    const buffer<T>& dy = data<T>(n, 1);
    buffer<T> out(n); // zero-filled: its pages are mapped before the timing starts
    buffer<T> y;
    if constexpr (D == direction::backward_from_output) {
        y.resize(n);
        make_y(x.data(), y.data());
    }
    const T* in = D == direction::backward_from_output ? y.data() : x.data();
    for (auto _ : state) {
        call(in, dy.data(), out.data());
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    const bool reads_dy = D != direction::forward && D != direction::derivative;
    const auto values = static_cast<std::int64_t>(n) * (reads_dy ? 3 : 2);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
    state.SetBytesProcessed(state.iterations() * values * static_cast<std::int64_t>(sizeof(T)));
}

template <class F, class T, direction D>
void elementwise(benchmark::State& state, const F& f)
{
    const auto n = static_cast<std::size_t>(state.range(0));
    T d_scalar = 0;
    std::vector<T> d_alpha(1);
    run<T, D>(
        state, n,
        [&](const T* in, const T* dy, T* out) {
            if constexpr (D == direction::forward)
                xact::forward(f, in, out, n);
            else if constexpr (D == direction::derivative)
                xact::derivative(f, in, out, n);
            else if constexpr (D == direction::backward)
                xact::backward(f, in, dy, out, n);
            else if constexpr (D == direction::backward_from_output)
                xact::backward_from_output(f, in, dy, out, n);
            else if constexpr (std::is_same_v<F, xact::prelu>)
                xact::backward(f, in, dy, out, n, d_alpha.data());
            else
                xact::backward(f, in, dy, out, n, d_scalar);
        },
        [&](const T* x, T* y) { xact::forward(f, x, y, n); });
    benchmark::DoNotOptimize(d_scalar);
    benchmark::DoNotOptimize(d_alpha.data());
}

template <class F, class T, direction D>
void along_axis(benchmark::State& state, const F& f)
{
    const auto length = static_cast<std::size_t>(state.range(0)), vectors = static_cast<std::size_t>(state.range(1));
    run<T, D>(
        state, length * vectors,
        [&](const T* in, const T* dy, T* out) {
            if constexpr (D == direction::forward)
                xact::forward(f, in, out, length, vectors);
            else if constexpr (D == direction::backward)
                xact::backward(f, in, dy, out, length, vectors);
            else
                xact::backward_from_output(f, in, dy, out, length, vectors);
        },
        [&](const T* x, T* y) { xact::forward(f, x, y, length, vectors); });
}

template <class F, class T, direction D>
std::string name_of()
{
    return std::string(F::name) + "/" + direction_names[static_cast<int>(D)] + "/" + type_name<T>;
}

// Element-wise: n = 4096, 65536, 1048576, 16777216.
template <class F, class T, direction D>
void register_elementwise(const F& f)
{
    benchmark::RegisterBenchmark(name_of<F, T, D>().c_str(), elementwise<F, T, D>, f)
        ->RangeMultiplier(16)
        ->Range(4096, 16777216)
        ->Unit(benchmark::kMicrosecond);
}

// softmax / log_softmax: 64 vectors of 1000 and of 32000 elements.
template <class F, class T, direction D>
void register_axis(const F& f)
{
    benchmark::RegisterBenchmark(name_of<F, T, D>().c_str(), along_axis<F, T, D>, f)
        ->ArgNames({"length", "vectors"})
        ->ArgsProduct({{1000, 32000}, {64}})
        ->Unit(benchmark::kMicrosecond);
}

template <direction D>
using direction_constant = std::integral_constant<direction, D>;

// Every direction the function has, for float and double.
template <class F>
void register_function(const F& f)
{
    constexpr bool axis = std::is_same_v<F, xact::softmax> || std::is_same_v<F, xact::log_softmax>;
    constexpr bool from_output =
        axis || xact::engine::has_output_derivative<F>::value || xact::engine::is_channelwise_v<F>;
    constexpr bool parameter = std::is_same_v<F, xact::elu> || std::is_same_v<F, xact::swish> ||
                               std::is_same_v<F, xact::prelu>;
    auto each = [&](auto type, auto dir) {
        using T = decltype(type);
        constexpr direction D = decltype(dir)::value;
        if constexpr (axis) {
            if constexpr (D != direction::derivative && D != direction::parameter)
                register_axis<F, T, D>(f);
        } else if constexpr ((D != direction::backward_from_output || from_output) &&
                             (D != direction::parameter || parameter)) {
            register_elementwise<F, T, D>(f);
        }
    };
    auto all_directions = [&](auto type) {
        each(type, direction_constant<direction::forward>{});
        each(type, direction_constant<direction::derivative>{});
        each(type, direction_constant<direction::backward>{});
        each(type, direction_constant<direction::backward_from_output>{});
        each(type, direction_constant<direction::parameter>{});
    };
    all_directions(float{});
    all_directions(double{});
}

} // namespace

int main(int argc, char** argv)
{
    std::apply([](const auto&... f) { (register_function(f), ...); },
               std::make_tuple(xact::relu{}, xact::leaky_relu{0.01}, xact::prelu{0.25}, xact::elu{1.0}, xact::gelu{},
                               xact::gelu_tanh{}, xact::sigmoid{}, xact::tanh{}, xact::silu{}, xact::swish{1.5},
                               xact::softmax{}, xact::log_softmax{}));
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::AddCustomContext("xact", XACT_VERSION_STRING);
    benchmark::AddCustomContext("simd_arch", xsimd::default_arch::name());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
