# xact::threads: the opt-in target for <xact/parallel.hpp> (one call on several threads). It
# links xact::xact plus OpenMP where CMake finds it for C++ (and defines XACT_USE_OPENMP, so the
# threads are OpenMP's), else the platform's threads (std::thread). xact::xact itself never
# links either. Build tree and add_subdirectory only (not installed). Included from the
# top-level CMakeLists.txt.
option(XACT_OPENMP "xact::threads: use OpenMP where found (else std::thread)" ON)

find_package(Threads REQUIRED)
add_library(xact_threads INTERFACE)
add_library(xact::threads ALIAS xact_threads)
target_link_libraries(xact_threads INTERFACE xact)
if(XACT_OPENMP)
  find_package(OpenMP COMPONENTS CXX)
endif()
if(XACT_OPENMP AND OpenMP_CXX_FOUND)
  target_link_libraries(xact_threads INTERFACE OpenMP::OpenMP_CXX)
  target_compile_definitions(xact_threads INTERFACE XACT_USE_OPENMP)
  message(STATUS "xact::threads: OpenMP ${OpenMP_CXX_VERSION}")
else()
  target_link_libraries(xact_threads INTERFACE Threads::Threads)
  message(STATUS "xact::threads: std::thread (no OpenMP)")
endif()
