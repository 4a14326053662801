// xact-accuracy: measures xact's forward, derivative, backward and parameter gradients, and
// softmax / log_softmax, against an MPFR reference, and prints the worst error of each.
// The metric, the two reference tiers and the inputs are described in sweep.hpp; run with
// --help for the options.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "accuracy/special.hpp"
#include "accuracy/sweep.hpp"

namespace {

using namespace xact_accuracy;

const char* const usage = R"(usage: xact-accuracy MODE... [OPTION...]
Measures xact against an MPFR reference (see tests/accuracy/sweep.hpp for the metric).
Modes (any combination; at least one):
  --exhaustive          float: all 2^32 bit patterns
  --stride K            float: every K-th bit pattern, plus adversarial points
  --sample N            double: N random inputs plus adversarial points
  --softmax             softmax and log_softmax, forward and backward, float and double
  --special             the special-values table: f and f' at NaN, +-inf, +-0, denormals, the
                        extremes and the underflow boundaries, each cell judged against MPFR
Options:
  --function NAME[,NAME...]  (repeatable; default all) relu leaky_relu prelu elu gelu gelu_tanh
                             sigmoid tanh swish silu selu celu softplus log_sigmoid mish
                             hard_sigmoid hard_swish relu6 hard_tanh softsign quick_gelu softmax
                             log_softmax (a name with two parameter rows selects both)
  --type float|double        (default both; float modes need float, --sample needs double)
  --direction D[,D...]       forward derivative backward param (default all)
  --threads N                (default: hardware concurrency)
  --seed S                   seed of --sample (default 1)
  --all-mpfr                 judge every point with MPFR, not only those the long-double tier
                             cannot settle (slow: mpfr_erfc alone takes 10-100 us)
  --markdown | --json        output format (default markdown)
  --check                    exit status 1 if any bound is exceeded
)";

[[noreturn]] void fail(const std::string& message)
{
    std::fprintf(stderr, "xact-accuracy: %s\n%s", message.c_str(), usage);
    std::exit(2);
}

std::vector<std::string> split_list(const std::string& s)
{
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty())
            out.push_back(item);
    return out;
}

struct options {
    std::uint64_t stride = 0; // 0: no float sweep
    std::uint64_t sample = 0; // 0: no double sample
    bool softmax = false;
    bool special = false;
    std::vector<std::string> functions;
    bool want_float = true, want_double = true;
    std::array<bool, 4> directions{true, true, true, true};
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::uint64_t seed = 1;
    bool json = false, check = false, all_mpfr = false;

    bool selected(const std::string& name) const
    {
        return functions.empty() || std::find(functions.begin(), functions.end(), name) != functions.end();
    }
};

std::uint64_t parse_count(const std::string& flag, const char* text)
{
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (!text[0] || *end || v == 0)
        fail(flag + " needs a positive integer, not '" + text + "'");
    return v;
}

options parse(int argc, char** argv)
{
    options o;
    bool directions_given = false;
    bool type_given = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc)
                fail(a + " needs a value");
            return argv[++i];
        };
        if (a == "--help" || a == "-h") {
            std::fputs(usage, stdout);
            std::exit(0);
        } else if (a == "--exhaustive") {
            o.stride = 1;
        } else if (a == "--stride") {
            o.stride = parse_count(a, value());
            if (o.stride > (std::uint64_t(1) << 31))
                fail("--stride is at most 2^31");
        } else if (a == "--sample") {
            o.sample = parse_count(a, value());
        } else if (a == "--softmax") {
            o.softmax = true;
        } else if (a == "--special") {
            o.special = true;
        } else if (a == "--function") {
            for (const auto& f : split_list(value())) {
                bool known = f == "softmax" || f == "log_softmax";
                for (const auto& info : elementwise_functions())
                    known |= f == info.name;
                if (!known)
                    fail("unknown function '" + f + "'");
                o.functions.push_back(f);
            }
        } else if (a == "--type") {
            const std::string t = value();
            if (t != "float" && t != "double")
                fail("--type is float or double");
            if (!type_given)
                o.want_float = o.want_double = false;
            type_given = true;
            (t == "float" ? o.want_float : o.want_double) = true;
        } else if (a == "--direction") {
            if (!directions_given)
                o.directions = {false, false, false, false};
            directions_given = true;
            for (const auto& d : split_list(value())) {
                int k = 0;
                while (k < 4 && d != name_of(static_cast<direction>(k)))
                    ++k;
                if (k == 4)
                    fail("unknown direction '" + d + "'");
                o.directions[k] = true;
            }
        } else if (a == "--threads") {
            o.threads = static_cast<unsigned>(parse_count(a, value()));
        } else if (a == "--seed") {
            o.seed = parse_count(a, value());
        } else if (a == "--markdown") {
            o.json = false;
        } else if (a == "--json") {
            o.json = true;
        } else if (a == "--all-mpfr") {
            o.all_mpfr = true;
        } else if (a == "--check") {
            o.check = true;
        } else {
            fail("unknown option '" + a + "'");
        }
    }
    if (!o.stride && !o.sample && !o.softmax && !o.special)
        fail("choose a mode: --exhaustive, --stride K, --sample N, --softmax or --special");
    return o;
}

