# cmake -DBUILD=<build tree> -DPREFIX=<prefix> -DCONFIG=<config> -P install.cmake
# Installs the build tree into a fresh prefix, so that nothing stale is found there.
file(REMOVE_RECURSE "${PREFIX}")
set(config_args)
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD}" --prefix "${PREFIX}" ${config_args}
  RESULT_VARIABLE result)
if(result)
  message(FATAL_ERROR "cmake --install ${BUILD} --prefix ${PREFIX} failed: ${result}")
endif()
foreach(file include/xact/xact.hpp include/xact/version.hpp)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "the install has no ${file}")
  endif()
endforeach()
