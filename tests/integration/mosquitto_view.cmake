# `mqscan mosquitto` beside a real `mosquitto -v` log (see mosquitto_log_test.sh and
# docs/mosquitto-view.md). Included from tests/integration/CMakeLists.txt.
add_test(NAME integration.mosquitto_view
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/mosquitto_log_test.sh $<TARGET_FILE:mqscan>)
set_tests_properties(integration.mosquitto_view PROPERTIES
  LABELS integration TIMEOUT 120 SKIP_RETURN_CODE 77)
