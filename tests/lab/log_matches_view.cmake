# Two views of one scenario must agree: the log the lab's broker wrote while
# playing it (--broker-log), and `mqscan mosquitto` on the capture, which
# rebuilds that log from the packets alone.
#
# cmake -DMQSCAN=mqscan -DSCENARIO=qos1 -DSCRATCH=dir -P log_matches_view.cmake
file(MAKE_DIRECTORY ${SCRATCH})
set(capture ${SCRATCH}/${SCENARIO}.pcap)
set(log ${SCRATCH}/${SCENARIO}.log)
execute_process(COMMAND ${MQSCAN} lab record ${SCENARIO} -o ${capture} --broker-log ${log}
  OUTPUT_QUIET ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "mqscan lab record ${SCENARIO} exited with ${status}: ${errors}")
endif()
execute_process(COMMAND ${MQSCAN} mosquitto ${capture}
  OUTPUT_VARIABLE view ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "mqscan mosquitto exited with ${status}: ${errors}")
endif()
file(READ ${log} broker_log)
if(NOT broker_log STREQUAL view)
  message(FATAL_ERROR "${SCENARIO}: the broker's log and mqscan mosquitto differ\n"
                      "--- the broker's log\n${broker_log}--- mqscan mosquitto\n${view}")
endif()
message(STATUS "${SCENARIO}: the broker's log is what mqscan mosquitto reads in the capture")
