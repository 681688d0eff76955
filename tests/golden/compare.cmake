# Runs mqscan on one capture and compares its output with the expected file.
#   cmake -DMQSCAN=... -DCAPTURE_DIR=... -DCAPTURE=... -DFORMAT=json|text [-DOPTIONS="..."] -DEXPECTED=... -P compare.cmake
# mqscan runs in the capture's directory with the bare file name, so that the
# report's "file" field does not depend on where the repository is.
separate_arguments(options UNIX_COMMAND "${OPTIONS}")
execute_process(
  COMMAND ${MQSCAN} report --format ${FORMAT} --color never ${options} ${CAPTURE}
  WORKING_DIRECTORY ${CAPTURE_DIR}
  OUTPUT_VARIABLE actual
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "mqscan exited with ${status} on ${CAPTURE}")
endif()
file(READ ${EXPECTED} expected)
if(NOT actual STREQUAL expected)
  string(RANDOM LENGTH 8 suffix)
  set(actual_file "${CMAKE_CURRENT_BINARY_DIR}/golden-actual-${suffix}")
  file(WRITE ${actual_file} "${actual}")
  execute_process(COMMAND diff -u ${EXPECTED} ${actual_file})
  message(FATAL_ERROR "${CAPTURE} (${FORMAT}) differs from ${EXPECTED}; "
                      "if the change is intended, run tests/golden/update.sh and commit the diff")
endif()
