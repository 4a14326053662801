// A user's program: every activation through the installed package, checked against plain
// formulas at a few points.
#include <cmath>
#include <cstdio>

#include <Eigen/Core>
#include <xact/xact.hpp>

#if defined(XACT_EXPECTED_VERSION_MAJOR)
static_assert(XACT_VERSION_MAJOR == XACT_EXPECTED_VERSION_MAJOR &&
                  XACT_VERSION_MINOR == XACT_EXPECTED_VERSION_MINOR &&
                  XACT_VERSION_PATCH == XACT_EXPECTED_VERSION_PATCH,
              "xact/version.hpp disagrees with the version CMake reports");
#endif

static const double pi = 3.14159265358979323846;
static int failures = 0;

static void expect(const char* what, double got, double want)
{
    if (!(std::fabs(got - want) <= 1e-6 * (1 + std::fabs(want)))) {
        std::printf("FAIL %s: got %.9g, want %.9g\n", what, got, want);
        ++failures;
    }
}

int main()
{
    Eigen::ArrayXf x(3);
    x << -1.0f, 0.5f, 2.0f;
    const double v = 0.5;
    expect("relu", xact::forward(xact::relu{}, x)(1), v);
    expect("leaky_relu", xact::forward(xact::leaky_relu{0.1}, x)(0), -0.1);
    expect("prelu", xact::forward(xact::prelu{0.2}, x)(0), -0.2);
    expect("elu", xact::forward(xact::elu{}, x)(0), std::expm1(-1.0));
    expect("gelu", xact::forward(xact::gelu{}, x)(1), 0.5 * v * std::erfc(-v / std::sqrt(2.0)));
    const double u = std::sqrt(2 / pi) * (v + 0.044715 * v * v * v);
    expect("gelu_tanh", xact::forward(xact::gelu_tanh{}, x)(1), 0.5 * v * (1 + std::tanh(u)));
    expect("sigmoid", xact::forward(xact::sigmoid{}, x)(1), 1 / (1 + std::exp(-v)));
    expect("tanh", xact::forward(xact::tanh{}, x)(1), std::tanh(v));
    expect("silu", xact::forward(xact::silu{}, x)(1), v / (1 + std::exp(-v)));
    expect("swish", xact::forward(xact::swish{2.0}, x)(1), v / (1 + std::exp(-2 * v)));
    const Eigen::ArrayXf s = xact::forward(xact::softmax{}, x);
    expect("softmax", s(2), std::exp(2.0) / (std::exp(-1.0) + std::exp(0.5) + std::exp(2.0)));
    const Eigen::ArrayXf ls = xact::forward(xact::log_softmax{}, x);
    expect("log_softmax", ls(2), std::log(s(2)));
    expect("gelu'", xact::derivative(xact::gelu{}, x)(1),
           0.5 * std::erfc(-v / std::sqrt(2.0)) + v * std::exp(-v * v / 2) / std::sqrt(2 * pi));
    std::printf("xact %s consumer: %s\n", XACT_VERSION_STRING, failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
