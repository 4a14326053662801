// xact-gbench, the gated linear units: the fused pass of xact/glu.hpp against the composition a
// user would write with the element-wise operations, one thread, n elements per half:
//   glu/<unit>/forward/fused/<type>/<n>      xact::glu_forward(g, a, b, y, n)
//   glu/<unit>/forward/composed/<type>/<n>   t = act(z) (xact::forward), then y = t * w
//   glu/<unit>/backward/fused/<type>/<n>     xact::glu_backward(g, a, b, dy, da, db, n)
//   glu/<unit>/backward/composed/<type>/<n>  t = act(z); d_value = dy * t and p = dy * w in one
//                                            loop; d_gate = xact::backward(act, z, p)
// Items are elements of y; bytes are the fused pass's reads + writes (3n values forward, 5n
// backward), so the composed rows' bytes/s understate the traffic they really make.
// Filter with --benchmark_filter, e.g. '^glu/swiglu/'.
#include <benchmark/benchmark.h>

#include <xact/glu.hpp>

#include <xsimd/xsimd.hpp>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
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

// The buffers of one run: a, b in [-6, 6], dy in [-1, 1]; outputs zero-filled, so their pages
// are mapped before the timing starts.
template <class T>
struct buffers {
    buffer<T> a, b, dy, y, da, db, t, p;
    explicit buffers(std::size_t n)
        : a(uniform<T>(n, -6, 6, 1)), b(uniform<T>(n, -6, 6, 2)), dy(uniform<T>(n, -1, 1, 3)), y(n), da(n), db(n),
          t(n), p(n)
    {
    }
};

template <class G, class T, bool Backward, bool Fused>
void glu_run(benchmark::State& state, const G& g)
{
    const auto n = static_cast<std::size_t>(state.range(0));
    buffers<T> m(n);
    const auto act = g.activation();
    // gate z and value w, and where their gradients go
    const T* z = G::gate_second ? m.b.data() : m.a.data();
    const T* w = G::gate_second ? m.a.data() : m.b.data();
    T* d_gate = G::gate_second ? m.db.data() : m.da.data();
    T* d_value = G::gate_second ? m.da.data() : m.db.data();
    for (auto _ : state) {
        if constexpr (!Backward && Fused) {
            xact::glu_forward(g, m.a.data(), m.b.data(), m.y.data(), n);
        } else if constexpr (!Backward) {
            xact::forward(act, z, m.t.data(), n);
            for (std::size_t i = 0; i < n; ++i)
                m.y[i] = m.t[i] * w[i];
        } else if constexpr (Fused) {
            xact::glu_backward(g, m.a.data(), m.b.data(), m.dy.data(), m.da.data(), m.db.data(), n);
        } else {
            xact::forward(act, z, m.t.data(), n);
            for (std::size_t i = 0; i < n; ++i) {
                d_value[i] = m.dy[i] * m.t[i];
                m.p[i] = m.dy[i] * w[i];
            }
            xact::backward(act, z, m.p.data(), d_gate, n);
        }
        benchmark::DoNotOptimize(m.y.data());
        benchmark::DoNotOptimize(m.da.data());
        benchmark::DoNotOptimize(m.db.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(n * (Backward ? 5 : 3) * sizeof(T)));
}

template <class G, class T>
void register_unit(const G& g)
{
    const std::string type = sizeof(T) == 4 ? "float" : "double";
    const std::string base = std::string("glu/") + G::name + "/";
    auto add = [&](const std::string& name, auto fn) {
        benchmark::RegisterBenchmark((base + name + "/" + type).c_str(), fn, g)
            ->Arg(65536)
            ->Arg(1048576)
            ->Unit(benchmark::kMicrosecond);
    };
    add("forward/fused", glu_run<G, T, false, true>);
    add("forward/composed", glu_run<G, T, false, false>);
    add("backward/fused", glu_run<G, T, true, true>);
    add("backward/composed", glu_run<G, T, true, false>);
}

// Registered before main runs (bench_activations.cpp's main runs every registered benchmark).
[[maybe_unused]] const bool registered = [] {
    register_unit<xact::glu, float>(xact::glu{});
    register_unit<xact::reglu, float>(xact::reglu{});
    register_unit<xact::geglu, float>(xact::geglu{});
    register_unit<xact::geglu_tanh, float>(xact::geglu_tanh{});
    register_unit<xact::swiglu, float>(xact::swiglu{});
    register_unit<xact::swiglu, double>(xact::swiglu{});
    return true;
}();

} // namespace
