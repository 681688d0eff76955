#!/usr/bin/env python3
"""What a lab scenario's capture shows, whoever made it: the part of mqscan's JSON report
(docs/json-schema.md) that does not depend on addresses, ports, times or frame numbers.

    lab_report_view.py REPORT.json...     (writes REPORT.view beside each REPORT.json)

lab_real_vs_simulated.sh writes this view for the simulated capture of a scenario and for the
real one, and diffs them. One fact per line, so that a diff names the fact that differs:

- the verdict (every field; the summary masked as the findings' messages);
- the findings: id, severity, connection and message with MASKS applied, sorted (mqscan orders
  findings by severity then frame, and frame numbers are not comparable);
- per MQTT session, in connection order: client id, version, transport, clean start, keep alive,
  user name, password present, CONNACK code, session present, how it ended (over TLS, a FIN
  or RST from either side is "closed": which side ends first is the clients' own behaviour),
  PUBLISH packets each way, topics;
- per MQTT connection, its packets in order: direction, type, QoS, retain, DUP, topic as sent,
  payload, packet id and properties with their values (sorted; a CONNECT's receive_maximum left
  out, see packet_text);
- per TLS connection: version, handshake outcome, client certificate asked and sent, alerts
  (sorted), the subjects of the certificates as sent, the encrypted records each way and, under
  TLS 1.2, the application data records and bytes (the size of the MQTT inside);
- the QoS flows (connection, direction, packet id, QoS, topic, payload size, status, missing
  step, the steps' packet types) and totals but latency;
- subscriptions (client id, filter, QoS asked and granted, refusal), retained messages (kind,
  topic, payload size, whether the set is in the capture), fan-outs (client id, source, topic,
  QoS, retain, payload size, delivery count, each delivery's subscriber, QoS, filter and
  after_reconnect, by subscriber connection), keep alive per connection (declared, verdict,
  pings, expiry) and the anomaly counts.

lab_real_vs_simulated.sh's header says why each rule that hides a difference is there.
"""

import json
import re
import sys

# Masks for the parts of a message that differ between two captures of the same scenario, each
# as narrow as the message formats allow. Order matters: endpoints before bare addresses and
# numbers; dates before durations.
MASKS = [
    # An endpoint, "192.168.56.20:50000" or "[::1]:1883".
    (re.compile(r"\[[0-9A-Fa-f:.]+\]:\d+|\b\d{1,3}(?:\.\d{1,3}){3}:\d+\b"), "<endpoint>"),
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"), "<address>"),
    (re.compile(r"\bports? \d+"), "port <port>"),
    # A date and time as the text report writes it (UTC).
    (re.compile(r"\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?Z?"), "<time>"),
    # Frame numbers, alone or in ranges and lists: "frame 12", "frames 3, 5 and 9", "frames 3-9".
    (re.compile(r"\bframes? \d+(?:(?:, | and |-|–|\.\.)\d+)*"), "frame <n>"),
    # A duration or latency: "0.000123 s", "12 ms", "1.5 s", "35 s".
    (re.compile(r"\b\d+(?:\.\d+)? ?(?:s|ms|µs|us|ns)\b"), "<duration>"),
]


def mask(text):
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def packet_text(packet):
    """One MQTT packet as its direction, type and the fields a client chose: QoS, retain, DUP,
    topic as sent (empty when a topic alias replaces it), payload, packet id, properties."""
    fields = [">" if packet["dir"] == "to_server" else "<", packet["type"]]
    if packet["type"] == "PUBLISH":
        fields.append(f"q{packet['qos']}{'r' if packet['retain'] else ''}{'d' if packet['dup'] else ''}")
        fields.append(repr(packet["topic"]))
        fields.append(repr(packet.get("payload")))
    if "packet_id" in packet:
        fields.append(f"id={packet['packet_id']}")
    # Properties (name=value, user properties name=key=value) sorted: their order is the encoder's
    # choice. A 5.0 CONNECT's Receive Maximum
    # left out: libmosquitto (mosquitto_pub/sub) always sends one, MQTTX (MQTT.js), which the
    # simulated 5.0 clients are, sends none by default, and either way it is the default, 65535
    # [MQTT-3.1.2.11.3] or a client's own window, which no scenario is about.
    properties = sorted(
        "=".join([p["name"]] + ([p["key"]] if "key" in p else []) + [str(p.get("value"))])
        for p in packet.get("properties", [])
        if not (packet["type"] == "CONNECT" and p["name"] == "receive_maximum")
    )
    if properties:
        fields.append("[" + ",".join(properties) + "]")
    return "(" + " ".join(fields) + ")"


