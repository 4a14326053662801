// xact-bench: throughput and accuracy of every activation, in every direction, for float and
// double, beside its peers (oneDNN, XNNPACK, PyTorch: those found at build time), an Eigen
// array expression, the plain scalar loop a user would write with <cmath>, and a memory-bound
// ceiling (memcpy for forward and derivative, dx = dy * x for the backward directions).
// One thread everywhere.
//
//   xact-bench [--filter SUBSTR] [--sizes 65536] [--type float|double|all]
//              [--repetitions N] [--min-time MS] [--quick] [--csv | --json] [--threads N]
//
// --filter keeps the cases whose "function/direction" contains SUBSTR ("gelu/", "backward").
// Each measurement runs its kernel repeatedly for about --min-time milliseconds in all, split
// over --repetitions timed runs; min and median time per call are reported, and "noise" is
// median / min - 1. Throughput counts the elements; bytes are reads + writes (2 values per
// element forward and derivative, 3 backward). softmax and log_softmax normalise vectors of
// 1000 and of 32000 elements, as many as fit in N (at least one).
//
// Accuracy: "max ulp" is the largest error over the first 65536 elements of the run's inputs
// (whole vectors for softmax) against the long double reference of tests/support/reference.hpp,
// in ULPs of T for forward; the other directions use the tests' mixed metric, ULPs except where
// the exact result is near 0 (|f'| below max|f'|/1024: next to a root of f', and in the tails of
// sigmoid', tanh', ...; for softmax, where dx cancels), where the error is absolute, in units of
// eps * the size of the terms (max|f'| |dy|; for softmax the tests' vjp scale). The
// backward_from_output reference is the exact derivative as a function of the y every library
// is given (xact's forward output), so it judges the backward arithmetic, not y's rounding.
// backward_parameter is judged on dx only.
//
// Ratios on xact's rows: its throughput over the fastest peer's (oneDNN, XNNPACK, PyTorch or the
// Eigen expression), over the scalar loop's, and over the ceiling's (about 1 at best for a
// memory-bound function).
#include "peers/peers.hpp"
#include "peers/xact_functions.hpp"
#include "support/reference.hpp"
#include "support/reference_extra.hpp"
#include "support/ulp.hpp"

#include <xact/parallel.hpp>
#include <xact/xact.hpp>

#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <new>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#endif
#if __has_include(<unistd.h>)
#include <unistd.h>
#define XACT_BENCH_HAS_ISATTY 1
#endif

