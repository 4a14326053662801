// Draws each element-wise activation f and its derivative f' on [-5, 5] (or wider where the
// function has more to show), one SVG per function,
// computed with xact::forward and xact::derivative on an Eigen array. The SVG is written by
// hand (no plotting library): axes, grid, ticks, a legend and the two curves.
//
//   plot [OUTPUT_DIR]      (default docs/img; created if missing)
//
// To draw another function, add one line to the table in main().
#include <xact/xact.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using array = Eigen::ArrayXd;

// One picture: its file name (without .svg), its title, x's range [-reach, reach], and f and f'
// on a grid.
struct plot_entry {
    std::string file;
    std::string title;
    int reach;
    std::function<void(const array& x, array& f, array& df)> evaluate;
};

// parameters: as the title shows them, e.g. "alpha = 0.1"; empty for none.
template <class F>
plot_entry entry(const F& f, const std::string& parameters = "", int reach = 5)
{
    std::string title = F::name;
    if (!parameters.empty())
        title += " (" + parameters + ")";
    return {F::name, title, reach, [f](const array& x, array& y, array& d) {
                xact::forward(f, x, y);    // y = f(x)
                xact::derivative(f, x, d); // d = f'(x)
            }};
}

// The picture's geometry, in SVG user units (the viewBox).
constexpr double width = 480, height = 320;
constexpr double left = 48, right = 464, top = 36, bottom = 290; // the plotting area
constexpr int samples = 201; // x = -reach, ..., reach, with 0 (where the kinks are) on the grid

struct series {
    const array* values;
    const char* label; // UTF-8
    const char* colour;
    const char* dash; // stroke-dasharray, or "" for a solid line: f' stays apart without colour
};

std::string number(double v, int decimals)
{
    if (std::abs(v) < 0.5 * std::pow(10.0, -decimals))
        v = 0; // no "-0"
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    return text;
}

