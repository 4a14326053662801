// Configuration: inlining and the error policy.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#if defined(__GNUC__) || defined(__clang__)
#define XACT_INLINE inline __attribute__((always_inline))
#else
#define XACT_INLINE inline
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