namespace {

using namespace xact_bench;
using xact_ref::real;

// ---- the functions ----------------------------------------------------------------------------

// softmax and log_softmax are measured on vectors of these lengths; element-wise functions have
// length 0 in the rows.
const std::size_t axis_lengths[] = {1000, 32000};
constexpr std::size_t error_sample = 65536;

enum class kind { elementwise, axis, gated };

struct function_info {
    const char* name;
    kind what;
};

const function_info functions[] = {
    {"relu", kind::elementwise},        {"leaky_relu", kind::elementwise},  {"prelu", kind::elementwise},
    {"elu", kind::elementwise},         {"gelu", kind::elementwise},        {"gelu_tanh", kind::elementwise},
    {"sigmoid", kind::elementwise},     {"tanh", kind::elementwise},        {"silu", kind::elementwise},
    {"swish", kind::elementwise},       {"quick_gelu", kind::elementwise},  {"selu", kind::elementwise},
    {"celu", kind::elementwise},        {"softplus", kind::elementwise},    {"log_sigmoid", kind::elementwise},
    {"mish", kind::elementwise},        {"hard_sigmoid", kind::elementwise}, {"hard_swish", kind::elementwise},
    {"relu6", kind::elementwise},       {"hard_tanh", kind::elementwise},   {"softsign", kind::elementwise},
    {"softmax", kind::axis},            {"log_softmax", kind::axis},        {"glu", kind::gated},
    {"reglu", kind::gated},             {"geglu", kind::gated},             {"geglu_tanh", kind::gated},
    {"swiglu", kind::gated},
};

const direction directions[] = {direction::forward, direction::derivative, direction::backward,
                                direction::backward_from_output, direction::backward_parameter};

// The long double reference of an element-wise function: f, f', f' as a function of y, and
// max |f'| (the scale of the mixed metric for the derivative directions).
struct elementwise_reference {
    std::function<real(real)> f, df, df_from_y;
    real max_prime = 1;
};

elementwise_reference reference_of(const std::string& name)
{
    namespace r = xact_ref;
    const real leak = leaky_relu_alpha, prelu_a = prelu_alpha, elu_a = elu_alpha, beta = swish_beta;
    const real celu_a = celu_alpha, beta_sp = softplus_beta, threshold = softplus_threshold;
    const real lo = hard_tanh_min, hi = hard_tanh_max;
    if (name == "relu")
        return {r::relu, r::relu_prime, [](real y) { return y > 0 ? real(1) : real(0); }};
    if (name == "leaky_relu")
        return {[=](real x) { return r::leaky_relu(x, leak); }, [=](real x) { return r::leaky_relu_prime(x, leak); },
                [=](real y) { return y > 0 ? real(1) : leak; }, r::leaky_relu_max_prime(leak)};
    if (name == "prelu")
        return {[=](real x) { return r::prelu(x, prelu_a); }, [=](real x) { return r::prelu_prime(x, prelu_a); },
                [=](real y) { return y > 0 ? real(1) : prelu_a; }, r::prelu_max_prime(prelu_a)};
    if (name == "elu") // elu' = y + alpha below 0
        return {[=](real x) { return r::elu(x, elu_a); }, [=](real x) { return r::elu_prime(x, elu_a); },
                [=](real y) { return y > 0 ? real(1) : y + elu_a; }, r::elu_max_prime(elu_a)};
    if (name == "gelu")
        return {r::gelu, r::gelu_prime, {}, r::gelu_max_prime};
    if (name == "gelu_tanh")
        return {r::gelu_tanh, r::gelu_tanh_prime, {}, r::gelu_tanh_max_prime};
    if (name == "sigmoid")
        return {r::sigmoid, r::sigmoid_prime, [](real y) { return y * (1 - y); }, r::sigmoid_max_prime};
    if (name == "tanh")
        return {r::tanh, r::tanh_prime, [](real y) { return 1 - y * y; }, r::tanh_max_prime};
    if (name == "silu")
        return {r::silu, r::silu_prime, {}, r::silu_max_prime};
    if (name == "swish")
        return {[=](real x) { return r::swish(x, beta); }, [=](real x) { return r::swish_prime(x, beta); }, {},
                r::swish_max_prime(beta)};
    if (name == "quick_gelu")
        return {r::quick_gelu, r::quick_gelu_prime, {}, r::swish_max_prime(r::quick_gelu_beta)};
    if (name == "selu") // selu' = y + scale alpha below 0
        return {r::selu, r::selu_prime, [](real y) { return y > 0 ? r::selu_scale : y + r::selu_scale * r::selu_alpha; },
                r::selu_max_prime};
    if (name == "celu") // celu' = y / alpha + 1 below 0
        return {[=](real x) { return r::celu(x, celu_a); }, [=](real x) { return r::celu_prime(x, celu_a); },
                [=](real y) { return y > 0 ? real(1) : y / celu_a + 1; }};
    if (name == "softplus") // softplus' = 1 - e^(-beta y)
        return {[=](real x) { return r::softplus(x, beta_sp, threshold); },
                [=](real x) { return r::softplus_prime(x, beta_sp, threshold); },
                [=](real y) { return -std::expm1(-beta_sp * y); }, r::softplus_max_prime};
    if (name == "log_sigmoid") // log_sigmoid' = 1 - e^y
        return {r::log_sigmoid, r::log_sigmoid_prime, [](real y) { return -std::expm1(y); }, r::log_sigmoid_max_prime};
    if (name == "mish")
        return {r::mish, r::mish_prime, {}, r::mish_max_prime};
    if (name == "hard_sigmoid") // 1/6 strictly between the kinks, where 0 < y < 1
        return {r::hard_sigmoid, r::hard_sigmoid_prime, [](real y) { return y > 0 && y < 1 ? real(1) / 6 : real(0); },
                r::hard_sigmoid_max_prime};
    if (name == "hard_swish")
        return {r::hard_swish, r::hard_swish_prime, {}, r::hard_swish_max_prime};
    if (name == "relu6")
        return {r::relu6, r::relu6_prime, [](real y) { return y > 0 && y < 6 ? real(1) : real(0); }, r::relu6_max_prime};
    if (name == "hard_tanh")
        return {[=](real x) { return r::hard_tanh(x, lo, hi); }, [=](real x) { return r::hard_tanh_prime(x, lo, hi); },
                [=](real y) { return y > lo && y < hi ? real(1) : real(0); }};
    if (name == "softsign") // softsign' = (1 - |y|)^2
        return {r::softsign, r::softsign_prime, [](real y) { return (1 - std::fabs(y)) * (1 - std::fabs(y)); },
                r::softsign_max_prime};
    throw std::logic_error("xact-bench: no reference for " + name);
}

// ---- settings ---------------------------------------------------------------------------------

enum class format { table, csv, json };

struct settings {
    std::string filter;
    // 65536 alone keeps the default run of every function, direction, type and library near a
    // minute; the memory-bound rows (the ceilings' size) are --sizes 65536,16777216 (~5 minutes).
    std::vector<std::size_t> sizes{65536};
    std::vector<std::string> types{"float", "double"};
    int repetitions = 3;
    double min_time_ms = 25;
    std::size_t threads = 1; // > 1: xact-threads rows, xact on this many threads
    format output = format::table;
};

[[noreturn]] void usage(const std::string& message)
{
    if (!message.empty())
        std::fprintf(stderr, "xact-bench: %s\n", message.c_str());
    std::fprintf(message.empty() ? stdout : stderr,
                 "usage: xact-bench [--filter SUBSTR] [--sizes N1,N2,...] [--type float|double|all]\n"
                 "                  [--repetitions N] [--min-time MS] [--quick] [--csv | --json] [--threads N]\n"
                 "  --filter SUBSTR  keep cases whose \"function/direction\" contains SUBSTR\n"
                 "                   (\"gelu/\", \"softmax\", \"backward\", \"/forward\")\n"
                 "  --sizes LIST     element counts (default 65536; 16777216 for the memory-bound rows)\n"
                 "  --type T         float, double or all (default all)\n"
                 "  --repetitions N  timed runs per measurement, min and median reported (default 3)\n"
                 "  --min-time MS    time per measurement, all its runs together (default 25)\n"
                 "  --quick          3 repetitions of 5 ms, size 65536 (unless --sizes is given)\n"
                 "  --csv, --json    machine-readable output instead of the table\n"
                 "  --threads N      also run xact on N threads (xact::threads(N)): xact-threads rows, with\n"
                 "                   their speed-up over xact's one-thread row\n");
    std::exit(message.empty() ? 0 : 2);
}

settings parse(int argc, char** argv)
{
    settings s;
    bool quick = false, sizes_given = false;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                usage("missing value after " + flag);
            return argv[++i];
        };
        try {
            if (flag == "--help" || flag == "-h") {
                usage("");
            } else if (flag == "--filter") {
                s.filter = value();
            } else if (flag == "--sizes") {
                s.sizes.clear();
                sizes_given = true;
                std::stringstream list(value());
                for (std::string item; std::getline(list, item, ',');) {
                    const long long n = std::stoll(item);
                    if (n < 1)
                        usage("sizes must be positive");
                    s.sizes.push_back(static_cast<std::size_t>(n));
                }
            } else if (flag == "--type") {
                const std::string t = value();
                if (t == "all")
                    s.types = {"float", "double"};
                else if (t == "float" || t == "double")
                    s.types = {t};
                else
                    usage("--type must be float, double or all");
            } else if (flag == "--repetitions") {
                s.repetitions = std::max(1, std::stoi(value()));
            } else if (flag == "--min-time") {
                s.min_time_ms = std::max(0.0, std::stod(value()));
            } else if (flag == "--quick") {
                quick = true;
            } else if (flag == "--threads") {
                s.threads = static_cast<std::size_t>(std::max(1, std::stoi(value())));
            } else if (flag == "--csv") {
                s.output = format::csv;
            } else if (flag == "--json") {
                s.output = format::json;
            } else {
                usage("unknown option " + flag);
            }
        } catch (const std::logic_error&) {
            usage("bad value for " + flag);
        }
    }
    if (quick) {
        s.repetitions = std::min(s.repetitions, 3);
        s.min_time_ms = std::min(s.min_time_ms, 5.0);
        if (!sizes_given)
            s.sizes = {65536};
    }
    if (s.sizes.empty())
        usage("--sizes is empty");
    return s;
}

