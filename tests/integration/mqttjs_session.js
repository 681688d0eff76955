'use strict'
// An MQTT.js session for make_loopback_captures.sh: one client per protocol version (3.1.1
// and 5.0) subscribes to its own topic, publishes there at QoS 0, 1 and 2, waits for the
// three messages to come back, unsubscribes and disconnects. The 5.0 client also sends user
// properties in CONNECT, its will, SUBSCRIBE, PUBLISH and UNSUBSCRIBE, and a topic alias (set
// by the first PUBLISH, used alone by the next two).
//
//   node mqttjs_session.js HOST PORT      (NODE_PATH=/usr/share/nodejs for Debian's node-mqtt)
const mqtt = require('mqtt')

const TIMEOUT_MS = 15000
const [host, port] = process.argv.slice(2)

setTimeout(() => {
  console.error('mqttjs_session: timed out')
  process.exit(1)
}, TIMEOUT_MS)

function userProperties (packet) {
  return { userProperties: { client: 'mqttjs', packet } }
}

function v5Options (topic) {
  return {
    properties: { ...userProperties('connect'), receiveMaximum: 10, sessionExpiryInterval: 0 },
    will: {
      topic: `${topic}/will`,
      payload: 'gone',
      qos: 1,
      properties: { ...userProperties('will'), willDelayInterval: 5, contentType: 'text/plain' }
    },
    autoUseTopicAlias: true
  }
}

function publishProperties (qos) {
  // The first PUBLISH registers alias 1; autoUseTopicAlias sends the others with alias only.
  const alias = qos === 0 ? { topicAlias: 1 } : {}
  return { ...userProperties(`publish qos ${qos}`), ...alias, contentType: 'text/plain' }
}

function connect (version, topic) {
  const options = {
    host,
    port: Number(port),
    protocolVersion: version,
    clientId: `mqttjs-v${version}`,
    username: 'mqttjs',
    keepalive: 30,
    reconnectPeriod: 0,
    ...(version === 5 ? v5Options(topic) : {})
  }
  const client = mqtt.connect(options)
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client))
    client.once('error', reject)
  })
}

// `client.method(...args, callback)` as a promise (MQTT.js 4 has no promise API).
function call (client, method, ...args) {
  return new Promise((resolve, reject) => {
    client[method](...args, (error) => (error ? reject(error) : resolve()))
  })
}

// Resolves when `count` messages have arrived on `topic`.
function receive (client, topic, count) {
  let received = 0
  return new Promise((resolve) => {
    client.on('message', (arrived) => {
      if (arrived === topic && ++received === count) resolve()
    })
  })
}

async function session (version) {
  const topic = `mqttjs/v${version}`
  const v5 = version === 5
  const client = await connect(version, topic)
  const arrivals = receive(client, topic, 3)
  await call(client, 'subscribe', topic, v5
    ? { qos: 2, nl: false, rap: true, rh: 0, properties: userProperties('subscribe') }
    : { qos: 2 })
  for (const qos of [0, 1, 2]) {
    await call(client, 'publish', topic, `hello from MQTT.js at QoS ${qos}`,
      v5 ? { qos, properties: publishProperties(qos) } : { qos })
  }
  await arrivals
  await call(client, 'unsubscribe', topic, v5 ? { properties: userProperties('unsubscribe') } : {})
  await call(client, 'end', false, v5 ? { reasonCode: 0 } : {})
}

async function main () {
  await session(4)
  await session(5)
  process.exit(0)
}

main().catch((error) => {
  console.error(`mqttjs_session: ${error.message}`)
  process.exit(1)
})
