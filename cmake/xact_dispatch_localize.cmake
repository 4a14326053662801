# cmake -DNM=... -DOBJCOPY=... -DINPUT=<object> -DOUTPUT=<object> -DSUFFIX=<text> -P this file
#
# Gives the weak (inline, template) definitions of one architecture's object that the renaming
# of xact does not reach (std::vector<float>::_M_default_append, std::to_string...) names of
# their own. The linker keeps one copy of a weak definition for the whole program; without
# this, an SSE2 path could end up calling the AVX-512 object's copy of a library function and
# fault on a CPU without AVX-512. References inside the object follow the renamed symbols.
foreach(var NM OBJCOPY INPUT OUTPUT SUFFIX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "xact_dispatch_localize.cmake: ${var} is not set")
  endif()
endforeach()
execute_process(COMMAND ${NM} --defined-only ${INPUT} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${INPUT}")
endif()
string(REPLACE "\n" ";" lines "${symbols}")
set(map "")
foreach(line IN LISTS lines)
  # Weak (W, V) and unique (u) definitions, except the exception-personality reference, which
  # must stay shared, and names already made distinct by the xact_dispatch_<arch> namespace.
  if(line MATCHES "^[0-9a-fA-F]* [WVu] ([^ ]+)$")
    set(symbol "${CMAKE_MATCH_1}")
    if(NOT symbol MATCHES "^DW\\.ref\\." AND NOT symbol MATCHES "xact_dispatch_")
      string(APPEND map "${symbol} ${symbol}${SUFFIX}\n")
    endif()
  endif()
endforeach()
file(WRITE ${OUTPUT}.symbols "${map}")
execute_process(COMMAND ${OBJCOPY} --redefine-syms=${OUTPUT}.symbols ${INPUT} ${OUTPUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${OBJCOPY} failed on ${INPUT}")
endif()