// ---- timing -----------------------------------------------------------------------------------

struct timing {
    double best_ns, median_ns; // per call
};

// Makes the compiler assume that memory was read and written here, so that it cannot merge or
// drop the repeated calls of a kernel it can see (the ceilings' loops).
inline void clobber_memory()
{
#if defined(__GNUC__) || defined(__clang__)
    asm volatile("" : : : "memory");
#else
    std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
}

// The first call warms up (page faults, caches, lazy initialisation) and leaves the result in
// the output for the accuracy check.
template <class Run>
timing measure(const Run& run, const settings& s)
{
    using clock = std::chrono::steady_clock;
    auto seconds_of = [&](std::size_t calls) {
        const auto start = clock::now();
        for (std::size_t i = 0; i < calls; ++i) {
            run();
            clobber_memory();
        }
        return std::chrono::duration<double>(clock::now() - start).count();
    };
    double once = seconds_of(1);
    if (once < 1e-2) // short enough to time one more, warm, call for the estimate
        once = seconds_of(1);
    once = std::max(once, 1e-9);
    const double per_repetition = s.min_time_ms * 1e-3 / s.repetitions;
    const auto calls = static_cast<std::size_t>(std::max(1.0, std::ceil(per_repetition / once)));
    std::vector<double> ns(static_cast<std::size_t>(s.repetitions));
    for (double& t : ns)
        t = seconds_of(calls) * 1e9 / static_cast<double>(calls);
    std::sort(ns.begin(), ns.end());
    const std::size_t m = ns.size() / 2;
    return {ns.front(), ns.size() % 2 ? ns[m] : (ns[m - 1] + ns[m]) / 2};
}

// ---- results ----------------------------------------------------------------------------------

struct row {
    std::string function;
    std::size_t length; // softmax vector length; 0 for element-wise
    std::string direction, type, library;
    std::size_t n; // elements
    double bytes;
    timing t;
    double max_ulp = -1; // < 0: not measured (ceilings)
    // On xact's rows only (0 when there is nothing to compare with).
    double vs_peer = 0, vs_scalar = 0, vs_ceiling = 0;
    std::string best_peer = "";
    double scaling = 0;    // on xact-threads rows: xact's one-thread time over this row's
    double fused_gain = 0; // on a gated unit's xact row: xact-composed's time over xact's
};

class progress {
public:
    explicit progress(std::size_t total) : total_(total)
    {
#ifdef XACT_BENCH_HAS_ISATTY
        tty_ = isatty(2) != 0;
#endif
    }
    progress(const progress&) = delete;
    progress& operator=(const progress&) = delete;
    ~progress()
    {
        if (tty_)
            std::fprintf(stderr, "\r\033[K");
    }

