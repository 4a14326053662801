// The libFuzzer entry point of the fuzz target (fuzz_engine.cpp): each input is a float or a
// double case, and the function for the other type ignores it.
#include <cstddef>
#include <cstdint>

void xact_fuzz_float(const std::uint8_t* data, std::size_t size);
void xact_fuzz_double(const std::uint8_t* data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    xact_fuzz_float(data, size);
    xact_fuzz_double(data, size);
    return 0;
}
