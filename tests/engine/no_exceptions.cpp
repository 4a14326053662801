// Built with XACT_NO_EXCEPTIONS: a bad argument prints the same message as the exception would
// carry and aborts. tests/engine/expect_abort.cmake runs it and checks both.
#include <cstdio>
#include <vector>

#include <xact/xact.hpp>

int main()
{
    Eigen::ArrayXXf x = Eigen::ArrayXXf::Zero(4, 3), y = Eigen::ArrayXXf::Zero(3, 4);
    xact::forward(xact::gelu{}, x, y);
    std::puts("not reached: the call above must abort");
    return 0;
}