    void step(const std::string& what)
    {
        ++done_;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        if (tty_)
            std::fprintf(stderr, "\r\033[K[%zu/%zu %.0fs] %s", done_, total_, seconds, what.c_str());
        else
            std::fprintf(stderr, "[%zu/%zu %.0fs] %s\n", done_, total_, seconds, what.c_str());
        std::fflush(stderr);
    }

private:
    std::size_t total_, done_ = 0;
    bool tty_ = false;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

bool selected(const settings& s, const std::string& function, direction d)
{
    return (function + "/" + name_of(d)).find(s.filter) != std::string::npos;
}

// The run's arrays, carved from one block so that their relative placement is the same in every
// run. Array k starts k * 320 bytes into its 4 KiB page, so that no two arrays share a page
// offset and no load waits on a store to another array that matches it only in the low 12
// address bits (4K aliasing). The block is 2 MiB aligned and asks for transparent huge pages
// (Linux, where enabled) so that the guest's physical placement follows the virtual one too.
// On a VM that does not settle everything: on the 2-core Zen 5 VM, relu's backward_from_output
// at 65536 floats still runs at about 11 or about 15 elem/ns depending on the process (xact and
// PyTorch alike, with or without ASLR), which is why the README's table takes the best of
// several runs.
template <class T>
class arena {
public:
    static constexpr std::size_t arrays = 7, stagger = 320, page = 4096, huge = std::size_t(2) << 20;

    explicit arena(std::size_t capacity) : capacity_(capacity)
    {
        const std::size_t bytes = (capacity * sizeof(T) + page - 1) / page * page;
        stride_ = bytes + page;
        size_ = (arrays * stride_ + huge - 1) / huge * huge;
        void* p = nullptr;
        if (posix_memalign(&p, huge, size_) != 0)
            throw std::bad_alloc();
        block_ = static_cast<unsigned char*>(p);
#if defined(MADV_HUGEPAGE)
        madvise(block_, size_, MADV_HUGEPAGE); // a hint: without huge pages the run is still valid
#endif
        std::memset(block_, 0, size_); // every page faulted in before anything is timed
    }
    arena(const arena&) = delete;
    arena& operator=(const arena&) = delete;
    ~arena() { std::free(block_); }

    struct array {
        T* p;
        std::size_t n;
        T* data() const noexcept { return p; }
        T* begin() const noexcept { return p; }
        T* end() const noexcept { return p + n; }
        T& operator[](std::size_t i) const noexcept { return p[i]; }
    };

