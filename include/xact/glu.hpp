// Gated linear units (Dauphin et al. 2017, "Language modeling with gated convolutional
// networks"; Shazeer 2020, "GLU variants improve Transformer"): the input splits into halves
// [a; b], one half goes through an activation and gates the other.
//   glu        y = a ⊙ sigmoid(b)     the SECOND half is activated (as PyTorch's F.glu)
//   reglu      y = relu(a) ⊙ b        the first half is activated (as in Shazeer's paper)
//   geglu      y = gelu(a) ⊙ b        exact gelu (erf form)
//   geglu_tanh y = gelu_tanh(a) ⊙ b   gelu's tanh approximation
//   swiglu     y = swish_beta(a) ⊙ b  beta defaults to 1 (silu)
// With z the activated half (the gate) and w the other (the value), y = act(z) w and
//   d_gate  = (dy w) act'(z)   (this order of products: backward(act, z, dy * w))
//   d_value = dy act(z)
// a is always the first half and b the second, in the split and the separate forms alike; da
// and db are their gradients. Forward and backward are one pass over memory each: y = act(z) w
// is one rounding of act(z) times w, so the result equals xact::forward(act, z) multiplied by
// w bit for bit (and the gradients the composition above), with act's accuracy (its functor's
// header).
//
// Shapes: Eigen's column-per-sample convention. In the split form x has 2C rows (channels: a
// is rows [0, C), b rows [C, 2C)) and N columns, y and dy are C x N, dx is 2C x N. A 1-D object
// of 2n elements (row or column) splits along its length. Raw pointers: x is column-major
// 2C x N (each sample's a then b), y column-major C x N; the separate forms take n elements
// each. In-place: y may be exactly a or b (x's first or second half); da and db may each be
// exactly a, b or dy (dx may be x), but da and db must not share memory, and partial overlap is
// an error. Errors throw std::invalid_argument (see xact/config.hpp) before any output is
// written: an odd number of rows, mismatched shapes, null pointers with n > 0, overlap.
#pragma once

#include <cstddef>
#include <type_traits>

#include <Eigen/Core>

#include "engine/eigen.hpp"
#include "engine/glu.hpp"
#include "functors/gelu.hpp"
#include "functors/gelu_tanh.hpp"
#include "functors/relu.hpp"
#include "functors/sigmoid.hpp"
#include "functors/swish.hpp"
#include "operations.hpp"

namespace xact {

// y = a ⊙ sigmoid(b): the second half gates the first (PyTorch's F.glu).
struct glu {
    static constexpr const char* name = "glu";
    static constexpr bool gate_second = true;
    constexpr sigmoid activation() const noexcept { return {}; }
};

// y = relu(a) ⊙ b.
struct reglu {
    static constexpr const char* name = "reglu";
    static constexpr bool gate_second = false;
    constexpr relu activation() const noexcept { return {}; }
};

// y = gelu(a) ⊙ b, exact (erf) gelu.
struct geglu {
    static constexpr const char* name = "geglu";
    static constexpr bool gate_second = false;
    constexpr gelu activation() const noexcept { return {}; }
};

// y = gelu_tanh(a) ⊙ b, gelu's tanh approximation.
struct geglu_tanh {
    static constexpr const char* name = "geglu_tanh";
    static constexpr bool gate_second = false;
    constexpr gelu_tanh activation() const noexcept { return {}; }
};

// y = swish_beta(a) ⊙ b = a sigmoid(beta a) ⊙ b; beta = 1 is silu (SwiGLU as in LLaMA).
struct swiglu {
    static constexpr const char* name = "swiglu";
    static constexpr bool gate_second = false;
    double beta = 1.0;

