// xact-bench: throughput of every activation, forward and backward, for float and double,
// against the plain scalar loop a user would write with <cmath> and against a memory-bound
// ceiling (memcpy for forward, dx = dy * x for backward). One thread.
//
//   xact-bench [--filter SUBSTR] [--sizes 4096,65536] [--type float|double|all]
//              [--repetitions N] [--min-time MS] [--quick] [--csv | --json]
//
// --filter keeps the cases whose "function/direction" contains SUBSTR ("gelu/", "backward").
// Each measurement runs its kernel repeatedly for about --min-time milliseconds in all, split
// over --repetitions timed runs; min and median time per call are reported. Throughput counts
// n elements; bytes are reads + writes (2n values forward, 3n backward). Softmax and
// log_softmax treat the n elements as one vector. The ratios on xact's rows are its throughput
// over the scalar loop's ("vs scalar", a speedup) and over the ceiling's ("vs ceiling", about 1
// at best for a memory-bound function).
#include <xact/xact.hpp>

#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#if __has_include(<unistd.h>)
#include <unistd.h>
#define XACT_BENCH_HAS_ISATTY 1
#endif

namespace {

// ---- the cases --------------------------------------------------------------------------------

template <class T>
struct kernels {
    std::function<void(const T* x, T* y, std::size_t n)> forward;                 // y = f(x)
    std::function<void(const T* x, const T* dy, T* dx, std::size_t n)> backward;  // dx = dy f'(x)
};

template <class T>
struct bench_case {
    std::string name;
    kernels<T> xact, scalar;
};

// An element-wise function: xact's pointer API against loops over the scalar formulas f and f'.
template <class T, class F, class Scalar, class ScalarDerivative>
bench_case<T> elementwise(F f, Scalar fs, ScalarDerivative dfs)
{
    return {F::name,
            {[f](const T* x, T* y, std::size_t n) { xact::forward(f, x, y, n); },
             [f](const T* x, const T* dy, T* dx, std::size_t n) { xact::backward(f, x, dy, dx, n); }},
            // Local copies of the formulas, so that the compiler sees that writes through y cannot
            // change their captured constants, as in a user's own loop.
            {[fs](const T* x, T* y, std::size_t n) {
                 const Scalar f_local = fs;
                 for (std::size_t i = 0; i < n; ++i)
                     y[i] = f_local(x[i]);
             },
             [dfs](const T* x, const T* dy, T* dx, std::size_t n) {
                 const ScalarDerivative df_local = dfs;
                 for (std::size_t i = 0; i < n; ++i)
                     dx[i] = dy[i] * df_local(x[i]);
             }}};
}

// An axis function over one vector of n elements.
template <class T, class F>
bench_case<T> axis(F f, kernels<T> scalar)
{
    return {F::name,
            {[f](const T* x, T* y, std::size_t n) { xact::forward(f, x, y, n); },
             [f](const T* x, const T* dy, T* dx, std::size_t n) { xact::backward(f, x, dy, dx, n); }},
            std::move(scalar)};
}

// The textbook softmax: subtract the maximum, exponentiate, divide by the sum.
template <class T>
void scalar_softmax(const T* x, T* y, std::size_t n)
{
    T m = x[0];
    for (std::size_t i = 1; i < n; ++i)
        m = std::max(m, x[i]);
    T sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        y[i] = std::exp(x[i] - m);
        sum += y[i];
    }
    for (std::size_t i = 0; i < n; ++i)
        y[i] /= sum;
}

template <class T>
void scalar_log_softmax(const T* x, T* y, std::size_t n)
{
    T m = x[0];
    for (std::size_t i = 1; i < n; ++i)
        m = std::max(m, x[i]);
    T sum = 0;
    for (std::size_t i = 0; i < n; ++i)
        sum += std::exp(x[i] - m);
    const T log_sum = std::log(sum);
    for (std::size_t i = 0; i < n; ++i)
        y[i] = x[i] - m - log_sum;
}