    // Array k of `arrays`, 64-byte aligned, capacity elements.
    array get(std::size_t k) const
    {
        if (k >= arrays)
            throw std::logic_error("xact-bench: arena array index out of range");
        return {reinterpret_cast<T*>(block_ + k * stride_ + k * stagger), capacity_};
    }

private:
    std::size_t capacity_, stride_ = 0, size_ = 0;
    unsigned char* block_ = nullptr;
};

// One group of rows: a function in one direction (at one vector length), with every
// implementation registered for it, xact first.
template <class T>
struct group {
    const function_info* function;
    std::size_t length;
    direction dir;
    std::vector<const entry<T>*> entries;
};

template <class T>
std::vector<group<T>> plan(const settings& s, registry& r)
{
    std::vector<group<T>> groups;
    for (direction d : directions)
        for (const function_info& f : functions) {
            if (!selected(s, f.name, d))
                continue;
            std::vector<const entry<T>*> found;
            for (const char* library : {"xact", "xact-threads", "xact-composed", "onednn", "xnnpack", "torch", "eigen", "scalar"})
                for (const entry<T>& e : r.entries<T>())
                    if (e.function == f.name && e.dir == d && e.library == library)
                        found.push_back(&e);
            if (found.empty())
                continue;
            if (f.what == kind::axis)
                for (std::size_t length : axis_lengths)
                    groups.push_back({&f, length, d, found});
            else
                groups.push_back({&f, 0, d, found});
        }
    return groups;
}

bool reads_gradient(direction d) { return d != direction::forward && d != direction::derivative; }

// The ceiling a group is compared with: dy * x (two reads, one write) for the directions that
// read a gradient and for the gated units (whose forward reads two halves), memcpy otherwise.
template <class T>
bool against_product_ceiling(const group<T>& g)
{
    return reads_gradient(g.dir) || g.function->what == kind::gated;
}

// Values read and written per element: 2 forward and derivative, 3 backward; the gated units
// 3 forward (a, b, y) and 5 backward (a, b, dy, da, db).
template <class T>
int values_per_element(const group<T>& g)
{
    if (g.function->what == kind::gated)
        return g.dir == direction::forward ? 3 : 5;
    return reads_gradient(g.dir) ? 3 : 2;
}

// ---- accuracy ---------------------------------------------------------------------------------

// The reference results for the first elements of a group (see the header), and the scale of the
// mixed metric where it applies (empty otherwise).
struct expected {
    std::vector<real> value, scale;
};

// A gated unit: y = act(z) w forward (in ULPs); backward judged on da, which is d_value = dy
// act(z) for glu (its gate is b) and d_gate = dy w act'(z) for the others (mixed metric).
template <class T>
expected gated_reference_values(const group<T>& g, const problem<T>& p)
{
    const std::string name = g.function->name;
    const bool gate_second = name == "glu";
    const elementwise_reference act = reference_of(name == "glu"          ? "sigmoid"
                                                   : name == "reglu"      ? "relu"
                                                   : name == "geglu"      ? "gelu"
                                                   : name == "geglu_tanh" ? "gelu_tanh"
                                                                          : "silu");
    expected e;
    const std::size_t m = std::min(p.size(), error_sample);
    e.value.resize(m);
    if (g.dir != direction::forward && !gate_second)
        e.scale.resize(m);
    for (std::size_t i = 0; i < m; ++i) {
        const real z = gate_second ? p.b[i] : p.x[i], w = gate_second ? p.x[i] : p.b[i], dy = p.dy[i];
        if (g.dir == direction::forward) {
            e.value[i] = act.f(z) * w;
        } else if (gate_second) {
            e.value[i] = dy * act.f(z);
        } else {
            e.value[i] = dy * w * act.df(z);
            e.scale[i] = act.max_prime * std::fabs(dy * w);
        }
    }
    return e;
}

template <class T>
expected reference_values(const group<T>& g, const problem<T>& p)
{
    expected e;
    if (g.function->what == kind::gated)
        return gated_reference_values(g, p);
    if (g.function->what == kind::elementwise) {
        const std::size_t m = std::min(p.size(), error_sample);
        const elementwise_reference r = reference_of(g.function->name);
        e.value.resize(m);
        if (g.dir != direction::forward)
            e.scale.resize(m);
        for (std::size_t i = 0; i < m; ++i) {
            const real x = p.x[i], dy = p.dy[i];
            switch (g.dir) {
            case direction::forward: e.value[i] = r.f(x); break;
            case direction::derivative: e.value[i] = r.df(x); break;
            case direction::backward:
            case direction::backward_parameter: e.value[i] = dy * r.df(x); break;
            case direction::backward_from_output: e.value[i] = dy * r.df_from_y(p.y[i]); break;
            }
            if (g.dir != direction::forward)
                e.scale[i] = r.max_prime * (g.dir == direction::derivative ? 1 : std::fabs(dy));
        }
        return e;
    }
    const bool log = std::strcmp(g.function->name, "log_softmax") == 0;
    const std::size_t vectors = std::min(p.vectors, std::max<std::size_t>(1, error_sample / p.length));
    for (std::size_t v = 0; v < vectors; ++v) {
        const std::size_t o = v * p.length;
        std::vector<real> x(p.x + o, p.x + o + p.length), dy(p.dy + o, p.dy + o + p.length), value, scale;
        if (g.dir == direction::forward) {
            value = log ? xact_ref::log_softmax(x) : xact_ref::softmax(x);
        } else if (g.dir == direction::backward) {
            value = log ? xact_ref::log_softmax_vjp(x, dy) : xact_ref::softmax_vjp(x, dy);
            scale = log ? xact_ref::log_softmax_vjp_scale(x, dy) : xact_ref::softmax_vjp_scale(x, dy);
        } else { // from the given y: softmax y (dy - <dy, y>), log_softmax dy - e^y sum(dy)
            std::vector<real> y(p.y + o, p.y + o + p.length);
            real dot = 0, dot_abs = 0, sum = 0, sum_abs = 0;
            for (std::size_t i = 0; i < p.length; ++i) {
                dot += dy[i] * y[i];
                dot_abs += std::fabs(dy[i] * y[i]);
                sum += dy[i];
                sum_abs += std::fabs(dy[i]);
            }
            for (std::size_t i = 0; i < p.length; ++i) {
                const real s = log ? std::exp(y[i]) : y[i];
                value.push_back(log ? dy[i] - s * sum : y[i] * (dy[i] - dot));
                scale.push_back(log ? std::fabs(dy[i]) + s * sum_abs : std::fabs(y[i]) * (std::fabs(dy[i]) + dot_abs));
            }
        }
        e.value.insert(e.value.end(), value.begin(), value.end());
        e.scale.insert(e.scale.end(), scale.begin(), scale.end());
    }
    return e;
}

template <class T>
double max_error(const T* got, const expected& e)
{
    double worst = 0;
    for (std::size_t i = 0; i < e.value.size(); ++i) {
        const double err = e.scale.empty() ? xact_test::ulp_error(got[i], e.value[i])
                                           : xact_test::mixed_error(got[i], e.value[i], e.scale[i]);
        if (err > worst || std::isnan(err))
            worst = err;
    }
    return worst;
}

// ---- the run ----------------------------------------------------------------------------------

template <class T>
void run_type(const settings& s, registry& r, const std::vector<group<T>>& groups, const char* type, progress& bar,
              std::vector<row>& rows)
{
    const std::size_t longest = *std::max_element(std::begin(axis_lengths), std::end(axis_lengths));
    for (std::size_t n : s.sizes) {
        const std::size_t capacity = std::max(n, longest);
        std::mt19937 gen(12345);
        std::uniform_real_distribution<double> inputs(-6.0, 6.0), gradients(-1.0, 1.0);
        const arena<T> memory(capacity);
        const auto x = memory.get(0), dy = memory.get(1), y = memory.get(2), out = memory.get(3),
                   d_param = memory.get(4), b = memory.get(5), out2 = memory.get(6);
        for (std::size_t i = 0; i < capacity; ++i) {
            x[i] = static_cast<T>(inputs(gen));
            dy[i] = static_cast<T>(gradients(gen));
        }
        std::mt19937 gen_b(54321); // the gated units' second half
        for (T& v : b)
            v = static_cast<T>(inputs(gen_b));
        auto label = [&](const std::string& what, direction d) {
            return what + " " + name_of(d) + " " + type + " n=" + std::to_string(n);
        };

        // The ceilings, for the directions that have groups.
        timing ceiling[2] = {}; // [against_product_ceiling]
        for (const bool three : {false, true}) {
            if (std::none_of(groups.begin(), groups.end(),
                             [&](const group<T>& g) { return against_product_ceiling(g) == three; }))
                continue;
            bar.step(std::string(three ? "dy*x" : "memcpy") + " ceiling " + type + " n=" + std::to_string(n));
            ceiling[three] = three ? measure(
                                         [&] {
                                             T* o = out.data();
                                             const T *a = x.data(), *b = dy.data();
                                             for (std::size_t i = 0; i < n; ++i)
                                                 o[i] = b[i] * a[i];
                                         },
                                         s)
                                   : measure([&] { std::memcpy(out.data(), x.data(), n * sizeof(T)); }, s);
            rows.push_back({three ? "dy*x" : "memcpy", 0, three ? "backward" : "forward", type, "ceiling", n,
                            double(three ? 3 : 2) * double(n) * sizeof(T), ceiling[three]});
        }

        for (const group<T>& g : groups) {
            problem<T> p{g.length ? g.length : n, g.length ? std::max<std::size_t>(1, n / g.length) : 1,
                         x.data(), y.data(), dy.data(), out.data(), d_param.data(), b.data(), out2.data()};
            if (g.dir == direction::backward_from_output) {
                // Every library gets the same y: xact's forward output.
                const auto producer = std::find_if(r.entries<T>().begin(), r.entries<T>().end(), [&](const entry<T>& e) {
                    return e.library == "xact" && e.function == g.function->name && e.dir == direction::forward;
                });
                if (producer == r.entries<T>().end())
                    continue;
                problem<T> forward = p;
                forward.out = y.data();
                producer->prepare(forward).run();
            }
            const expected want = reference_values(g, p);
            const double bytes = double(values_per_element(g)) * double(p.size()) * sizeof(T);
            const std::string name = g.function->name + (g.length ? "(" + std::to_string(g.length) + ")" : "");
            const std::size_t first = rows.size();
            for (const entry<T>* e : g.entries) {
                bar.step(label(name + " " + e->library, g.dir));
                std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(want.value.size()),
                          std::numeric_limits<T>::quiet_NaN()); // a run that writes nothing shows
                prepared run;
                try {
                    run = e->prepare(p);
                } catch (const unsupported& u) {
                    r.note(std::string(u.what()) + " (" + type + ")");
                    continue;
                }
                const timing t = measure(run.run, s);
                if (run.finish)
                    run.finish();
                row result{g.function->name, g.length, name_of(g.dir), type, e->library, p.size(), bytes, t};
                result.max_ulp = max_error(out.data(), want);
                rows.push_back(result);
            }
            // The ratios on xact's row.
            row *mine = nullptr, *threaded = nullptr, *composed = nullptr;
            const row *peer = nullptr, *scalar = nullptr;
            for (std::size_t i = first; i < rows.size(); ++i) {
                row& q = rows[i];
                if (q.library == "xact")
                    mine = &q;
                else if (q.library == "xact-threads")
                    threaded = &q;
                else if (q.library == "xact-composed")
                    composed = &q;
                else if (q.library == "scalar")
                    scalar = &q;
                else if (is_peer_library(q.library) && (!peer || q.t.best_ns < peer->t.best_ns))
                    peer = &q;
            }
            if (mine && threaded)
                threaded->scaling = mine->t.best_ns / threaded->t.best_ns;
            if (mine && composed)
                mine->fused_gain = composed->t.best_ns / mine->t.best_ns;
            if (mine) {
                if (peer) {
                    mine->vs_peer = peer->t.best_ns / mine->t.best_ns;
                    mine->best_peer = peer->library;
                }
                if (scalar)
                    mine->vs_scalar = scalar->t.best_ns / mine->t.best_ns;
                // Bytes per ns over the ceiling's (softmax may count a few fewer elements than n).
                const bool three = against_product_ceiling(g);
                const double ceiling_bytes = double(three ? 3 : 2) * double(n) * sizeof(T);
                mine->vs_ceiling = (mine->bytes / mine->t.best_ns) / (ceiling_bytes / ceiling[three].best_ns);
            }
        }
    }
}

