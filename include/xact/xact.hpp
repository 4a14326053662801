// xact: neural-network activation functions, vectorized through xsimd over Eigen and raw
// pointers. This header includes everything; each activation also has its own header under
// xact/functors/.
#pragma once

#include "version.hpp"

#include "functors/celu.hpp"
#include "functors/elu.hpp"
#include "functors/gelu.hpp"
#include "functors/gelu_tanh.hpp"
#include "functors/hard_sigmoid.hpp"
#include "functors/hard_swish.hpp"
#include "functors/hard_tanh.hpp"
#include "functors/leaky_relu.hpp"
#include "functors/log_sigmoid.hpp"
#include "functors/mish.hpp"
#include "functors/prelu.hpp"
#include "functors/quick_gelu.hpp"
#include "functors/relu.hpp"
#include "functors/relu6.hpp"
#include "functors/selu.hpp"
#include "functors/sigmoid.hpp"
#include "functors/silu.hpp"
#include "functors/softmax.hpp"
#include "functors/softplus.hpp"
#include "functors/softsign.hpp"
#include "functors/swish.hpp"
#include "functors/tanh.hpp"

#include "glu.hpp"
#include "lazy.hpp"
#include "operations.hpp"
