'use strict'
// One MQTT.js client (MQTT 3.1.1, keep alive 60, clean session, as mosquitto_pub) that publishes
// each TOPIC=VALUE at QoS 0 over a single connection, in order, then disconnects: what a sensor
// script does, and what mosquitto_pub (one topic per run) cannot (lab_real_vs_simulated.sh).
//
//   node mqttjs_publish.js HOST PORT CLIENT_ID TOPIC=VALUE...   (NODE_PATH=/usr/share/nodejs)
const mqtt = require('mqtt')

const TIMEOUT_MS = 10000
const [host, port, clientId, ...readings] = process.argv.slice(2)

setTimeout(() => {
  console.error('mqttjs_publish: timed out')
  process.exit(1)
}, TIMEOUT_MS)

const client = mqtt.connect({ host, port: Number(port), clientId, protocolVersion: 4, keepalive: 60, reconnectPeriod: 0 })
client.on('error', (error) => {
  console.error(`mqttjs_publish: ${error.message}`)
  process.exit(1)
})
client.on('connect', async () => {
  for (const reading of readings) {
    const at = reading.indexOf('=')
    await new Promise((resolve) => client.publish(reading.slice(0, at), reading.slice(at + 1), { qos: 0 }, resolve))
  }
  client.end(false, {}, () => process.exit(0))
})
