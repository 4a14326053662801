# Cross-compiles for 64-bit ARM Linux with Debian's GNU cross toolchain (g++-aarch64-linux-gnu),
# and runs the test programs under user-mode QEMU (qemu-user), so that `ctest` works on an
# x86-64 machine. xsimd picks NEON (neon64) for this target: it is part of the AArch64 baseline.
#   cmake -S . -B build/arm -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
#
# Libraries come from Debian's multiarch packages (dpkg --add-architecture arm64; then
# librapidcheck-dev:arm64, libxsimd-dev:arm64, libmpfr-dev:arm64): they install under
# /usr/lib/aarch64-linux-gnu, which CMake searches because the compiler reports that library
# architecture. Header-only packages of no architecture (Eigen, Catch2) are found under /usr.
# Another triple or sysroot: set XACT_CROSS_TRIPLE / XACT_CROSS_SYSROOT before this file is read
# (-D on the first configure).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

if(NOT XACT_CROSS_TRIPLE)
  set(XACT_CROSS_TRIPLE aarch64-linux-gnu)
endif()
# The cross C library and loader (libc6-arm64-cross): what QEMU needs as its -L prefix.
if(NOT XACT_CROSS_SYSROOT)
  set(XACT_CROSS_SYSROOT /usr/${XACT_CROSS_TRIPLE})
endif()
# try_compile projects read the toolchain file again; pass the settings on to them.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES XACT_CROSS_TRIPLE XACT_CROSS_SYSROOT)

set(CMAKE_C_COMPILER ${XACT_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${XACT_CROSS_TRIPLE}-g++)

# ctest (and add_custom_command) run target programs through this.
find_program(XACT_QEMU_AARCH64 qemu-aarch64)
if(XACT_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${XACT_QEMU_AARCH64} -L ${XACT_CROSS_SYSROOT})
endif()

# Libraries, headers and packages: the cross sysroot first, then the host's /usr (where the
# multiarch directories hold the target's libraries and the headers are shared); programs
# (pkg-config, python) from the host only.
set(CMAKE_FIND_ROOT_PATH ${XACT_CROSS_SYSROOT} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
