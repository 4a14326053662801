// xact: neural-network activation functions, vectorized through xsimd over Eigen and raw
// pointers. This header includes everything; each activation also has its own header under
// xact/functors/.
#pragma once

#include "version.hpp"

#include "functors/elu.hpp"
#include "functors/gelu.hpp"
#include "functors/gelu_tanh.hpp"
#include "functors/leaky_relu.hpp"
#include "functors/prelu.hpp"
#include "functors/relu.hpp"
#include "functors/sigmoid.hpp"
#include "functors/silu.hpp"
#include "functors/softmax.hpp"
#include "functors/swish.hpp"
#include "functors/tanh.hpp"

#include "operations.hpp"
