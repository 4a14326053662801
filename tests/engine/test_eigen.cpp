// The Eigen adapter (engine/eigen.hpp): every kind of dense object gives the same bits as the
// pointer form on a contiguous copy, expressions are evaluated once, and in-place works.
#include <Eigen/Core>

#include "support/harness.hpp"

#include <xact/xact.hpp>

using namespace xact_test;

namespace {

// f over a contiguous copy of x, through the pointer form.
template <class F, class D>
typename D::PlainObject expected_forward(const F& f, const Eigen::DenseBase<D>& x)
{
    using T = typename D::Scalar;
    Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic> c = x.derived().template cast<T>().array();
    Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic> y(c.rows(), c.cols());
    xact::forward(f, c.data(), y.data(), static_cast<std::size_t>(c.size()));
    typename D::PlainObject out;
    out.resize(x.rows(), x.cols());
    out = y.matrix().template cast<T>();
    return out;
}

template <class A, class B>
bool same(const Eigen::DenseBase<A>& a, const Eigen::DenseBase<B>& b)
{
    if (a.rows() != b.rows() || a.cols() != b.cols())
        return false;
    for (Eigen::Index c = 0; c < a.cols(); ++c)
        for (Eigen::Index r = 0; r < a.rows(); ++r)
            if (!same_bits(a.derived().coeff(r, c), b.derived().coeff(r, c)))
                return false;
    return true;
}

} // namespace

TEMPLATE_TEST_CASE("Eigen objects of every kind", "[eigen]", float, double)
{
    using T = TestType;
    using ArrayX = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
    using MatrixR = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const xact::gelu f;
    const ArrayX base = ArrayX::Random(19, 7) * T(6);

    SECTION("Array and row-major Matrix")
    {
        CHECK(same(xact::forward(f, base), expected_forward(f, base)));
        const MatrixR m = base.matrix();
        MatrixR y(m.rows(), m.cols());
        xact::forward(f, m, y);
        CHECK(same(y, expected_forward(f, m)));
    }
    SECTION("fixed size")
    {
        const Eigen::Array<T, 4, 1> v = base.col(0).template head<4>();
        CHECK(same(xact::forward(f, v), expected_forward(f, v)));
        const Eigen::Matrix<T, 3, 5, Eigen::RowMajor> m = base.block(0, 0, 3, 5).matrix();
        CHECK(same(xact::forward(f, m), expected_forward(f, m)));
    }
    SECTION("Map with strides, Block, Ref")
    {
        std::vector<T> storage(static_cast<std::size_t>(base.size() * 3), T(0));
        Eigen::Map<ArrayX, 0, Eigen::Stride<Eigen::Dynamic, 3>> strided(storage.data(), 19, 7,
                                                                        Eigen::Stride<Eigen::Dynamic, 3>(19 * 3, 3));
        strided = base;
        ArrayX y(19, 7);
        xact::forward(f, strided, y);
        CHECK(same(y, expected_forward(f, base)));
        // output strided too, and the untouched gaps stay zero
        xact::forward(f, base, strided);
        CHECK(same(strided, expected_forward(f, base)));
        for (std::size_t i = 0; i < storage.size(); ++i)
            if (i % 3 != 0)
                CHECK(storage[i] == T(0));

        const auto block = base.block(2, 1, 11, 5);
        CHECK(same(xact::forward(f, block), expected_forward(f, block)));
        ArrayX target = ArrayX::Zero(19, 7);
        xact::forward(f, block, target.block(3, 2, 11, 5));
        CHECK(same(target.block(3, 2, 11, 5), expected_forward(f, block)));
        CHECK((target.block(0, 0, 3, 7) == T(0)).all());

        const Eigen::Ref<const ArrayX> ref = base.block(1, 1, 9, 3);
        CHECK(same(xact::forward(f, ref), expected_forward(f, ref)));
        // a row of a column-major array: strided inner dimension
        const auto row = base.row(4);
        CHECK(same(xact::forward(f, row), expected_forward(f, row)));
    }
    SECTION("expressions are evaluated once, then computed")
    {
        const ArrayX y = xact::forward(f, base * T(2) + T(1));
        const ArrayX e = base * T(2) + T(1);
        CHECK(same(y, expected_forward(f, e)));
        const MatrixR t = xact::forward(f, base.matrix().transpose());
        CHECK(same(t, expected_forward(f, MatrixR(base.matrix().transpose()))));
    }
    SECTION("in place: y = x, dx = dy and dx = x")
    {
        ArrayX x = base;
        xact::forward(f, x, x);
        CHECK(same(x, expected_forward(f, base)));

        const ArrayX dy = ArrayX::Random(19, 7);
        ArrayX want(19, 7), dx = dy;
        xact::backward(f, base, dy, want);
        xact::backward(f, base, dx, dx);
        CHECK(same(dx, want));
        ArrayX xx = base;
        xact::backward(f, xx, dy, xx);
        CHECK(same(xx, want));
    }
    SECTION("derivative and backward agree with their pointer forms on every layout")
    {
        const MatrixR m = base.matrix();
        const MatrixR dy = MatrixR::Random(19, 7);
        MatrixR d(19, 7), dx(19, 7);
        xact::derivative(f, m, d);
        xact::backward(f, m, dy, dx);
        for (Eigen::Index r = 0; r < 19; ++r)
            for (Eigen::Index c = 0; c < 7; ++c) {
                CHECK(same_bits(d(r, c), f.derivative(m(r, c))));
                CHECK(same_bits(dx(r, c), T(dy(r, c) * f.derivative(m(r, c)))));
            }
    }
    SECTION("sizes 0 and 1")
    {
        const ArrayX empty(0, 3);
        CHECK(xact::forward(f, empty).size() == 0);
        ArrayX one(1, 1);
        one << T(0.5);
        CHECK(same_bits(xact::forward(f, one)(0), f(T(0.5))));
    }
}
