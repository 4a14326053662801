// silu(x) = x sigmoid(x): defined with swish (swish with beta = 1), see swish.hpp.
#pragma once

#include "swish.hpp"
