# Makes the class folder the grading tests run on (see README.md here):
#   cmake -DSOURCE_DIR=... -DCORPUS_DIR=... -DFOLDER=... -P class_folder.cmake
file(REMOVE_RECURSE ${FOLDER})
file(MAKE_DIRECTORY ${FOLDER}/late)
file(COPY_FILE ${SOURCE_DIR}/samples/mosquitto-loopback.pcap ${FOLDER}/mqtt-alice.pcap)
file(COPY_FILE ${CORPUS_DIR}/suricata-verify/tests/mqtt5-pub-userpass/input.pcap ${FOLDER}/mqtt-bob.pcap)
file(COPY_FILE ${CORPUS_DIR}/zeek/testing/btest/Traces/tls/client-certificate.pcap ${FOLDER}/mqtt-chloé.pcap)
# In a subdirectory: directories are walked.
file(COPY_FILE ${CORPUS_DIR}/suricata-verify/tests/mqtt-events-missing-connect/input.pcap
     ${FOLDER}/late/mqtt-dan.pcap)
# Cut in the middle of a record: graded on what could be read.
execute_process(COMMAND head -c 9000 ${SOURCE_DIR}/samples/mosquitto-loopback.pcap
                OUTPUT_FILE ${FOLDER}/mqtt-eve.pcap COMMAND_ERROR_IS_FATAL ANY)
file(WRITE ${FOLDER}/mqtt-empty.pcap "")
file(WRITE ${FOLDER}/mqtt-frank.pcap "my notes: the broker is on port 1883\n")
file(WRITE ${FOLDER}/readme.txt "not a capture: left out\n")