// ---- output --------------------------------------------------------------------------------------

std::string format_error(double e)
{
    if (e < 0)
        return "-";
    if (std::isinf(e))
        return "inf";
    if (std::isnan(e))
        return "nan";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", e);
    return buf;
}

std::string format_value(const row& r, long double v)
{
    char buf[64];
    if (r.type == "float")
        std::snprintf(buf, sizeof buf, "%.9g (%a)", static_cast<double>(v), static_cast<double>(static_cast<float>(v)));
    else
        std::snprintf(buf, sizeof buf, "%.17g (%a)", static_cast<double>(v), static_cast<double>(v));
    return buf;
}

std::string where(const row& r)
{
    if (r.s.max < 0)
        return "-";
    if (!r.s.at.empty())
        return r.s.at;
    std::string s = "x = " + format_value(r, r.s.at_x);
    if (r.dir == "backward" || r.dir == "param")
        s += ", dy = " + format_value(r, r.s.at_dy);
    return s;
}

std::string json_string(const std::string& s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string json_number(double v)
{
    if (!std::isfinite(v))
        return std::isnan(v) ? "\"nan\"" : "\"inf\"";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

struct timing {
    std::string mode;
    double seconds;
};

const char* const metric_text =
    "err = |computed - exact| / ulp(exact), ulp(v) = 2^(floor(log2|v|) - p + 1) (p = 24 float, 53 double) for "
    "|v| >= the smallest normal, the smallest denormal below it; NaN must match NaN and inf the same inf "
    "(anything else: inf). \"mixed\" rows: derivative and backward within 1/8 of a root of f' where "
    "|f'(x)| <= 2^-10 max|f'|, err = |computed - exact| / (eps max|f'| |dy|) (dy = 1 for the derivative), "
    "eps = 2^-23 or 2^-52.";

const char* const method_text =
    "xact is called through its public pointer API (forward, derivative, backward on chunks of 16384 "
    "elements; backward with dy = +-[1, 2), a function of x's bits, exact = dy f'(x)); the parameter "
    "gradient (prelu alpha, elu alpha, swish beta) through the backward overload taking d_param on n = 1 "
    "arrays, so it is the per-element partial dy * df/dparam. Reference: MPFR at >= 128 bits (more where "
    "f' cancels next to its root). The element-wise sweeps use the long-double reference "
    "(tests/support/reference.hpp and reference_extra.hpp, error below 2^-36 ULP of float and 2^-7 ULP of double) as "
    "a fast tier, "
    "and MPFR for every point whose fast-tier error lies within 2^-20 ULP (float; 2^-6 double: the fast tier's "
    "own error is below both) of 1 ULP or of the bound, or above the bound, for every point within 1/8 of a root "
    "of f', and for each row's maximum: so maxima are MPFR's, and counts > 1 ULP and pass/fail are exact "
    "(--all-mpfr: MPFR for every point). softmax uses MPFR everywhere. "
    "softmax/log_softmax backward: elements within 2^-20 of cancelling (|a - b| <= 2^-20 (|a| + |b|) for "
    "dx_i's terms a - b: dy_i - <dy, y>, dy_i - y_i sum dy) leave the ulp rows for rows of their own with the "
    "mixed metric |err| / (eps y_i (|dy_i| + |<dy, y>|)) (softmax), |err| / (eps (|dy_i| + |y_i sum dy|)) "
    "(log_softmax).";

std::string command_line; // for the report's first lines

void print_markdown(const std::vector<row>& rows, const std::vector<timing>& times, const std::vector<std::string>& inputs)
{
    std::printf("# xact accuracy against MPFR\n\n");
    std::printf("Produced by `%s` (tests/accuracy/, built with the project's flags).\n\n", command_line.c_str());
    std::printf("Metric: %s\n\n", metric_text);
    std::printf("Method: %s\n\n", method_text);
    std::printf("Inputs:\n");
    for (const auto& s : inputs)
        std::printf("- %s\n", s.c_str());
    std::printf("\nTime:\n");
    for (const auto& t : times)
        std::printf("- %s: %.1f s\n", t.mode.c_str(), t.seconds);
    std::printf("\n| function | type | direction | max error | at input | metric | results > 1 ULP | inputs tested "
                "| bound | pass/fail | confirmed by |\n");
    std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (const auto& r : rows) {
        std::string fn = r.function + (r.parameter.empty() ? "" : " (" + r.parameter + ")");
        std::string tested = std::to_string(r.s.tested);
        if (r.s.excluded)
            tested += " (+" + std::to_string(r.s.excluded) + " excluded: cancellation)";
        std::printf("| %s | %s | %s | %s | %s | %s | %llu | %s | %g | %s | %s |\n", fn.c_str(), r.type.c_str(),
                    r.dir.c_str(), format_error(r.s.max).c_str(), where(r).c_str(), r.metric_name.c_str(),
                    static_cast<unsigned long long>(r.s.over_one), tested.c_str(), r.bound, r.pass() ? "pass" : "FAIL",
                    r.tier.c_str());
    }
}

void print_json(const std::vector<row>& rows, const std::vector<timing>& times, const std::vector<std::string>& inputs)
{
    std::printf("{\n  \"metric\": %s,\n  \"method\": %s,\n  \"inputs\": [", json_string(metric_text).c_str(),
                json_string(method_text).c_str());
    for (std::size_t i = 0; i < inputs.size(); ++i)
        std::printf("%s%s", i ? ", " : "", json_string(inputs[i]).c_str());
    std::printf("],\n  \"seconds\": {");
    for (std::size_t i = 0; i < times.size(); ++i)
        std::printf("%s%s: %.3f", i ? ", " : "", json_string(times[i].mode).c_str(), times[i].seconds);
    std::printf("},\n  \"results\": [\n");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const row& r = rows[i];
        std::printf("    {\"function\": %s, \"parameter\": %s, \"type\": %s, \"direction\": %s, \"max_error\": %s, "
                    "\"at_input\": %s, \"got\": %s, \"exact\": %s, \"metric\": %s, \"results_over_1_ulp\": %llu, "
                    "\"inputs_tested\": %llu, \"excluded\": %llu, \"mpfr_points\": %llu, \"bound\": %g, "
                    "\"pass\": %s, \"confirmed_by\": %s}%s\n",
                    json_string(r.function).c_str(), json_string(r.parameter).c_str(), json_string(r.type).c_str(),
                    json_string(r.dir).c_str(), json_number(r.s.max).c_str(), json_string(where(r)).c_str(),
                    json_number(static_cast<double>(r.s.got)).c_str(), json_number(static_cast<double>(r.s.want)).c_str(),
                    json_string(r.metric_name).c_str(), static_cast<unsigned long long>(r.s.over_one),
                    static_cast<unsigned long long>(r.s.tested), static_cast<unsigned long long>(r.s.excluded),
                    static_cast<unsigned long long>(r.s.by_mpfr), r.bound, r.pass() ? "true" : "false",
                    json_string(r.tier).c_str(), i + 1 < rows.size() ? "," : "");
    }
    std::printf("  ]\n}\n");
}

std::string format_number(double v, bool is_float)
{
    char buf[48];
    std::snprintf(buf, sizeof buf, is_float ? "%.9g" : "%.17g", v);
    return buf;
}

// One table per type: rows are function x input, cells xact's f(x) and f'(x), the verdict the
// errors against MPFR.
void print_special_markdown(const std::vector<special_cell>& cells)
{
    std::printf("\n## Special values\n\nxact's f(x) and f'(x) (through the pointer API) at the special inputs "
                "and at the underflow boundaries: \"last f normal (-)\" is the most negative input whose exact "
                "f(x) is still a normal number, \"last f nonzero\" the last whose exact f(x) does not round to 0, "
                "\"next\" the input one step beyond. Each cell is judged against MPFR with the bounds above "
                "(NaN, infinities and zeros must match exactly, and a zero carries the exact value's sign where "
                "that is known: where the exact value is nonzero, and at x = +-0). `xact-accuracy --special "
                "--check` asserts every cell (ctest accuracy/special).\n");
    std::string type;
    for (const auto& c : cells) {
        if (c.type != type) {
            type = c.type;
            std::printf("\n### %s\n\n| function | input | x | f(x) | f'(x) | error f / f' (ULP) | pass |\n"
                        "| --- | --- | --- | --- | --- | --- | --- |\n", type.c_str());
        }
        const bool f = c.type == "float";
        std::printf("| %s | %s | %s | %s | %s | %s / %s | %s |\n", c.function.c_str(), c.label.c_str(),
                    format_number(c.x, f).c_str(), format_number(c.f, f).c_str(), format_number(c.fp, f).c_str(),
                    format_error(c.err_f).c_str(), format_error(c.err_fp).c_str(), c.pass() ? "pass" : "FAIL");
    }
}

// ---- the modes ---------------------------------------------------------------------------------

template <class T>
void run_elementwise(const options& o, const input_source<T>& inputs, const std::string& mode, bool all_mpfr,
                     std::vector<row>& rows, std::vector<timing>& times)
{
    sweep_options so;
    so.threads = o.threads;
    so.all_mpfr = all_mpfr;
    so.directions = o.directions;
    std::vector<const function_info*> fns;
    for (const auto& f : elementwise_functions())
        if (o.selected(f.name))
            fns.push_back(&f);
    if (fns.empty())
        return;
    progress prog(inputs.count * fns.size(), true);
    for (const function_info* f : fns) {
        const auto start = std::chrono::steady_clock::now();
        for (auto& r : sweep_elementwise<T>(*f, inputs, so, prog))
            rows.push_back(std::move(r));
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::fprintf(stderr, "xact-accuracy: %s %s done in %.1f s\n", mode.c_str(), f->name, s);
    }
    times.push_back({mode, prog.seconds()});
}

} // namespace

