# cmake -DSOURCE=<consumer project> -DBUILD=<its build tree> -DGENERATOR=... -DCXX=...
#       -DCONFIG=... -DPREFIX=... -DXACT_SOURCE=... -DXACT_VERSION=... -DCXX_STANDARD=...
#       [-DGENERATOR_PLATFORM=... -DGENERATOR_TOOLSET=... -DMAKE_PROGRAM=...] -P run_consumer.cmake
# Configures, builds and runs a consumer project (its own ctest runs the program) with the
# compiler and generator of the build that runs this test.
if(NOT CONFIG)
  set(CONFIG Release)
endif()
file(REMOVE_RECURSE "${BUILD}")
set(configure_args -S "${SOURCE}" -B "${BUILD}" -G "${GENERATOR}"
  "-DCMAKE_CXX_COMPILER=${CXX}"
  "-DCMAKE_BUILD_TYPE=${CONFIG}"
  "-DCMAKE_CXX_STANDARD=${CXX_STANDARD}"
  "-DCMAKE_PREFIX_PATH=${PREFIX}"
  "-DXACT_EXPECTED_PREFIX=${PREFIX}"
  "-DXACT_EXPECTED_VERSION=${XACT_VERSION}"
  "-DXACT_SOURCE=${XACT_SOURCE}")
if(GENERATOR_PLATFORM)
  list(APPEND configure_args -A "${GENERATOR_PLATFORM}")
endif()
if(GENERATOR_TOOLSET)
  list(APPEND configure_args -T "${GENERATOR_TOOLSET}")
endif()
if(MAKE_PROGRAM)
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()

macro(step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(result)
    message(FATAL_ERROR "${what} ${SOURCE} failed: ${result}")
  endif()
endmacro()
step("configuring" "${CMAKE_COMMAND}" ${configure_args})
step("building" "${CMAKE_COMMAND}" --build "${BUILD}" --config "${CONFIG}")
execute_process(COMMAND "${CMAKE_CTEST_COMMAND}" -C "${CONFIG}" --output-on-failure
  WORKING_DIRECTORY "${BUILD}" RESULT_VARIABLE result)
if(result)
  message(FATAL_ERROR "running the consumer of ${SOURCE} failed: ${result}")
endif()