template <class T>
void scalar_softmax_backward(const T* x, const T* dy, T* dx, std::size_t n)
{
    scalar_softmax(x, dx, n); // dx = y (dy - <dy, y>)
    T dot = 0;
    for (std::size_t i = 0; i < n; ++i)
        dot += dy[i] * dx[i];
    for (std::size_t i = 0; i < n; ++i)
        dx[i] *= dy[i] - dot;
}

template <class T>
void scalar_log_softmax_backward(const T* x, const T* dy, T* dx, std::size_t n)
{
    scalar_softmax(x, dx, n); // dx = dy - softmax(x) sum(dy)
    T sum = 0;
    for (std::size_t i = 0; i < n; ++i)
        sum += dy[i];
    for (std::size_t i = 0; i < n; ++i)
        dx[i] = dy[i] - dx[i] * sum;
}

template <class T>
std::vector<bench_case<T>> all_cases()
{
    using std::exp;
    const T pi = T(3.14159265358979323846);
    const T sqrt2 = std::sqrt(T(2)), inv_sqrt_2pi = T(1) / std::sqrt(T(2) * pi);
    const T k = std::sqrt(T(2) / pi), c = T(0.044715);
    const T leak = T(0.01), prelu_alpha = T(0.25), elu_alpha = T(1), beta = T(1.5);
    const auto sigmoid = [](T x) { return T(1) / (T(1) + exp(-x)); };

    return {
        elementwise<T>(xact::relu{}, [](T x) { return x > 0 ? x : T(0); }, [](T x) { return x > 0 ? T(1) : T(0); }),
        elementwise<T>(xact::leaky_relu{0.01}, [=](T x) { return x > 0 ? x : leak * x; },
                       [=](T x) { return x > 0 ? T(1) : leak; }),
        elementwise<T>(xact::prelu{0.25}, [=](T x) { return x > 0 ? x : prelu_alpha * x; },
                       [=](T x) { return x > 0 ? T(1) : prelu_alpha; }),
        elementwise<T>(xact::elu{1.0}, [=](T x) { return x > 0 ? x : elu_alpha * (exp(x) - T(1)); },
                       [=](T x) { return x > 0 ? T(1) : elu_alpha * exp(x); }),
        elementwise<T>(xact::gelu{}, [=](T x) { return T(0.5) * x * (T(1) + std::erf(x / sqrt2)); },
                       [=](T x) {
                           return T(0.5) * (T(1) + std::erf(x / sqrt2)) + x * inv_sqrt_2pi * exp(-x * x / T(2));
                       }),
        elementwise<T>(xact::gelu_tanh{},
                       [=](T x) { return T(0.5) * x * (T(1) + std::tanh(k * (x + c * x * x * x))); },
                       [=](T x) {
                           const T t = std::tanh(k * (x + c * x * x * x));
                           return T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t * t) * k * (T(1) + T(3) * c * x * x);
                       }),
        elementwise<T>(xact::sigmoid{}, sigmoid,
                       [=](T x) {
                           const T s = sigmoid(x);
                           return s * (T(1) - s);
                       }),
        elementwise<T>(xact::tanh{}, [](T x) { return std::tanh(x); },
                       [](T x) {
                           const T t = std::tanh(x);
                           return T(1) - t * t;
                       }),
        elementwise<T>(xact::silu{}, [=](T x) { return x * sigmoid(x); },
                       [=](T x) {
                           const T s = sigmoid(x);
                           return s * (T(1) + x * (T(1) - s));
                       }),
        elementwise<T>(xact::swish{1.5}, [=](T x) { return x * sigmoid(beta * x); },
                       [=](T x) {
                           const T s = sigmoid(beta * x);
                           return s + beta * x * s * (T(1) - s);
                       }),
        axis<T>(xact::softmax{}, {scalar_softmax<T>, scalar_softmax_backward<T>}),
        axis<T>(xact::log_softmax{}, {scalar_log_softmax<T>, scalar_log_softmax_backward<T>}),
    };
}