// ---- output -----------------------------------------------------------------------------------

std::string peers_found()
{
    std::string found = "eigen, scalar";
#ifdef XACT_BENCH_HAVE_ONEDNN
    found += ", onednn";
#endif
#ifdef XACT_BENCH_HAVE_XNNPACK
    found += ", xnnpack";
#endif
#ifdef XACT_BENCH_HAVE_TORCH
    found += ", torch";
#endif
    return found;
}

std::string context_line(const settings& s)
{
    const std::string threads_used = s.threads > 1 ? "one thread (xact-threads: " + std::to_string(s.threads) +
                                                         " threads, std::thread)" : "one thread";
    char line[512];
    std::snprintf(line, sizeof line,
                  "xact %s, xsimd %d.%d.%d arch %s, %s, %d repetitions, %g ms per measurement, %s; "
                  "compared: %s",
                  XACT_VERSION_STRING, XSIMD_VERSION_MAJOR, XSIMD_VERSION_MINOR, XSIMD_VERSION_PATCH,
                  xsimd::default_arch::name(),
#if defined(__clang__)
                  "clang " __clang_version__,
#elif defined(__GNUC__)
                  "g++ " __VERSION__,
#else
                  "unknown compiler",
#endif
                  s.repetitions, s.min_time_ms, threads_used.c_str(), peers_found().c_str());
    return line;
}

