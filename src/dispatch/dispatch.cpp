// The choice of architecture: XACT_ARCH when set, else the best this CPU and OS run. Compiled
// with the compiler's baseline flags only: it runs before anything is known about the CPU.
// CMake names the architectures built in with XACT_DISPATCH_WITH_<ARCH> definitions.
#include <xact/dispatch.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace xact::dispatch::detail {

#if defined(XACT_DISPATCH_WITH_SSE2)
void fill_table_sse2(table& t);
#endif
#if defined(XACT_DISPATCH_WITH_AVX2)
void fill_table_avx2(table& t);
#endif
#if defined(XACT_DISPATCH_WITH_AVX512)
void fill_table_avx512(table& t);
#endif
#if defined(XACT_DISPATCH_WITH_NEON)
void fill_table_neon(table& t);
#endif

namespace {

#if defined(__x86_64__) || defined(__i386__)
struct cpu_features {
    bool avx2_fma = false; // AVX2 and FMA3, with the OS saving the YMM registers
    bool avx512 = false;   // AVX-512 F, CD, DQ, BW and VL, with the OS saving the ZMM registers
};

// The instruction sets alone are not enough: the OS must save the wider registers on a context
// switch (XCR0, read with xgetbv once CPUID says OSXSAVE), or the first AVX instruction faults.
cpu_features detect() noexcept
{
    cpu_features f;
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return f;
    const bool osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
    if (!osxsave || !avx)
        return f;
    unsigned xcr0_lo = 0, xcr0_hi = 0;
    __asm__("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    const bool ymm_state = (xcr0_lo & 0x6) == 0x6;   // SSE and AVX state
    const bool zmm_state = (xcr0_lo & 0xe6) == 0xe6; // and opmask, ZMM0-15 upper halves, ZMM16-31
    if (__get_cpuid_max(0, nullptr) < 7)
        return f;
    __cpuid_count(7, 0, a, b, c, d);
    const bool avx2 = (b >> 5) & 1;
    const bool avx512 = ((b >> 16) & 1) && ((b >> 17) & 1) && ((b >> 28) & 1) && ((b >> 30) & 1) && ((b >> 31) & 1);
    f.avx2_fma = ymm_state && avx2 && fma;
    f.avx512 = f.avx2_fma && zmm_state && avx512;
    return f;
}
#endif

struct arch_entry {
    const char* name;
    bool runs_here;
    void (*fill)(table&);
};

// Worst first.
std::vector<arch_entry> compiled()
{
    std::vector<arch_entry> v;
#if defined(__x86_64__) || defined(__i386__)
    const cpu_features cpu = detect();
#endif
#if defined(XACT_DISPATCH_WITH_SSE2)
    v.push_back({"sse2", true, &fill_table_sse2}); // the x86-64 baseline
#endif
#if defined(XACT_DISPATCH_WITH_AVX2)
    v.push_back({"avx2", cpu.avx2_fma, &fill_table_avx2});
#endif
#if defined(XACT_DISPATCH_WITH_AVX512)
    v.push_back({"avx512", cpu.avx512, &fill_table_avx512});
#endif
#if defined(XACT_DISPATCH_WITH_NEON)
    v.push_back({"neon", true, &fill_table_neon}); // every AArch64 CPU
#endif
    return v;
}

std::string join(const std::vector<arch_entry>& v, bool runnable_only)
{
    std::string s;
    for (const auto& e : v)
        if (e.runs_here || !runnable_only)
            s += (s.empty() ? "" : ", ") + std::string(e.name);
    return s.empty() ? "none" : s;
}

struct selection {
    table t{};
    bool ok = false;
    std::string error;
};

selection select()
{
    selection s;
    const auto archs = compiled();
    const arch_entry* chosen = nullptr;
    const char* forced = std::getenv("XACT_ARCH");
    if (forced != nullptr && *forced != '\0') {
        for (const auto& e : archs)
            if (std::string(e.name) == forced)
                chosen = &e;
        if (chosen == nullptr) {
            s.error = std::string("xact::dispatch: XACT_ARCH=") + forced + " is not an architecture of this build (" +
                      join(archs, false) + "); this CPU supports: " + join(archs, true);
            return s;
        }
        if (!chosen->runs_here) {
            s.error = std::string("xact::dispatch: XACT_ARCH=") + forced + " is not supported by this CPU; it supports: " +
                      join(archs, true);
            return s;
        }
    } else {
        for (const auto& e : archs)
            if (e.runs_here)
                chosen = &e;
        if (chosen == nullptr) {
            s.error = "xact::dispatch: this CPU runs none of the architectures of this build (" + join(archs, false) + ")";
            return s;
        }
    }
    chosen->fill(s.t); // only the chosen architecture's code ever runs
    s.ok = true;
    return s;
}

} // namespace

const table* select_table(const char*& error) noexcept
{
    static const selection s = select(); // thread-safe, once
    if (!s.ok) {
        error = s.error.c_str();
        return nullptr;
    }
    return &s.t;
}

} // namespace xact::dispatch::detail

namespace xact::dispatch {

std::vector<std::string> supported_archs()
{
    std::vector<std::string> v;
    for (const auto& e : detail::compiled())
        if (e.runs_here)
            v.emplace_back(e.name);
    return v;
}

std::vector<std::string> compiled_archs()
{
    std::vector<std::string> v;
    for (const auto& e : detail::compiled())
        v.emplace_back(e.name);
    return v;
}

} // namespace xact::dispatch
