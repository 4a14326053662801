// Configuration: inlining and the error policy.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

// XACT_NO_FORCE_INLINE leaves inlining to the compiler (same results; builds that instrument
// every function, such as the sanitizer tree, compile in less than half the time).
#if (defined(__GNUC__) || defined(__clang__)) && !defined(XACT_NO_FORCE_INLINE)
#define XACT_INLINE inline __attribute__((always_inline))
// For the lambdas handed to the element loops: left to itself, the compiler may call a large one
// per batch, which reloads every constant of the kernel each time (20 % of a float sigmoid).
#define XACT_INLINE_LAMBDA __attribute__((always_inline))
#else
#define XACT_INLINE inline
#define XACT_INLINE_LAMBDA
#endif

namespace xact::detail {

// Every bad-argument path ends here, before any output is written. With XACT_NO_EXCEPTIONS
// the message is printed and the program aborts instead of throwing.
[[noreturn]] inline void fail(const std::string& message)
{
#if defined(XACT_NO_EXCEPTIONS)
    std::fprintf(stderr, "%s\n", message.c_str());
    std::abort();
#else
    throw std::invalid_argument(message);
#endif
}

} // namespace xact::detail