int main(int argc, char** argv)
{
    const options o = parse(argc, argv);
    command_line = "xact-accuracy";
    for (int i = 1; i < argc; ++i)
        command_line += std::string(" ") + argv[i];
    std::vector<row> rows;
    std::vector<timing> times;
    std::vector<std::string> inputs;

    if (o.stride && o.want_float) {
        const auto in = float_patterns(o.stride);
        inputs.push_back("float: " + in.description);
        run_elementwise<float>(o, in, o.stride == 1 ? "float exhaustive" : "float stride " + std::to_string(o.stride),
                               o.all_mpfr, rows, times);
    }
    if (o.sample && o.want_double) {
        const auto in = double_sample(o.sample, o.seed);
        inputs.push_back("double: " + in.description);
        run_elementwise<double>(o, in, "double sample " + std::to_string(o.sample), o.all_mpfr, rows, times);
    }
    if (o.softmax && (o.selected("softmax") || o.selected("log_softmax")) &&
        (o.directions[0] || o.directions[2])) {
        inputs.push_back("softmax/log_softmax: lengths 1, 2, 3, 7, 15, 16, 17, 100, 1000, 4096, 65536 (short ones "
                         "repeated up to 32 times), kinds random [-10, 10], constant, huge-range +-10^[0, 5], masked "
                         "(half -inf, masked_zero)");
        const auto start = std::chrono::steady_clock::now();
        std::vector<row> sm;
        if (o.want_float)
            sm = sweep_softmax<float>(o.threads);
        if (o.want_double)
            for (auto& r : sweep_softmax<double>(o.threads))
                sm.push_back(std::move(r));
        for (auto& r : sm)
            if (o.selected(r.function) && o.directions[r.dir == "forward" ? 0 : 2])
                rows.push_back(std::move(r));
        times.push_back({"softmax", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
    }

    std::vector<special_cell> special;
    if (o.special) {
        std::vector<std::string> names;
        for (const auto& f : elementwise_functions())
            if (o.selected(f.name))
                names.push_back(f.name);
        if (o.want_float)
            special = special_values<float>(names);
        if (o.want_double)
            for (auto& c : special_values<double>(names))
                special.push_back(std::move(c));
    }

    if (o.json) {
        print_json(rows, times, inputs);
    } else {
        if (!rows.empty())
            print_markdown(rows, times, inputs);
        else if (!special.empty())
            std::printf("# xact special values\n\nProduced by `%s`.\n", command_line.c_str());
        if (!special.empty())
            print_special_markdown(special);
    }

    bool ok = true;
    for (const auto& r : rows)
        ok &= r.pass();
    for (const auto& c : special) {
        if (!c.pass())
            std::fprintf(stderr, "xact-accuracy: special value fails: %s %s at %s (x = %.17g): f = %.17g (error %g), "
                                 "f' = %.17g (error %g)\n", c.function.c_str(), c.type.c_str(), c.label.c_str(), c.x,
                         c.f, c.err_f, c.fp, c.err_fp);
        ok &= c.pass();
    }
    return o.check && !ok ? 1 : 0;
}
