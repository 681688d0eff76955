# Grades one reference capture against its rubric of facts (facts/NAME.toml):
# every check must pass, but for those whose id starts with "unknown_": the
# capture cannot tell them (TLS 1.3 hides the certificates), and mqscan must
# say so rather than guess.
#
# cmake -DMQSCAN=mqscan -DRUBRIC=facts/qos1.toml -DCAPTURE=qos1.pcap -P facts_hold.cmake
execute_process(COMMAND ${MQSCAN} grade --rubric ${RUBRIC} --format json ${CAPTURE}
  OUTPUT_VARIABLE grades ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "mqscan grade exited with ${status}: ${errors}")
endif()

string(JSON count LENGTH "${grades}" results 0 checks)
math(EXPR last "${count} - 1")
set(wrong "")
foreach(i RANGE ${last})
  string(JSON id GET "${grades}" results 0 checks ${i} id)
  string(JSON state GET "${grades}" results 0 checks ${i} state)
  set(expected passed)
  if(id MATCHES "^unknown_")
    set(expected unknown)
  endif()
  if(NOT state STREQUAL expected)
    string(JSON reason GET "${grades}" results 0 checks ${i} reason)
    string(APPEND wrong "\n  ${id}: ${state} (${reason}), expected ${expected}")
  endif()
endforeach()
if(wrong)
  message(FATAL_ERROR "${CAPTURE} does not show what it should:${wrong}")
endif()
message(STATUS "${CAPTURE}: the ${count} facts of ${RUBRIC} hold")
