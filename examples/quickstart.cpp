// The README's first example: a batch through gelu, its backward pass, and a softmax.
#include <iostream>

#include <Eigen/Core>
#include <xact/xact.hpp>

int main()
{
    // Eigen's convention: one column per sample, one row per feature (4 features, 3 samples).
    Eigen::ArrayXXf z = Eigen::ArrayXXf::Random(4, 3) * 3.0f;

    // Forward: h = gelu(z), vectorized with the SIMD instructions the compiler flags allow.
    Eigen::ArrayXXf h = xact::forward(xact::gelu{}, z);

    // Backward: given dL/dh, dz = dh * gelu'(z), fused in one pass. Outputs have z's shape.
    Eigen::ArrayXXf dh = Eigen::ArrayXXf::Random(4, 3), dz(4, 3);
    xact::backward(xact::gelu{}, z, dh, dz);

    // Softmax of each column (each sample); xact::softmax{xact::rowwise} normalises rows.
    Eigen::ArrayXXf p = xact::forward(xact::softmax{}, z);

    // Raw pointers work too, here in place.
    float v[5] = {-2.0f, -0.5f, 0.0f, 0.5f, 2.0f};
    xact::forward(xact::silu{}, v, v, 5);

    std::cout << "z =\n" << z << "\n\ngelu(z) =\n" << h << "\n\ndz = dh * gelu'(z) =\n" << dz
              << "\n\nsoftmax(z) =\n" << p << "\ncolumn sums: " << p.colwise().sum()
              << "\n\nsilu(-2, -0.5, 0, 0.5, 2) = " << v[0] << ' ' << v[1] << ' ' << v[2] << ' ' << v[3] << ' '
              << v[4] << '\n';
}
