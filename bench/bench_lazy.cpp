// xact-gbench, lazy evaluation inside Eigen expressions (xact/lazy.hpp) against the eager
// operation on a materialised input, one thread:
//   lazy/<f>/sum/fused/<type>/<n>          y = xact::lazy(f, a + b)               (one pass)
//   lazy/<f>/sum/eager/<type>/<n>          c = a + b; xact::forward(f, c, y)      (two passes)
//   lazy/<f>/layer/fused/<type>/<m>/<k>/<n>  Y = xact::lazy(f, (W X).array().colwise() + b)
//   lazy/<f>/layer/eager/...               T = (W X).array().colwise() + b; xact::forward(f, T, Y)
//   lazy/<f>/layer/eager_noalias/...       T.matrix().noalias() = W X; T.colwise() += b; xact::forward(f, T, Y)
// The layer rows all pay Eigen's matrix product; fused and eager both let Eigen evaluate it into
// its own temporary (as any expression holding a product does), eager_noalias writes it into a
// preallocated T. Items are output elements. Filter with --benchmark_filter, e.g. '^lazy/'.
#include <benchmark/benchmark.h>

#include <xact/xact.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

#include <Eigen/Core>

namespace {

template <class T>
using array2 = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using array1 = Eigen::Array<T, Eigen::Dynamic, 1>;

// Uniform on [-6, 6] (Eigen's Random is on [-1, 1]).
template <class Plain>
Plain inputs(Eigen::Index rows, Eigen::Index cols)
{
    return Plain(Plain::Random(rows, cols) * typename Plain::Scalar(6));
}

enum class way { fused, eager, eager_noalias };

template <class F, class T, way W>
void sum_run(benchmark::State& state, const F& f)
{
    const auto n = static_cast<Eigen::Index>(state.range(0));
    const array1<T> a = inputs<array1<T>>(n, 1), b = inputs<array1<T>>(n, 1);
    array1<T> c = array1<T>::Zero(n), y = array1<T>::Zero(n);
    for (auto _ : state) {
        if constexpr (W == way::fused) {
            y = xact::lazy(f, a + b);
        } else {
            c = a + b;
            xact::forward(f, c, y);
        }
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

template <class F, class T, way W>
void layer_run(benchmark::State& state, const F& f)
{
    const auto m = static_cast<Eigen::Index>(state.range(0)), k = static_cast<Eigen::Index>(state.range(1)),
               n = static_cast<Eigen::Index>(state.range(2));
    const array2<T> Wt = inputs<array2<T>>(m, k), X = inputs<array2<T>>(k, n);
    const array1<T> b = inputs<array1<T>>(m, 1);
    array2<T> t = array2<T>::Zero(m, n), y = array2<T>::Zero(m, n);
    for (auto _ : state) {
        if constexpr (W == way::fused) {
            y = xact::lazy(f, (Wt.matrix() * X.matrix()).array().colwise() + b);
        } else if constexpr (W == way::eager) {
            t = (Wt.matrix() * X.matrix()).array().colwise() + b;
            xact::forward(f, t, y);
        } else {
            t.matrix().noalias() = Wt.matrix() * X.matrix();
            t.colwise() += b;
            xact::forward(f, t, y);
        }
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(m * n));
}

template <class F, class T>
void register_function(const F& f)
{
    const std::string type = sizeof(T) == 4 ? "float" : "double";
    const std::string base = std::string("lazy/") + F::name + "/";
    auto sum = [&](const std::string& name, auto fn) {
        benchmark::RegisterBenchmark((base + "sum/" + name + "/" + type).c_str(), fn, f)
            ->Arg(4096)
            ->Arg(65536)
            ->Arg(1 << 22)
            ->Unit(benchmark::kMicrosecond);
    };
    sum("fused", sum_run<F, T, way::fused>);
    sum("eager", sum_run<F, T, way::eager>);
    auto layer = [&](const std::string& name, auto fn) {
        benchmark::RegisterBenchmark((base + "layer/" + name + "/" + type).c_str(), fn, f)
            ->Args({256, 256, 256})
            ->Args({512, 32, 512})
            ->Unit(benchmark::kMicrosecond);
    };
    layer("fused", layer_run<F, T, way::fused>);
    layer("eager", layer_run<F, T, way::eager>);
    layer("eager_noalias", layer_run<F, T, way::eager_noalias>);
}

// Registered before main runs (bench_activations.cpp's main runs every registered benchmark).
[[maybe_unused]] const bool registered = [] {
    register_function<xact::relu, float>(xact::relu{});
    register_function<xact::gelu, float>(xact::gelu{});
    register_function<xact::gelu, double>(xact::gelu{});
    return true;
}();

} // namespace
