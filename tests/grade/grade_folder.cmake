# Grades the class folder with RUBRIC (and ARGS, |-separated) at -j 1 and -j 3,
# checks the exit code (1: some capture was not fully graded) and that both
# outputs equal EXPECTED. With -DUPDATE=1, rewrites EXPECTED instead.
#   cmake -DMQSCAN=... -DFOLDER=... -DRUBRIC=... [-DARGS=...] -DEXPECTED=... [-DUPDATE=1] -P grade_folder.cmake
string(REPLACE "|" ";" args "${ARGS}")
get_filename_component(parent ${FOLDER} DIRECTORY)
get_filename_component(name ${FOLDER} NAME)
foreach(jobs 1 3)
  # Run from the folder's parent so that the file column does not depend on where the build is.
  execute_process(COMMAND ${MQSCAN} grade --rubric ${RUBRIC} -j ${jobs} ${args} ${name}
                  WORKING_DIRECTORY ${parent}
                  OUTPUT_VARIABLE actual RESULT_VARIABLE status)
  if(NOT status EQUAL 1)
    message(FATAL_ERROR "mqscan grade -j ${jobs} exited with ${status}, expected 1 (some captures unreadable)")
  endif()
  if(UPDATE)
    file(WRITE ${EXPECTED} "${actual}")
    return()
  endif()
  file(READ ${EXPECTED} expected)
  if(NOT actual STREQUAL expected)
    file(WRITE ${FOLDER}-actual.csv "${actual}")
    execute_process(COMMAND diff -u ${EXPECTED} ${FOLDER}-actual.csv)
    message(FATAL_ERROR "mqscan grade -j ${jobs} differs from ${EXPECTED}; if intended, run tests/grade/update.sh")
  endif()
endforeach()