def lines_of(report):
    out = []
    add = out.append

    verdict = dict(report["verdict"])
    verdict["summary"] = mask(verdict["summary"])
    for key in sorted(verdict):
        add(f"verdict {key} = {json.dumps(verdict[key], ensure_ascii=False)}")

    findings = sorted(
        f"finding {f['id']} {f['severity']} conn={f['connection']}: {mask(f['message'])}" for f in report["findings"]
    )
    out.extend(findings)

    for s in report["sessions"]:
        how = s["ending"]["how"]
        # Over TLS the DISCONNECT is unreadable: `how` is only which side ended TCP first and
        # how, and real clients wait for the broker's close where the simulated ones close at
        # once (mosquitto_sub stopped by SIGINT after its DISCONNECT: the broker's FIN first;
        # libmosquitto after its fatal alert: an RST, before or after the broker's FIN).
        if s["transport"] == "tls" and how in ("client_closed", "broker_closed", "client_reset", "broker_reset"):
            how = "closed"
        add(
            "session conn={connection} client_id={client_id!r} version={version} transport={transport} "
            "clean_start={clean_start} keepalive={keepalive} username={username} password={password} "
            "connack={connack_code} session_present={session_present} ending={how} "
            "publishes={to_broker}/{to_client} topics={topics}".format(
                connection=s["connection"],
                client_id=s.get("client_id"),
                version=s["version"],
                transport=s["transport"],
                clean_start=s.get("clean_start"),
                keepalive=s.get("keepalive"),
                username=s.get("username"),
                password=s.get("password") is not None,
                connack_code=s.get("connack_code"),
                session_present=s.get("session_present"),
                how=how,
                to_broker=s["publishes"]["to_broker"],
                to_client=s["publishes"]["to_client"],
                topics=s.get("topics"),
            )
        )

    for c in report["connections"]:
        mqtt = c.get("mqtt")
        if mqtt is not None:
            add(f"mqtt conn={c['id']} packets: " + " ".join(packet_text(p) for p in mqtt["packets"]))
        tls = c.get("tls")
        if tls is None:
            continue
        alerts = sorted(  # both close_notify alerts: in the order of the closes, as `how` above
            f"{a['dir']}:{a.get('level', 'encrypted' if a['encrypted'] else '?')}:{a.get('description', '')}"
            + (":inferred" if a.get("inferred") else "")
            for a in tls["alerts"]
        )
        # The MQTT inside, by its size: under TLS 1.2 application data is its own record type; under
        # TLS 1.3 every encrypted record looks alike and mqscan tells the client's last handshake
        # records from its first MQTT ones by where they fall in the stream, which depends on how
        # the client's writes were segmented (the simulated client sends its CONNECT in the
        # segment of its Finished, OpenSSL's in the next one): there only the total is compared.
        records = tls["records"]
        encrypted = {d: records[d]["encrypted_handshake"] + records[d]["application_data"] for d in records}
        inside = (
            {d: (records[d]["application_data"], records[d]["application_data_bytes"]) for d in records}
            if tls["version"] == "TLS 1.2"
            else None
        )
        add(
            f"tls conn={c['id']} encrypted records={encrypted} application data (records, bytes)={inside}"
        )
        add(
            f"tls conn={c['id']} version={tls['version']} established={tls['established']} "
            f"failed_at={tls['failed_at']} cert_requested={tls['client_cert_requested']} "
            f"cert_sent={tls['client_cert_sent']} certificates_visible={tls['certificates_visible']} alerts={alerts}"
        )
        for side in ("server", "client"):
            for cert in tls[f"{side}_certificates"]:
                subject = cert.get("subject", {})
                names = {k: subject.get(k) for k in ("O", "OU", "CN") if subject.get(k) is not None}
                add(f"tls conn={c['id']} {side} certificate {json.dumps(names, ensure_ascii=False)}")

    qos = report["qos"]
    totals = {k: v for k, v in qos["totals"].items() if k != "latency"}
    add(f"qos totals {json.dumps(totals, sort_keys=True)}")
    for f in qos["flows"]:
        steps = ",".join(step["type"] for step in f["steps"])
        add(
            f"qos flow conn={f['connection']} {f['dir']} id={f['packet_id']} q{f['qos']} {f['topic']!r} "
            f"len={f['payload_len']} {f['status']} missing={f['missing']} steps={steps} "
            f"retransmissions={f['retransmissions']}"
        )

    delivery = report["delivery"]
    for s in delivery["subscriptions"]:
        add(
            f"subscription {s['client_id']!r} {s['filter']!r} asked={s['requested_qos']} "
            f"granted={s['granted_qos']} refused={s['refused_code']}"
        )
    for r in delivery["retained"]:
        set_seen = r.get("set_frame") is not None if r["kind"] == "delivered" else None
        add(
            f"retained {r['kind']} conn={r['connection']} {r['topic']!r} len={r['payload_len']} "
            f"set_in_capture={set_seen}"
        )
    for f in delivery["fanouts"]:
        add(
            f"fanout {f['client_id']!r} {f['source']} {f['topic']!r} q{f['qos']} retain={f['retain']} "
            f"len={f['payload_len']} deliveries={f['delivery_count']}"
        )
        # A broker hands a message to its subscribers at one instant; the order their PUBLISH
        # packets reach the wire is its I/O loop's (mqscan lab broker's real sockets are flushed
        # in connection order, its engine's log and the simulation keep the subscription order).
        for d in sorted(f["deliveries"], key=lambda d: d["connection"]):
            add(
                f"  delivery to {d['client_id']!r} conn={d['connection']} q{d['qos']} expected=q{d['expected_qos']} "
                f"filter={d['filter']!r} after_reconnect={d['after_reconnect']}"
            )
    add(
        f"delivery reached_no_one={delivery['reached_no_one']} unmatched={delivery['unmatched_deliveries']} "
        f"qos_downgrades={delivery['qos_downgrades']}"
    )

    for k in report["keepalive"]:
        add(
            f"keepalive conn={k['connection']} declared={k['keepalive']} verdict={k['verdict']} "
            f"pingreq={k['pingreq']} pingresp={k['pingresp']} unanswered={k['unanswered']} expired={k['expired']}"
        )

    add(f"anomalies {sorted(report['counters'].get('anomalies', {}).items())}")
    return out


def main():
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as file:
            report = json.load(file)
        with open(path.removesuffix(".json") + ".view", "w", encoding="utf-8") as file:
            file.write("".join(line + "\n" for line in lines_of(report)))


if __name__ == "__main__":
    main()