    constexpr swiglu() = default;
    constexpr explicit swiglu(double b) noexcept : beta(b) {}
    constexpr swish activation() const noexcept { return swish(beta); }
};

namespace detail {

template <class G, class T>
void check_gated()
{
    static_assert(engine::is_gated_v<G>, "xact::glu_forward / glu_backward: the first argument must be a gated "
                                         "unit (xact::glu, reglu, geglu, geglu_tanh, swiglu)");
    static_assert(engine::supported_scalar_v<T>, "xact: the scalar type must be float or double");
}

// The plain type of x's half: half the rows, or half the length of a 1-D row object.
template <class XD>
struct half_plain {
    using P = typename XD::PlainObject;
    static constexpr int rows = P::RowsAtCompileTime, cols = P::ColsAtCompileTime;
    static constexpr bool by_columns = P::IsVectorAtCompileTime && rows == 1;
    static constexpr int half_rows = by_columns || rows == Eigen::Dynamic ? rows : rows / 2;
    static constexpr int half_cols = !by_columns || cols == Eigen::Dynamic ? cols : cols / 2;
    static constexpr int options = half_rows == 1 && half_cols != 1   ? Eigen::RowMajor
                                   : half_cols == 1 && half_rows != 1 ? Eigen::ColMajor
                                                                      : (P::Options & Eigen::RowMajor);
    static_assert((by_columns ? cols : rows) == Eigen::Dynamic || (by_columns ? cols : rows) % 2 == 0,
                  "xact::glu_forward: x has an odd fixed number of rows (elements); it must split into halves");
    using type = std::conditional_t<std::is_base_of_v<Eigen::ArrayBase<P>, P>,
                                    Eigen::Array<typename P::Scalar, half_rows, half_cols, options>,
                                    Eigen::Matrix<typename P::Scalar, half_rows, half_cols, options>>;
};

} // namespace detail

// ---- forward, split: y = act(z) w from x = [a; b] ------------------------------------------------
template <class G, class XD, class YD, std::enable_if_t<engine::is_gated_v<G> && detail::is_eigen_v<YD>, int> = 0>
void glu_forward(const G& g, const Eigen::DenseBase<XD>& x, YD&& y)
{
    static_assert(detail::same_scalar_v<XD, YD>, "xact::glu_forward: x and y must have the same scalar type");
    detail::check_gated<G, typename XD::Scalar>();
    engine::with_input(x, [&](auto xv) {
        engine::glu_forward_split(engine::call_site{"glu_forward", G::name}, g, xv, engine::output_view(y));
    });
}

// Returns y, of half x's rows (half its length for a 1-D row object).
template <class G, class XD, std::enable_if_t<engine::is_gated_v<G>, int> = 0>
typename detail::half_plain<XD>::type glu_forward(const G& g, const Eigen::DenseBase<XD>& x)
{
    typename detail::half_plain<XD>::type y;
    const bool by_columns = detail::half_plain<XD>::by_columns;
    y.resize(by_columns ? x.rows() : x.rows() / 2, by_columns ? x.cols() / 2 : x.cols());
    glu_forward(g, x, y);
    return y;
}

// ---- forward, separate inputs: y = act(z) w from a and b of one shape -----------------------------
template <class G, class AD, class BD, class YD,
          std::enable_if_t<engine::is_gated_v<G> && detail::is_eigen_v<YD>, int> = 0>
void glu_forward(const G& g, const Eigen::DenseBase<AD>& a, const Eigen::DenseBase<BD>& b, YD&& y)
{
    static_assert(detail::same_scalar_v<AD, BD, YD>, "xact::glu_forward: a, b and y must have the same scalar type");
    detail::check_gated<G, typename AD::Scalar>();
    engine::with_input(a, [&](auto av) {
        engine::with_input(b, [&](auto bv) {
            engine::glu_forward(engine::call_site{"glu_forward", G::name}, g, av, bv, engine::output_view(y));
        });
    });
}

// ---- backward, split: dx = [da; db] from x = [a; b] and dy ------------------------------------------
template <class G, class XD, class GD, class DD, std::enable_if_t<engine::is_gated_v<G> && detail::is_eigen_v<DD>, int> = 0>
void glu_backward(const G& g, const Eigen::DenseBase<XD>& x, const Eigen::DenseBase<GD>& dy, DD&& dx)
{
    static_assert(detail::same_scalar_v<XD, GD, DD>, "xact::glu_backward: x, dy and dx must have the same scalar type");
    detail::check_gated<G, typename XD::Scalar>();
    engine::with_input(x, [&](auto xv) {
        engine::with_input(dy, [&](auto gv) {
            engine::glu_backward_split(engine::call_site{"glu_backward", G::name}, g, xv, gv, engine::output_view(dx));
        });
    });
}

// Returns dx, of x's shape.
template <class G, class XD, class GD, std::enable_if_t<engine::is_gated_v<G>, int> = 0>
typename XD::PlainObject glu_backward(const G& g, const Eigen::DenseBase<XD>& x, const Eigen::DenseBase<GD>& dy)
{
    typename XD::PlainObject dx;
    dx.resize(x.rows(), x.cols());
    glu_backward(g, x, dy, dx);
    return dx;
}

// ---- backward, separate: da and db from a, b and dy of one shape -----------------------------------
template <class G, class AD, class BD, class GD, class DAD, class DBD,
          std::enable_if_t<engine::is_gated_v<G> && detail::is_eigen_v<DAD> && detail::is_eigen_v<DBD>, int> = 0>
void glu_backward(const G& g, const Eigen::DenseBase<AD>& a, const Eigen::DenseBase<BD>& b,
                  const Eigen::DenseBase<GD>& dy, DAD&& da, DBD&& db)
{
    static_assert(detail::same_scalar_v<AD, BD, GD, DAD, DBD>,
                  "xact::glu_backward: a, b, dy, da and db must have the same scalar type");
    detail::check_gated<G, typename AD::Scalar>();
    engine::with_input(a, [&](auto av) {
        engine::with_input(b, [&](auto bv) {
            engine::with_input(dy, [&](auto gv) {
                engine::glu_backward(engine::call_site{"glu_backward", G::name}, g, av, bv, gv, engine::output_view(da),
                                     engine::output_view(db));
            });
        });
    });
}

// ---- raw pointers -------------------------------------------------------------------------------------
// Split: x column-major (2 channels) x samples, y channels x samples.
template <class G, class T, std::enable_if_t<engine::is_gated_v<G>, int> = 0>
void glu_forward(const G& g, const T* x, T* y, std::size_t channels, std::size_t samples = 1)
{
    detail::check_gated<G, T>();
    const engine::call_site site{"glu_forward", G::name};
    engine::check_pointer(site, x, 2 * channels * samples, "x");
    engine::check_pointer(site, y, channels * samples, "y");
    engine::glu_forward_split(site, g, engine::matrix_view(x, 2 * channels, samples),
                              engine::matrix_view(y, channels, samples));
}

// Separate: n elements each.
template <class G, class T, std::enable_if_t<engine::is_gated_v<G>, int> = 0>
void glu_forward(const G& g, const T* a, const T* b, T* y, std::size_t n)
{
    detail::check_gated<G, T>();
    const engine::call_site site{"glu_forward", G::name};
    engine::check_pointer(site, a, n, "a");
    engine::check_pointer(site, b, n, "b");
    engine::check_pointer(site, y, n, "y");
    engine::glu_forward(site, g, engine::vector_view(a, n), engine::vector_view(b, n), engine::vector_view(y, n));
}

// Split: x and dx column-major (2 channels) x samples, dy channels x samples.
template <class G, class T, std::enable_if_t<engine::is_gated_v<G>, int> = 0>
void glu_backward(const G& g, const T* x, const T* dy, T* dx, std::size_t channels, std::size_t samples = 1)
{
    detail::check_gated<G, T>();
    const engine::call_site site{"glu_backward", G::name};
    engine::check_pointer(site, x, 2 * channels * samples, "x");
    engine::check_pointer(site, dy, channels * samples, "dy");
    engine::check_pointer(site, dx, 2 * channels * samples, "dx");
    engine::glu_backward_split(site, g, engine::matrix_view(x, 2 * channels, samples),
                               engine::matrix_view(dy, channels, samples), engine::matrix_view(dx, 2 * channels, samples));
}

// Separate: n elements each.
template <class G, class T, std::enable_if_t<engine::is_gated_v<G>, int> = 0>
void glu_backward(const G& g, const T* a, const T* b, const T* dy, T* da, T* db, std::size_t n)
{
    detail::check_gated<G, T>();
    const engine::call_site site{"glu_backward", G::name};
    for (auto [p, name] : {std::pair<const T*, const char*>{a, "a"}, {b, "b"}, {dy, "dy"}, {da, "da"}, {db, "db"}})
        engine::check_pointer(site, p, n, name);
    engine::glu_backward(site, g, engine::vector_view(a, n), engine::vector_view(b, n), engine::vector_view(dy, n),
                         engine::vector_view(da, n), engine::vector_view(db, n));
}

} // namespace xact