// ---- settings ---------------------------------------------------------------------------------

enum class format { table, csv, json };

struct settings {
    std::string filter;
    std::vector<std::size_t> sizes{65536, 16777216};
    std::vector<std::string> types{"float", "double"};
    int repetitions = 5;
    double min_time_ms = 50;
    format output = format::table;
};

[[noreturn]] void usage(const std::string& message)
{
    if (!message.empty())
        std::fprintf(stderr, "xact-bench: %s\n", message.c_str());
    std::fprintf(message.empty() ? stdout : stderr,
                 "usage: xact-bench [--filter SUBSTR] [--sizes N1,N2,...] [--type float|double|all]\n"
                 "                  [--repetitions N] [--min-time MS] [--quick] [--csv | --json]\n"
                 "  --filter SUBSTR  keep cases whose \"function/direction\" contains SUBSTR\n"
                 "                   (\"gelu/\", \"softmax\", \"backward\")\n"
                 "  --sizes LIST     element counts (default 65536,16777216)\n"
                 "  --type T         float, double or all (default all)\n"
                 "  --repetitions N  timed runs per measurement, min and median reported (default 5)\n"
                 "  --min-time MS    time per measurement, all its runs together (default 50)\n"
                 "  --quick          3 repetitions of 5 ms, size 65536 (unless --sizes is given)\n"
                 "  --csv, --json    machine-readable output instead of the table\n");
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
        s.min_time_ms = std::min(s.min_time_ms, 15.0);
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

template <class Run>
timing measure(const Run& run, const settings& s)
{
    using clock = std::chrono::steady_clock;
    auto seconds_of = [&](std::size_t calls) {
        const auto start = clock::now();
        for (std::size_t i = 0; i < calls; ++i)
            run();
        return std::chrono::duration<double>(clock::now() - start).count();
    };
    seconds_of(1); // warm-up: page faults, caches, branch predictors
    const double once = std::max(seconds_of(1), 1e-9);
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
    std::string function, direction, type, implementation;
    std::size_t n;
    double bytes;
    timing t;
    double vs_scalar = 0, vs_ceiling = 0; // on xact's rows only
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
        if (tty_)
            std::fprintf(stderr, "\r\033[K[%zu/%zu] %s", done_, total_, what.c_str());
        else
            std::fprintf(stderr, "[%zu/%zu] %s\n", done_, total_, what.c_str());
        std::fflush(stderr);
    }

private:
    std::size_t total_, done_ = 0;
    bool tty_ = false;
};

bool selected(const settings& s, const std::string& function, const char* direction)
{
    return (function + "/" + direction).find(s.filter) != std::string::npos;
}

template <class T>
using buffer = std::vector<T, xsimd::aligned_allocator<T>>;

// Normwise relative difference: a sanity check that both implementations compute the same.
template <class T>
double difference(const buffer<T>& a, const buffer<T>& b)
{
    double diff = 0, scale = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff = std::max(diff, std::abs(double(a[i]) - double(b[i])));
        scale = std::max(scale, std::abs(double(b[i])));
    }
    return scale > 0 ? diff / scale : diff;
}

