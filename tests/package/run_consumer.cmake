# Configures, builds and runs a consumer project: cmake -P with SOURCE, BUILD, PREFIX,
# XACT_SOURCE, GENERATOR and CXX defined.
file(REMOVE_RECURSE ${BUILD})
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${BUILD} -G ${GENERATOR}
    -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_PREFIX_PATH=${PREFIX} -DXACT_SOURCE=${XACT_SOURCE}
  RESULT_VARIABLE result)
if(result)
  message(FATAL_ERROR "configuring ${SOURCE} failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD} RESULT_VARIABLE result)
if(result)
  message(FATAL_ERROR "building ${SOURCE} failed")
endif()
execute_process(COMMAND ${BUILD}/consumer RESULT_VARIABLE result)
if(result)
  message(FATAL_ERROR "running the consumer of ${SOURCE} failed")
endif()
