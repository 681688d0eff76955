# Runs mqscan with ARGS (separated by |) and checks its exit code and what it wrote.
#   cmake -DMQSCAN=... "-DARGS=a|b|c" -DEXIT=N [-DSTDERR=regex] [-DSTDOUT=regex] -P expect.cmake
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND ${MQSCAN} ${args}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
if(NOT status STREQUAL EXIT)
  message(FATAL_ERROR "mqscan ${args}: exit ${status}, expected ${EXIT}\nstderr: ${err}")
endif()
if(DEFINED STDERR AND NOT err MATCHES "${STDERR}")
  message(FATAL_ERROR "mqscan ${args}: stderr does not match '${STDERR}':\n${err}")
endif()
if(DEFINED STDOUT AND NOT out MATCHES "${STDOUT}")
  message(FATAL_ERROR "mqscan ${args}: stdout does not match '${STDOUT}':\n${out}")
endif()