template <class T>
void run_type(const settings& s, const char* type, progress& bar, std::vector<row>& rows)
{
    const auto cases = all_cases<T>();
    const double eps = std::numeric_limits<T>::epsilon();
    for (std::size_t n : s.sizes) {
        std::mt19937 gen(12345);
        std::uniform_real_distribution<double> inputs(-6.0, 6.0), gradients(-1.0, 1.0);
        buffer<T> x(n), dy(n), out(n), reference(n);
        for (std::size_t i = 0; i < n; ++i) {
            x[i] = static_cast<T>(inputs(gen));
            dy[i] = static_cast<T>(gradients(gen));
        }
        for (const char* direction : {"forward", "backward"}) {
            if (std::none_of(cases.begin(), cases.end(), [&](const auto& c) { return selected(s, c.name, direction); }))
                continue;
            const bool forward = std::strcmp(direction, "forward") == 0;
            const double bytes = double(forward ? 2 : 3) * double(n) * sizeof(T);
            auto label = [&](const std::string& what) {
                return what + " " + direction + " " + type + " n=" + std::to_string(n);
            };

            bar.step(label("ceiling"));
            const timing ceiling = forward ? measure([&] { std::memcpy(out.data(), x.data(), n * sizeof(T)); }, s)
                                           : measure(
                                                 [&] {
                                                     T* dx = out.data();
                                                     for (std::size_t i = 0; i < n; ++i)
                                                         dx[i] = dy[i] * x[i];
                                                 },
                                                 s);
            rows.push_back({forward ? "memcpy" : "dy*x", direction, type, "ceiling", n, bytes, ceiling});

            for (const auto& c : cases) {
                if (!selected(s, c.name, direction))
                    continue;
                auto run = [&](const kernels<T>& k, buffer<T>& y) {
                    return forward ? measure([&] { k.forward(x.data(), y.data(), n); }, s)
                                   : measure([&] { k.backward(x.data(), dy.data(), y.data(), n); }, s);
                };
                bar.step(label(c.name + " xact"));
                const timing fast = run(c.xact, out);
                bar.step(label(c.name + " scalar"));
                const timing scalar = run(c.scalar, reference);
                row r{c.name, direction, type, "xact", n, bytes, fast};
                r.vs_scalar = scalar.best_ns / fast.best_ns;
                r.vs_ceiling = ceiling.best_ns / fast.best_ns;
                rows.push_back(r);
                rows.push_back({c.name, direction, type, "scalar", n, bytes, scalar});
                // A loose bound: the scalar softmax sums n terms in T, with an error up to n eps.
                const bool sums = c.name.find("softmax") != std::string::npos;
                const double d = difference(out, reference), tolerance = 1e4 * eps + (sums ? n * eps : 0.0);
                if (!(d <= tolerance))
                    std::fprintf(stderr, "\nxact-bench: warning: %s: xact and the scalar loop differ by %.3g "
                                         "(max |difference| / max |value|)\n",
                                 label(c.name).c_str(), d);
            }
        }
    }
}

// ---- output -----------------------------------------------------------------------------------

std::string context_line(const settings& s)
{
    char line[256];
    std::snprintf(line, sizeof line, "xact %s, xsimd %d.%d.%d arch %s, %s, %d repetitions, %g ms per measurement",
                  XACT_VERSION_STRING, XSIMD_VERSION_MAJOR, XSIMD_VERSION_MINOR, XSIMD_VERSION_PATCH,
                  xsimd::default_arch::name(),
#if defined(__clang__)
                  "clang " __clang_version__,
#elif defined(__GNUC__)
                  "g++ " __VERSION__,
#else
                  "unknown compiler",
#endif
                  s.repetitions, s.min_time_ms);
    return line;
}

void print_table(const settings& s, const std::vector<row>& rows)
{
    std::printf("# %s\n", context_line(s).c_str());
    std::printf("# elem/ns and GB/s (reads + writes) from the min and median time of a call; vs scalar and vs\n"
                "# ceiling: xact's throughput over the scalar loop's and over memcpy's (forward) or dy*x's\n");
    std::printf("%-12s %-9s %-6s %10s  %-8s %12s %12s %10s %10s %10s\n", "function", "direction", "type", "N",
                "impl", "elem/ns min", "elem/ns med", "GB/s min", "vs scalar", "vs ceiling");
    std::string group;
    for (const row& r : rows) {
        const std::string g = r.type + std::to_string(r.n) + r.direction;
        if (!group.empty() && g != group)
            std::printf("\n");
        group = g;
        std::printf("%-12s %-9s %-6s %10zu  %-8s %12.3f %12.3f %10.2f", r.function.c_str(), r.direction.c_str(),
                    r.type.c_str(), r.n, r.implementation.c_str(), r.n / r.t.best_ns, r.n / r.t.median_ns,
                    r.bytes / r.t.best_ns);
        if (r.implementation == "xact")
            std::printf(" %9.2fx %10.2f", r.vs_scalar, r.vs_ceiling);
        std::printf("\n");
    }
}

