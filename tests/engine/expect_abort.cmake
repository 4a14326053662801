# cmake -DPROGRAM=<path> -P expect_abort.cmake: the program must fail (abort) and print the
# message of the error it hit.
# EMULATOR: the cross-compiling emulator and its arguments, "|"-separated (empty natively).
string(REPLACE "|" ";" emulator "${EMULATOR}")
execute_process(COMMAND ${emulator} ${PROGRAM} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(result EQUAL 0)
  message(FATAL_ERROR "expected an abort, the program exited 0:\n${out}${err}")
endif()
if(NOT err MATCHES "xact::forward\\(gelu\\): y has shape 3x4, expected 4x3")
  message(FATAL_ERROR "expected the error message on stderr, got:\n${err}")
endif()
