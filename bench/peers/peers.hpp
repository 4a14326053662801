// The table of implementations xact-bench times: xact itself, the baselines (a scalar <cmath>
// loop, an Eigen array expression) and the peer libraries (oneDNN, XNNPACK, PyTorch), each
// registered from its own file under (library, function, direction, type).
//
// A registered entry prepares a run for one problem: everything that allocates or builds
// (primitives, operators, tensors, argument maps) happens in `prepare`, outside the timed
// region; the returned `run` is the timed call and nothing else. Peers run on one thread.
#pragma once

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace xact_bench {

enum class direction { forward, derivative, backward, backward_from_output, backward_parameter };

inline const char* name_of(direction d)
{
    switch (d) {
    case direction::forward: return "forward";
    case direction::derivative: return "derivative";
    case direction::backward: return "backward";
    case direction::backward_from_output: return "backward_from_output";
    case direction::backward_parameter: return "backward_parameter";
    }
    return "?";
}

// The parameters every implementation uses, so that all of them compute the same function.
inline constexpr double leaky_relu_alpha = 0.01;
inline constexpr double prelu_alpha = 0.25;
inline constexpr double elu_alpha = 1.0;
inline constexpr double swish_beta = 1.5;
inline constexpr double celu_alpha = 1.0;      // PyTorch's default
inline constexpr double softplus_beta = 1.0;   // PyTorch's defaults
inline constexpr double softplus_threshold = 20.0;
inline constexpr double hard_tanh_min = -1.0, hard_tanh_max = 1.0;

// One problem: `vectors` contiguous vectors of `length` elements (softmax and log_softmax
// normalise each vector; element-wise functions get length = n, vectors = 1).
//   forward               out = f(x)
//   derivative            out = f'(x)
//   backward              out = dy f'(x)                  (dx)
//   backward_from_output  out = dy f'(x), reading y = f(x)
//   backward_parameter    out = dx and *d_param = sum(dy df/dparam) (elu alpha, swish beta, prelu alpha)
// The gated units (glu, reglu, geglu, geglu_tanh, swiglu) take two halves a = x and b, n each
// (see <xact/glu.hpp> for which half is activated):
//   forward               out = the gated product
//   backward              out = da and out2 = db
template <class T>
struct problem {
    std::size_t length, vectors;
    const T* x;
    const T* y;
    const T* dy;
    T* out;
    T* d_param;
    const T* b = nullptr; // the gated units' second half
    T* out2 = nullptr;    // and its gradient

    std::size_t size() const { return length * vectors; }
};

// A prepared run. `finish`, when there is one, moves a result the run left elsewhere into the
// problem's output after the timing (for an operation that cannot write into a given buffer).
struct prepared {
    std::function<void()> run;
    std::function<void()> finish;
};

// Thrown by `prepare` when the library cannot compute this case; the bench prints the message
// as a note and leaves the row out.
struct unsupported : std::runtime_error {
    using std::runtime_error::runtime_error;
};

template <class T>
using preparer = std::function<prepared(const problem<T>&)>;

template <class T>
struct entry {
    std::string library, function;
    direction dir;
    preparer<T> prepare;
};

class registry {
public:
    template <class T>
    void add(std::string library, std::string function, direction d, preparer<T> p)
    {
        entries<T>().push_back({std::move(library), std::move(function), d, std::move(p)});
    }

    // Registers the same preparer template for float and double.
    template <class Make>
    void add_both(const std::string& library, const std::string& function, direction d, Make make)
    {
        add<float>(library, function, d, make(float{}));
        add<double>(library, function, d, make(double{}));
    }

    void note(const std::string& text)
    {
        for (const std::string& n : notes_)
            if (n == text)
                return;
        notes_.push_back(text);
    }

    template <class T>
    std::vector<entry<T>>& entries()
    {
        if constexpr (sizeof(T) == sizeof(float))
            return float_;
        else
            return double_;
    }

    const std::vector<std::string>& notes() const { return notes_; }

private:
    std::vector<entry<float>> float_;
    std::vector<entry<double>> double_;
    std::vector<std::string> notes_;
};

// The libraries whose throughput the "vs best peer" ratio compares xact with: the three kernel
// libraries and the Eigen expression a user would write instead (the list of what xact
// must beat); not the scalar loop or the ceilings.
inline bool is_peer_library(const std::string& library)
{
    return library == "onednn" || library == "xnnpack" || library == "torch" || library == "eigen";
}

void register_xact(registry& r);
void register_scalar(registry& r);
void register_eigen(registry& r);
#ifdef XACT_BENCH_HAVE_ONEDNN
void register_onednn(registry& r);
#endif
#ifdef XACT_BENCH_HAVE_XNNPACK
void register_xnnpack(registry& r);
#endif
#ifdef XACT_BENCH_HAVE_TORCH
void register_torch(registry& r);
#endif

} // namespace xact_bench