void print_csv(const std::vector<row>& rows)
{
    std::printf("function,direction,type,n,implementation,best_ns,median_ns,elements_per_ns_best,"
                "elements_per_ns_median,gb_per_s_best,gb_per_s_median,vs_scalar,vs_ceiling\n");
    for (const row& r : rows) {
        std::printf("%s,%s,%s,%zu,%s,%.1f,%.1f,%.6g,%.6g,%.6g,%.6g,", r.function.c_str(), r.direction.c_str(),
                    r.type.c_str(), r.n, r.implementation.c_str(), r.t.best_ns, r.t.median_ns, r.n / r.t.best_ns,
                    r.n / r.t.median_ns, r.bytes / r.t.best_ns, r.bytes / r.t.median_ns);
        if (r.implementation == "xact")
            std::printf("%.4g,%.4g\n", r.vs_scalar, r.vs_ceiling);
        else
            std::printf(",\n");
    }
}

void print_json(const settings& s, const std::vector<row>& rows)
{
    std::printf("{\n  \"context\": {\"xact\": \"%s\", \"simd_arch\": \"%s\", \"repetitions\": %d, "
                "\"min_time_ms\": %g, \"description\": \"%s\"},\n  \"results\": [\n",
                XACT_VERSION_STRING, xsimd::default_arch::name(), s.repetitions, s.min_time_ms,
                context_line(s).c_str());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const row& r = rows[i];
        std::printf("    {\"function\": \"%s\", \"direction\": \"%s\", \"type\": \"%s\", \"n\": %zu, "
                    "\"implementation\": \"%s\", \"best_ns\": %.1f, \"median_ns\": %.1f, "
                    "\"elements_per_ns_best\": %.6g, \"elements_per_ns_median\": %.6g, \"gb_per_s_best\": %.6g, "
                    "\"gb_per_s_median\": %.6g",
                    r.function.c_str(), r.direction.c_str(), r.type.c_str(), r.n, r.implementation.c_str(),
                    r.t.best_ns, r.t.median_ns, r.n / r.t.best_ns, r.n / r.t.median_ns, r.bytes / r.t.best_ns,
                    r.bytes / r.t.median_ns);
        if (r.implementation == "xact")
            std::printf(", \"vs_scalar\": %.4g, \"vs_ceiling\": %.4g", r.vs_scalar, r.vs_ceiling);
        std::printf("}%s\n", i + 1 < rows.size() ? "," : "");
    }
    std::printf("  ]\n}\n");
}

} // namespace

int main(int argc, char** argv)
{
    const settings s = parse(argc, argv);

    // Steps of the progress line: per type, size and direction, a ceiling and two per case.
    std::size_t steps = 0;
    for (const char* direction : {"forward", "backward"}) {
        std::size_t matching = 0;
        for (const auto& c : all_cases<float>())
            matching += selected(s, c.name, direction);
        steps += matching ? (1 + 2 * matching) * s.sizes.size() * s.types.size() : 0;
    }
    if (steps == 0)
        usage("no case matches --filter " + s.filter);

    std::vector<row> rows;
    {
        progress bar(steps);
        for (const std::string& type : s.types) {
            if (type == "float")
                run_type<float>(s, "float", bar, rows);
            else
                run_type<double>(s, "double", bar, rows);
        }
    }
    switch (s.output) {
    case format::table: print_table(s, rows); break;
    case format::csv: print_csv(rows); break;
    case format::json: print_json(s, rows); break;
    }
}
