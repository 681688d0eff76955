# The lab's certificates made with the openssl command (LABS.md, lab 2), for the integration
# scripts that source this file (they set `pki`, a directory, and `STUDENT`), and the start of
# their brokers' configuration. CA_SUBJECT, BROKER_CN and BROKER_KEY_TYPE (ec), when set, replace
# the CA's subject, the broker certificate's CN and its RSA key by an EC P-256 one
# (lab_real_vs_simulated.sh gives them those of `mqscan lab record`; the CA's key stays RSA).

# signed_certificate NAME SUBJECT KEY_OPTIONS... : a key and a certificate signed by the CA.
signed_certificate() {
    local name=$1 subject=$2
    shift 2
    openssl req -new -nodes -utf8 "$@" -keyout "$pki/$name.key" -subj "$subject" \
        -out "$pki/$name.csr" 2>/dev/null
    openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
        -CAserial "$pki/ca.srl" -CAcreateserial -days 365 -extfile "$pki/$name.ext" \
        -out "$pki/$name.crt" 2>/dev/null
}

# The teacher's CA (valid past 2049, so its notAfter is a GeneralizedTime), the student's
# broker certificate (RSA unless BROKER_KEY_TYPE=ec) and client certificate (EC, no OU, as the lab sheet asks), and a
# second CA that signed neither.
make_certificates() {
    mkdir -p "$pki"
    openssl req -x509 -nodes -utf8 -newkey rsa:2048 -days 10000 -keyout "$pki/ca.key" \
        -subj "${CA_SUBJECT:-/O=Ciel Enseignant/OU=iot Enseignant/CN=Ciel CA}" -out "$pki/ca.crt" 2>/dev/null
    # The clients connect to 127.0.0.1, which the broker's certificate must name.
    echo "subjectAltName=DNS:localhost,IP:127.0.0.1" >"$pki/broker.ext"
    local broker_key=(-newkey rsa:2048)
    [[ ${BROKER_KEY_TYPE:-rsa} == ec ]] && broker_key=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
    signed_certificate broker "/O=Ciel $STUDENT/OU=iot $STUDENT/CN=${BROKER_CN:-localhost}" "${broker_key[@]}"
    echo "extendedKeyUsage=clientAuth" >"$pki/client.ext"
    signed_certificate client "/O=Ciel $STUDENT/CN=localhost" \
        -newkey ec -pkeyopt ec_paramgen_curve:P-256
    cat "$pki/broker.crt" "$pki/ca.crt" >"$pki/broker-chain.crt"
    openssl req -x509 -nodes -utf8 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -days 365 \
        -keyout "$pki/wrong-ca.key" -subj "/O=Ciel Autre Enseignant/CN=Ciel Autre CA" \
        -out "$pki/wrong-ca.crt" 2>/dev/null
}

# What every TLS test broker's configuration starts with. Not user mosquitto, which could not
# read the keys in the private scratch directory.
broker_conf_start() {
    printf 'user root\nper_listener_settings false\nallow_anonymous true\npersistence false\nlog_dest stderr\n'
}
