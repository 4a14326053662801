# xact::dispatch: the opt-in compiled library that picks the SIMD architecture at run time
# (include/xact/dispatch.hpp). One object per architecture, each src/dispatch/kernels.cpp
# compiled with that architecture's flags, plus src/dispatch/dispatch.cpp (baseline flags),
# which reads the CPU and XACT_ARCH. Linking xact::dispatch defines XACT_USE_DISPATCH for the
# user, which routes xact's operations to it. Build tree and add_subdirectory only (not
# installed). Included from the top-level CMakeLists.txt.
option(XACT_BUILD_DISPATCH "Build the runtime-dispatch library xact::dispatch" ${xact_top_level})
if(NOT XACT_BUILD_DISPATCH)
  return()
endif()

if(MSVC)
  message(STATUS "xact::dispatch: not available with MSVC (GCC or Clang flags); not built")
  return()
endif()

# Per architecture: the compiler flags and the xsimd architecture they must give.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|x64)$")
  set(xact_dispatch_archs sse2 avx2 avx512)
  set(xact_dispatch_flags_sse2 -msse2)
  set(xact_dispatch_xsimd_sse2 "xsimd::sse2")
  set(xact_dispatch_flags_avx2 -mavx2 -mfma)
  set(xact_dispatch_xsimd_avx2 "xsimd::fma3<xsimd::avx2>")
  set(xact_dispatch_flags_avx512 -mavx512f -mavx512cd -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma)
  set(xact_dispatch_xsimd_avx512 "xsimd::avx512bw")
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(xact_dispatch_archs neon)
  set(xact_dispatch_flags_neon "")
  set(xact_dispatch_xsimd_neon "xsimd::neon64")
else()
  message(STATUS "xact::dispatch: no kernels for processor '${CMAKE_SYSTEM_PROCESSOR}'; not built")
  return()
endif()

# Warnings as for the project's own programs, without xact_project_flags (its -march=native
# would make every architecture's object the build machine's).
set(xact_dispatch_warnings -Wall -Wextra -Wpedantic $<$<BOOL:${XACT_WERROR}>:-Werror>)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
   AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 12.3)
  list(APPEND xact_dispatch_warnings -Wno-uninitialized -Wno-maybe-uninitialized) # GCC bug 105593
endif()

# Each architecture's object also holds weak copies of library templates (std::vector's growth,
# std::to_string), compiled with its flags; the linker would keep one copy for all. With GNU
# binutils (ELF), they are renamed per architecture (cmake/xact_dispatch_localize.cmake).
# Elsewhere they stay shared: the link order (sse2 first) then decides which copy is kept.
if(CMAKE_NM AND CMAKE_OBJCOPY AND CMAKE_EXECUTABLE_FORMAT STREQUAL "ELF")
  set(xact_dispatch_localize ON)
else()
  set(xact_dispatch_localize OFF)
  message(STATUS "xact::dispatch: no nm/objcopy for ELF; library templates in the kernels' objects stay shared")
endif()
set(xact_dispatch_objects "")

add_library(xact_dispatch src/dispatch/dispatch.cpp)
add_library(xact::dispatch ALIAS xact_dispatch)
target_link_libraries(xact_dispatch PUBLIC xact)
target_compile_definitions(xact_dispatch INTERFACE XACT_USE_DISPATCH)
target_compile_options(xact_dispatch PRIVATE ${xact_dispatch_warnings})
set_target_properties(xact_dispatch PROPERTIES POSITION_INDEPENDENT_CODE ON)

foreach(arch IN LISTS xact_dispatch_archs)
  string(TOUPPER ${arch} arch_upper)
  add_library(xact_dispatch_${arch} OBJECT src/dispatch/kernels.cpp)
  target_link_libraries(xact_dispatch_${arch} PRIVATE xact)
  target_compile_definitions(xact_dispatch_${arch} PRIVATE
    XACT_DISPATCH_ARCH=${arch} "XACT_DISPATCH_XSIMD_ARCH=${xact_dispatch_xsimd_${arch}}")
  target_compile_options(xact_dispatch_${arch} PRIVATE ${xact_dispatch_flags_${arch}} ${xact_dispatch_warnings})
  set_target_properties(xact_dispatch_${arch} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  if(xact_dispatch_localize)
    set(object ${CMAKE_CURRENT_BINARY_DIR}/xact_dispatch_${arch}${CMAKE_CXX_OUTPUT_EXTENSION})
    add_custom_command(OUTPUT ${object}
      COMMAND ${CMAKE_COMMAND} -DNM=${CMAKE_NM} -DOBJCOPY=${CMAKE_OBJCOPY}
        -DINPUT=$<TARGET_OBJECTS:xact_dispatch_${arch}> -DOUTPUT=${object} -DSUFFIX=.xact_dispatch_${arch}
        -P ${PROJECT_SOURCE_DIR}/cmake/xact_dispatch_localize.cmake
      DEPENDS xact_dispatch_${arch} $<TARGET_OBJECTS:xact_dispatch_${arch}>
        ${PROJECT_SOURCE_DIR}/cmake/xact_dispatch_localize.cmake
      COMMENT "xact::dispatch: weak symbols of the ${arch} kernels made distinct" VERBATIM)
    target_sources(xact_dispatch PRIVATE ${object})
    list(APPEND xact_dispatch_objects ${object})
  else()
    target_sources(xact_dispatch PRIVATE $<TARGET_OBJECTS:xact_dispatch_${arch}>)
    list(APPEND xact_dispatch_objects $<TARGET_OBJECTS:xact_dispatch_${arch}>)
  endif()
  target_compile_definitions(xact_dispatch PRIVATE XACT_DISPATCH_WITH_${arch_upper})
endforeach()

if(XACT_BUILD_TESTS AND EXISTS ${PROJECT_SOURCE_DIR}/tests/dispatch/CMakeLists.txt)
  enable_testing()
  add_subdirectory(tests/dispatch)
endif()