std::string format_ulp(double e)
{
    if (e < 0)
        return "";
    char text[32];
    if (std::isinf(e) || std::isnan(e))
        return "inf";
    std::snprintf(text, sizeof text, e < 100 ? "%.2f" : "%.3g", e);
    return text;
}

double noise_percent(const timing& t) { return (t.median_ns / t.best_ns - 1) * 100; }

std::string json_escape(const std::string& s)
{
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

void print_table(const settings& s, const registry& r, const std::vector<row>& rows)
{
    std::printf("# %s\n", context_line(s).c_str());
    for (const std::string& note : r.notes())
        std::printf("# note: %s\n", note.c_str());
    std::printf("# elem/ns and GB/s (reads + writes) from the min and median time of a call; noise = median/min - 1;\n"
                "# max ulp over the first %zu elements against the long double reference (mixed metric except\n"
                "# forward: see xact-bench's header); on xact's rows: its\n"
                "# throughput over the fastest peer's (named), the scalar loop's and the ceiling's (memcpy or dy*x)\n",
                error_sample);
    std::printf("%-18s %-20s %-6s %9s  %-8s %9s %9s %8s %8s %6s %9s %15s %9s %8s\n", "function", "direction", "type", "N",
                "impl", "elem/ns", "elem/ns", "GB/s", "GB/s", "noise", "max ulp", "vs best peer", "vs scalar",
                "vs ceil");
    std::printf("%-18s %-20s %-6s %9s  %-8s %9s %9s %8s %8s %6s\n", "", "", "", "", "", "min", "median", "min", "median",
                "");
    std::string group;
    for (const row& q : rows) {
        const std::string g = q.type + std::to_string(q.n) + q.direction + q.function + std::to_string(q.length);
        if (!group.empty() && g != group)
            std::printf("\n");
        group = g;
        const std::string name = q.function + (q.length ? "(" + std::to_string(q.length) + ")" : "");
        std::printf("%-18s %-20s %-6s %9zu  %-8s %9.3f %9.3f %8.2f %8.2f %5.1f%% %9s", name.c_str(), q.direction.c_str(),
                    q.type.c_str(), q.n, q.library.c_str(), q.n / q.t.best_ns, q.n / q.t.median_ns, q.bytes / q.t.best_ns,
                    q.bytes / q.t.median_ns, noise_percent(q.t), format_ulp(q.max_ulp).c_str());
        if (q.library == "xact") {
            char peer[64] = "-";
            if (q.vs_peer > 0)
                std::snprintf(peer, sizeof peer, "%.2fx %s", q.vs_peer, q.best_peer.c_str());
            char scalar[32] = "-";
            if (q.vs_scalar > 0)
                std::snprintf(scalar, sizeof scalar, "%.2fx", q.vs_scalar);
            std::printf(" %15s %9s %8.2f", peer, scalar, q.vs_ceiling);
        }
        if (q.scaling > 0)
            std::printf(" %15s %.2fx vs one thread", "", q.scaling);
        if (q.fused_gain > 0)
            std::printf("  fused %.2fx vs composed", q.fused_gain);
        std::printf("\n");
    }
}

void print_csv(const std::vector<row>& rows)
{
    std::printf("function,length,direction,type,n,implementation,best_ns,median_ns,elements_per_ns_best,"
                "elements_per_ns_median,gb_per_s_best,gb_per_s_median,noise,max_ulp,best_peer,vs_best_peer,vs_scalar,"
                "vs_ceiling,fused_vs_composed\n");
    for (const row& q : rows) {
        std::printf("%s,%zu,%s,%s,%zu,%s,%.1f,%.1f,%.6g,%.6g,%.6g,%.6g,%.4g,%s,", q.function.c_str(), q.length,
                    q.direction.c_str(), q.type.c_str(), q.n, q.library.c_str(), q.t.best_ns, q.t.median_ns,
                    q.n / q.t.best_ns, q.n / q.t.median_ns, q.bytes / q.t.best_ns, q.bytes / q.t.median_ns,
                    noise_percent(q.t) / 100, q.max_ulp < 0 ? "" : std::to_string(q.max_ulp).c_str());
        if (q.library == "xact")
            std::printf("%s,%.4g,%.4g,%.4g,%s\n", q.best_peer.c_str(), q.vs_peer, q.vs_scalar, q.vs_ceiling,
                        q.fused_gain > 0 ? std::to_string(q.fused_gain).c_str() : "");
        else
            std::printf(",,,,\n");
    }
}

void print_json(const settings& s, const registry& r, const std::vector<row>& rows)
{
    std::printf("{\n  \"context\": {\"xact\": \"%s\", \"simd_arch\": \"%s\", \"repetitions\": %d, "
                "\"min_time_ms\": %g, \"description\": \"%s\", \"notes\": [",
                XACT_VERSION_STRING, xsimd::default_arch::name(), s.repetitions, s.min_time_ms,
                json_escape(context_line(s)).c_str());
    for (std::size_t i = 0; i < r.notes().size(); ++i)
        std::printf("%s\"%s\"", i ? ", " : "", json_escape(r.notes()[i]).c_str());
    std::printf("]},\n  \"results\": [\n");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const row& q = rows[i];
        std::printf("    {\"function\": \"%s\", \"length\": %zu, \"direction\": \"%s\", \"type\": \"%s\", \"n\": %zu, "
                    "\"implementation\": \"%s\", \"best_ns\": %.1f, \"median_ns\": %.1f, "
                    "\"elements_per_ns_best\": %.6g, \"elements_per_ns_median\": %.6g, \"gb_per_s_best\": %.6g, "
                    "\"gb_per_s_median\": %.6g, \"noise\": %.4g",
                    q.function.c_str(), q.length, q.direction.c_str(), q.type.c_str(), q.n, q.library.c_str(),
                    q.t.best_ns, q.t.median_ns, q.n / q.t.best_ns, q.n / q.t.median_ns, q.bytes / q.t.best_ns,
                    q.bytes / q.t.median_ns, noise_percent(q.t) / 100);
        if (q.max_ulp >= 0) // JSON has no infinity: a huge error is written as 1e308
            std::printf(", \"max_ulp\": %.6g", std::isfinite(q.max_ulp) ? q.max_ulp : 1e308);
        if (q.library == "xact")
            std::printf(", \"best_peer\": \"%s\", \"vs_best_peer\": %.4g, \"vs_scalar\": %.4g, \"vs_ceiling\": %.4g",
                        q.best_peer.c_str(), q.vs_peer, q.vs_scalar, q.vs_ceiling);
        if (q.scaling > 0)
            std::printf(", \"threads\": %zu, \"vs_one_thread\": %.4g", s.threads, q.scaling);
        if (q.fused_gain > 0)
            std::printf(", \"fused_vs_composed\": %.4g", q.fused_gain);
        std::printf("}%s\n", i + 1 < rows.size() ? "," : "");
    }
    std::printf("  ]\n}\n");
}