std::string escaped(const std::string& s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

// A round tick step (1, 2 or 5 times a power of ten) giving about `count` intervals over span.
double tick_step(double span, int count)
{
    const double raw = span / count;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double r = raw / magnitude;
    return (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * magnitude;
}

int decimals_for(double step)
{
    return std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
}

std::string svg(const std::string& title, const array& x, const std::array<series, 2>& curves)
{
    const double x_min = x[0], x_max = x[x.size() - 1];
    const int x_step = x_max - x_min > 12 ? 2 : 1;
    // y range: both curves and 0, padded a little so that no curve runs along the frame.
    double lo = 0, hi = 0;
    for (const series& s : curves) {
        lo = std::min(lo, s.values->minCoeff());
        hi = std::max(hi, s.values->maxCoeff());
    }
    const double pad = 0.06 * (hi - lo);
    const double y_min = lo - pad, y_max = hi + pad;
    const auto px = [&](double v) { return left + (v - x_min) / (x_max - x_min) * (right - left); };
    const auto py = [&](double v) { return bottom - (v - y_min) / (y_max - y_min) * (bottom - top); };

    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
        << "\" viewBox=\"0 0 " << width << ' ' << height
        << "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">\n"
        << "<title>" << escaped(title) << ": f and f\xE2\x80\xB2" " on [" << x_min << ", " << x_max
        << "]</title>\n"
        << "<rect width=\"" << width << "\" height=\"" << height << "\" fill=\"#ffffff\"/>\n";

    // Grid and tick labels.
    out << "<g stroke=\"#e5e7eb\" stroke-width=\"1\">\n";
    for (int t = static_cast<int>(x_min); t <= static_cast<int>(x_max); t += x_step)
        out << "<line x1=\"" << number(px(t), 2) << "\" y1=\"" << top << "\" x2=\"" << number(px(t), 2) << "\" y2=\""
            << bottom << "\"/>\n";
    const double y_step = tick_step(y_max - y_min, 6);
    const int y_decimals = decimals_for(y_step);
    std::vector<double> y_ticks;
    for (double k = std::ceil(y_min / y_step); k * y_step <= y_max; ++k)
        y_ticks.push_back(k * y_step);
    for (double t : y_ticks)
        out << "<line x1=\"" << left << "\" y1=\"" << number(py(t), 2) << "\" x2=\"" << right << "\" y2=\""
            << number(py(t), 2) << "\"/>\n";
    out << "</g>\n<g fill=\"#374151\">\n";
    for (int t = static_cast<int>(x_min); t <= static_cast<int>(x_max); t += x_step)
        out << "<text x=\"" << number(px(t), 2) << "\" y=\"" << bottom + 16 << "\" text-anchor=\"middle\">" << t
            << "</text>\n";
    for (double t : y_ticks)
        out << "<text x=\"" << left - 6 << "\" y=\"" << number(py(t) + 4, 2) << "\" text-anchor=\"end\">"
            << number(t, y_decimals) << "</text>\n";
    out << "</g>\n";

    // The axes through 0, and the frame.
    out << "<g stroke=\"#9ca3af\" stroke-width=\"1\">\n"
        << "<line x1=\"" << number(px(0), 2) << "\" y1=\"" << top << "\" x2=\"" << number(px(0), 2) << "\" y2=\""
        << bottom << "\"/>\n"
        << "<line x1=\"" << left << "\" y1=\"" << number(py(0), 2) << "\" x2=\"" << right << "\" y2=\""
        << number(py(0), 2) << "\"/>\n"
        << "</g>\n"
        << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << right - left << "\" height=\""
        << bottom - top << "\" fill=\"none\" stroke=\"#6b7280\" stroke-width=\"1\"/>\n";

    // The curves.
    for (const series& s : curves) {
        out << "<polyline fill=\"none\" stroke=\"" << s.colour << "\" stroke-width=\"2\" stroke-linejoin=\"round\"";
        if (*s.dash)
            out << " stroke-dasharray=\"" << s.dash << '"';
        out << " points=\"";
        for (Eigen::Index i = 0; i < x.size(); ++i)
            out << (i ? " " : "") << number(px(x[i]), 2) << ',' << number(py((*s.values)[i]), 2);
        out << "\"/>\n";
    }

    // The legend, in the corner of the plotting area that the curves cross least.
    constexpr double legend_w = 64, legend_h = 42, margin = 8;
    const std::array<std::array<double, 2>, 4> corners{{{left + margin, top + margin},
                                                        {right - margin - legend_w, top + margin},
                                                        {right - margin - legend_w, bottom - margin - legend_h},
                                                        {left + margin, bottom - margin - legend_h}}};
    std::array<int, 2> best{0, 1 << 30};
    for (int c = 0; c < 4; ++c) {
        int crossings = 0;
        for (const series& s : curves)
            for (Eigen::Index i = 0; i < x.size(); ++i) {
                const double u = px(x[i]), v = py((*s.values)[i]);
                crossings += u >= corners[c][0] - 4 && u <= corners[c][0] + legend_w + 4 && v >= corners[c][1] - 4 &&
                             v <= corners[c][1] + legend_h + 4;
            }
        if (crossings < best[1])
            best = {c, crossings};
    }
    const double lx = corners[best[0]][0], ly = corners[best[0]][1];
    out << "<rect x=\"" << lx << "\" y=\"" << ly << "\" width=\"" << legend_w << "\" height=\"" << legend_h
        << "\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#d1d5db\"/>\n";
    for (int k = 0; k < 2; ++k) {
        const double row = ly + 14 + 16 * k;
        out << "<line x1=\"" << lx + 8 << "\" y1=\"" << row << "\" x2=\"" << lx + 32 << "\" y2=\"" << row
            << "\" stroke=\"" << curves[k].colour << "\" stroke-width=\"2\"";
        if (*curves[k].dash)
            out << " stroke-dasharray=\"" << curves[k].dash << '"';
        out << "/>\n<text x=\"" << lx + 40 << "\" y=\"" << row + 4 << "\" fill=\"#111827\" font-size=\"12\">"
            << curves[k].label << "</text>\n";
    }

    out << "<text x=\"" << width / 2 << "\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\""
        << " fill=\"#111827\">" << escaped(title) << "</text>\n"
        << "</svg>\n";
    return out.str();
}

} // namespace

int main(int argc, char** argv)
{
    if (argc > 2 || (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h"))) {
        std::fprintf(stderr, "usage: plot [OUTPUT_DIR]   (default docs/img)\n");
        return argc > 2 ? 2 : 0;
    }
    const std::filesystem::path directory = argc == 2 ? argv[1] : "docs/img";

    // One line per picture: the function, its parameters as the title shows them, and x's reach
    // where [-5, 5] is not enough.
    const std::vector<plot_entry> entries = {
        entry(xact::relu{}),
        entry(xact::leaky_relu{0.1}, "alpha = 0.1"),
        entry(xact::prelu{0.25}, "alpha = 0.25"),
        entry(xact::elu{1.0}, "alpha = 1"),
        entry(xact::gelu{}),
        entry(xact::gelu_tanh{}),
        entry(xact::sigmoid{}),
        entry(xact::tanh{}),
        entry(xact::swish{1.5}, "beta = 1.5"),
        entry(xact::silu{}),
        entry(xact::quick_gelu{}),
        entry(xact::selu{}),
        entry(xact::celu{0.5}, "alpha = 0.5"),
        entry(xact::relu6{}, "", 8),
        entry(xact::hard_tanh{}),
        entry(xact::hard_sigmoid{}),
        entry(xact::hard_swish{}),
        entry(xact::softsign{}),
        entry(xact::softplus{}),
        entry(xact::log_sigmoid{}),
        entry(xact::mish{}),
    };

    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error) {
        std::fprintf(stderr, "plot: cannot create %s: %s\n", directory.string().c_str(), error.message().c_str());
        return 1;
    }

    array x(samples), f(samples), df(samples);
    for (const plot_entry& e : entries) {
        for (int i = 0; i < samples; ++i)
            x[i] = static_cast<double>((i - samples / 2) * e.reach) / (samples / 2); // exact at 0 and the ends
        e.evaluate(x, f, df);
        if (!f.isFinite().all() || !df.isFinite().all()) {
            std::fprintf(stderr, "plot: %s is not finite on [%d, %d]\n", e.title.c_str(), -e.reach, e.reach);
            return 1;
        }
        const std::string picture =
            svg(e.title, x, {{{&f, "f", "#1f77b4", ""}, {&df, "f\xE2\x80\xB2", "#d95f02", "6 3"}}});
        const std::filesystem::path file = directory / (e.file + ".svg");
        std::ofstream stream(file, std::ios::binary);
        stream << picture;
        if (!stream.flush()) {
            std::fprintf(stderr, "plot: cannot write %s\n", file.string().c_str());
            return 1;
        }
        std::printf("%s\n", file.string().c_str());
    }
    return 0;
}
