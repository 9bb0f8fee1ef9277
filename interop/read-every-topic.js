// Reads every onramp topic as another team would: KafkaJS (read_committed) and @kafkajs/confluent-schema-registry
// against the registry's Confluent API, decoding each record and checking it has the fields schemas/README.md
// documents, and that a record carrying a session id is keyed by it.
// Usage: node read-every-topic.js <bootstrap> <registry-url> <topic that must hold records>... [absent:<text>]...
// A topic given as <topic>=<n> must also hold records written with at least n versions of its schema; absent:<text>
// (an erased person's wallet address, say) must be in no decoded record of any topic.
const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistry } = require('@kafkajs/confluent-schema-registry');
require('./lz4-codec');
const documented = require('./documented-fields.json');

const [bootstrap, registryUrl, ...args] = process.argv.slice(2);
const absent = args.filter(a => a.startsWith('absent:')).map(a => a.slice('absent:'.length));
const required = args.filter(a => !a.startsWith('absent:'));
const mustHoldRecords = required.map(r => r.split('=')[0]);
const versionsRequired = Object.fromEntries(required.filter(r => r.includes('=')).map(r => r.split('=')).map(([t, n]) => [t, Number(n)]));

const IDLE_MS = 4000;

async function readTopic(kafka, registry, topic, fields) {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: 'onramp-interop-' + topic + '-' + Date.now() });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const result = { records: 0, tombstones: 0, problems: [], schemaIds: new Set() };
  // A consumer that crashes (e.g. on a batch it cannot decompress) must fail the topic, not end it early.
  consumer.on(consumer.events.CRASH, e => result.problems.push(`consumer crashed: ${e.payload.error.message}`));
  let last = Date.now();
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      last = Date.now();
      if (message.value === null) { result.tombstones++; return; }
      let value;
      try {
        value = await registry.decode(message.value);
      } catch (e) {
        result.problems.push(`p${partition}@${message.offset}: cannot decode: ${e.message}`);
        return;
      }
      result.records++;
      const text = JSON.stringify(value) + (message.key === null ? '' : message.key.toString('utf8'));
      absent.filter(a => text.includes(a)).forEach(a => result.problems.push(`p${partition}@${message.offset}: holds ${a} in clear`));
      result.schemaIds.add(message.value.readInt32BE(1)); // the Confluent wire format: magic byte, then the id
      const missing = fields.filter(f => !(f in value));
      if (missing.length) result.problems.push(`p${partition}@${message.offset}: missing ${missing.join(', ')}`);
      const key = message.key === null ? null : message.key.toString('utf8');
      if (typeof value.session_id === 'string' && topic !== 'onramp.suppressions.v1' && key !== value.session_id) {
        result.problems.push(`p${partition}@${message.offset}: keyed ${key}, session ${value.session_id}`);
      }
    },
  });
  const high = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  while (Date.now() - last < IDLE_MS && !(high === 0 && Date.now() - last > 1000)) {
    await new Promise(r => setTimeout(r, 250));
  }
  await consumer.disconnect();
  return result;
}

(async () => {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.ERROR, clientId: 'onramp-interop' });
  const registry = new SchemaRegistry({ host: registryUrl });
  const admin = kafka.admin();
  await admin.connect();
  const onBroker = (await admin.listTopics()).filter(t => t.startsWith('onramp.'));
  await admin.disconnect();
  let failed = false;
  for (const topic of Object.keys(documented)) {
    if (!onBroker.includes(topic)) { console.log(`FAIL ${topic}: not on the broker`); failed = true; continue; }
    const r = await readTopic(kafka, registry, topic, documented[topic].fields);
    const empty = mustHoldRecords.includes(topic) && r.records === 0;
    const tooFewVersions = r.schemaIds.size < (versionsRequired[topic] || 0);
    const ok = r.problems.length === 0 && !empty && !tooFewVersions;
    failed = failed || !ok;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${topic}: ${r.records} records decoded as ${documented[topic].record}`
      + (r.schemaIds.size > 1 ? ` (${r.schemaIds.size} schema versions)` : '')
      + (r.tombstones ? `, ${r.tombstones} tombstones` : '') + (empty ? ', but it must hold records' : '')
      + (tooFewVersions ? `, but it must hold ${versionsRequired[topic]} schema versions` : ''));
    r.problems.slice(0, 5).forEach(p => console.log('       ' + p));
  }
  const undocumented = onBroker.filter(t => !(t in documented));
  if (undocumented.length) { console.log('FAIL topics not documented: ' + undocumented.join(', ')); failed = true; }
  process.exit(failed ? 1 : 0);
})().catch(e => { console.error(e); process.exit(1); });