// xact on several threads (--threads): the same pointer calls as peers/xact.cpp's, with
// xact::threads(n) first, under the library name "xact-threads".
template <class T, class F>
void add_threaded(registry& r, const F& f, std::size_t n)
{
    const xact::threads t(n);
    if constexpr (xact::engine::is_axis_v<F>) {
        r.add<T>("xact-threads", F::name, direction::forward, [f, t](const problem<T>& p) {
            return prepared{[f, t, p] { xact::forward(t, f, p.x, p.out, p.length, p.vectors); }, {}};
        });
        r.add<T>("xact-threads", F::name, direction::backward, [f, t](const problem<T>& p) {
            return prepared{[f, t, p] { xact::backward(t, f, p.x, p.dy, p.out, p.length, p.vectors); }, {}};
        });
    } else {
        r.add<T>("xact-threads", F::name, direction::forward, [f, t](const problem<T>& p) {
            return prepared{[f, t, p] { xact::forward(t, f, p.x, p.out, p.size()); }, {}};
        });
        r.add<T>("xact-threads", F::name, direction::derivative, [f, t](const problem<T>& p) {
            return prepared{[f, t, p] { xact::derivative(t, f, p.x, p.out, p.size()); }, {}};
        });
        r.add<T>("xact-threads", F::name, direction::backward, [f, t](const problem<T>& p) {
            return prepared{[f, t, p] { xact::backward(t, f, p.x, p.dy, p.out, p.size()); }, {}};
        });
    }
}

template <class T>
void add_threaded_all(registry& r, std::size_t n)
{
    for_each_xact_function([&](const auto& f) { add_threaded<T>(r, f, n); });
}

void register_xact_threads(registry& r, std::size_t n)
{
    add_threaded_all<float>(r, n);
    add_threaded_all<double>(r, n);
}

} // namespace

int main(int argc, char** argv)
{
    const settings s = parse(argc, argv);

    registry r;
    register_xact(r);
    if (s.threads > 1)
        register_xact_threads(r, s.threads);
    register_scalar(r);
    register_eigen(r);
#ifdef XACT_BENCH_HAVE_ONEDNN
    register_onednn(r);
#else
    r.note("oneDNN was not found at build time (Debian: libdnnl-dev): no onednn rows");
#endif
#ifdef XACT_BENCH_HAVE_XNNPACK
    register_xnnpack(r);
#else
    r.note("XNNPACK was not found at build time (Debian: libxnnpack-dev, libpthreadpool-dev): no xnnpack rows");
#endif
#ifdef XACT_BENCH_HAVE_TORCH
    register_torch(r);
#else
    r.note("PyTorch was not found at build time (Debian: libtorch-dev): no torch rows");
#endif

    const auto float_groups = plan<float>(s, r);
    const auto double_groups = plan<double>(s, r);
    std::size_t steps = 0;
    for (const std::string& type : s.types) {
        auto count = [&](const auto& groups) {
            std::size_t entries = 0;
            bool two = false, three = false;
            for (const auto& g : groups) {
                entries += g.entries.size();
                (reads_gradient(g.dir) ? three : two) = true;
            }
            steps += (entries + two + three) * s.sizes.size();
        };
        if (type == "float")
            count(float_groups);
        else
            count(double_groups);
    }
    if (steps == 0)
        usage("no case matches --filter " + s.filter);

    std::vector<row> rows;
    {
        progress bar(steps);
        for (const std::string& type : s.types) {
            if (type == "float")
                run_type<float>(s, r, float_groups, "float", bar, rows);
            else
                run_type<double>(s, r, double_groups, "double", bar, rows);
        }
    }
    switch (s.output) {
    case format::table: print_table(s, r, rows); break;
    case format::csv: print_csv(rows); break;
    case format::json: print_json(s, r, rows); break;
    }
}
