# cmake -DPKG_CONFIG=... -DPKG_CONFIG_PATH=... -DCXX=... -DSTD_FLAG=... -DPREFIX=...
#       -DXACT_VERSION=... -DSOURCE=<consumer.cpp> -DBUILD=<dir> -P pkg_config_consumer.cmake
# Checks the installed xact.pc: it validates, reports the project's version, points into the
# prefix it was installed to, and its flags alone are enough to compile and run the consumer.
set(ENV{PKG_CONFIG_PATH} "${PKG_CONFIG_PATH}")

macro(pkg_config out)
  execute_process(COMMAND "${PKG_CONFIG}" ${ARGN} xact RESULT_VARIABLE result
    OUTPUT_VARIABLE ${out} ERROR_VARIABLE error OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(result)
    message(FATAL_ERROR "pkg-config ${ARGN} xact failed (PKG_CONFIG_PATH=${PKG_CONFIG_PATH}):\n${error}")
  endif()
endmacro()

pkg_config(ignored --validate)
pkg_config(version --modversion)
if(NOT version STREQUAL XACT_VERSION)
  message(FATAL_ERROR "xact.pc says version '${version}', the project is ${XACT_VERSION}")
endif()
pkg_config(includedir --variable=includedir)
get_filename_component(includedir "${includedir}" REALPATH)
get_filename_component(expected "${PREFIX}/include" REALPATH)
if(NOT includedir STREQUAL expected)
  message(FATAL_ERROR "xact.pc's includedir is ${includedir}, expected ${expected}")
endif()
pkg_config(cflags --cflags)
message(STATUS "pkg-config --cflags xact: ${cflags}")
separate_arguments(cflags UNIX_COMMAND "${cflags}")

file(REMOVE_RECURSE "${BUILD}")
file(MAKE_DIRECTORY "${BUILD}")
execute_process(COMMAND "${CXX}" ${STD_FLAG} -O2 ${cflags} "${SOURCE}" -o "${BUILD}/consumer"
  RESULT_VARIABLE result)
if(result)
  message(FATAL_ERROR "compiling ${SOURCE} with pkg-config's flags failed")
endif()
execute_process(COMMAND "${BUILD}/consumer" RESULT_VARIABLE result)
if(result)
  message(FATAL_ERROR "the pkg-config consumer failed: ${result}")
endif()
