// xact-gbench: Google Benchmark suite over xact's pointer API, one thread.
//   <function>/<direction>/<type>/<n>                        element-wise, n elements
//   <softmax|log_softmax>/<direction>/<type>/length:L/vectors:V   V vectors of L (column-major)
// Items are elements; bytes are reads + writes (2n values forward, 3n backward).
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

enum class direction { forward, backward };

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

// Times `call(x, dy, out)` on n elements.
template <class T, direction D, class Call>
void run(benchmark::State& state, std::size_t n, Call call)
{
    const buffer<T>& x = data<T>(n, 0);
    const buffer<T>& dy = data<T>(n, 1);
    buffer<T> out(n); // zero-filled: its pages are mapped before the timing starts
    for (auto _ : state) {
        call(x.data(), dy.data(), out.data());
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    const auto values = static_cast<std::int64_t>(n) * (D == direction::forward ? 2 : 3);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
    state.SetBytesProcessed(state.iterations() * values * static_cast<std::int64_t>(sizeof(T)));
}

template <class F, class T, direction D>
void elementwise(benchmark::State& state, const F& f)
{
    const auto n = static_cast<std::size_t>(state.range(0));
    run<T, D>(state, n, [&](const T* x, const T* dy, T* out) {
        if constexpr (D == direction::forward)
            xact::forward(f, x, out, n);
        else
            xact::backward(f, x, dy, out, n);
    });
}

template <class F, class T, direction D>
void along_axis(benchmark::State& state, const F& f)
{
    const auto length = static_cast<std::size_t>(state.range(0)), vectors = static_cast<std::size_t>(state.range(1));
    run<T, D>(state, length * vectors, [&](const T* x, const T* dy, T* out) {
        if constexpr (D == direction::forward)
            xact::forward(f, x, out, length, vectors);
        else
            xact::backward(f, x, dy, out, length, vectors);
    });
}

template <class F, class T, direction D>
std::string name_of()
{
    return std::string(F::name) + (D == direction::forward ? "/forward/" : "/backward/") + type_name<T>;
}

template <class F, class T, direction D>
void register_elementwise(const F& f)
{
    auto* b = benchmark::RegisterBenchmark(name_of<F, T, D>().c_str(), elementwise<F, T, D>, f);
    for (std::int64_t n : {4096, 65536, 1048576, 16777216})
        b->Arg(n);
    b->Unit(benchmark::kMicrosecond);
}

template <class F, class T, direction D>
void register_axis(const F& f)
{
    auto* b = benchmark::RegisterBenchmark(name_of<F, T, D>().c_str(), along_axis<F, T, D>, f);
    b->ArgNames({"length", "vectors"})->Args({1000, 64})->Args({32000, 64})->Unit(benchmark::kMicrosecond);
}

template <class F>
void register_function(const F& f)
{
    constexpr bool axis = std::is_same_v<F, xact::softmax> || std::is_same_v<F, xact::log_softmax>;
    auto each = [&](auto type, auto dir) {
        using T = decltype(type);
        constexpr direction D = decltype(dir)::value;
        if constexpr (axis)
            register_axis<F, T, D>(f);
        else
            register_elementwise<F, T, D>(f);
    };
    using forward = std::integral_constant<direction, direction::forward>;
    using backward = std::integral_constant<direction, direction::backward>;
    each(float{}, forward{});
    each(float{}, backward{});
    each(double{}, forward{});
    each(double{}, backward{});
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
