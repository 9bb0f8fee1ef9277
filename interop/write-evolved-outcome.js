// A producer on a newer contract, as a team upgrading first would run one: registers SessionOutcome with one more
// optional field (the subject's FULL_TRANSITIVE rule must accept it, as it does the pipeline's own upgrades) and
// writes one outcome with it, a copy of the first one on the topic, so that the readers that follow meet records of
// both versions on one topic. The copy repeats an outcome already notified: the notifier leaves it alone.
// Usage: node write-evolved-outcome.js <bootstrap> <registry-url>
const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');
require('./lz4-codec');

const [bootstrap, registryUrl] = process.argv.slice(2);
const TOPIC = 'onramp.session-outcomes.v1';
const SUBJECT = TOPIC + '-value';
const NEW_FIELD = 'settlement_reference';

async function firstRecord(kafka) {
  const consumer = kafka.consumer({ groupId: 'onramp-interop-evolve-' + Date.now() });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  const first = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no record on ${TOPIC} within 30 s`)), 30000);
    consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value !== null) { clearTimeout(timer); resolve(message); }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  return first;
}

(async () => {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.ERROR, clientId: 'onramp-interop-evolve' });
  const registry = new SchemaRegistry({ host: registryUrl });
  const latest = await (await fetch(`${registryUrl}/subjects/${SUBJECT}/versions/latest`)).json();
  const schema = JSON.parse(latest.schema);
  if (!schema.fields.some(f => f.name === NEW_FIELD)) {
    schema.fields.push({ name: NEW_FIELD, privacy: 'none', type: ['null', 'string'], default: null,
      doc: 'A newer contract\'s field: readers of older versions skip it.' });
  }
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) },
    { subject: SUBJECT, compatibility: 'FULL_TRANSITIVE' });
  const first = await firstRecord(kafka);
  const outcome = await registry.decode(first.value);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: TOPIC, messages: [{ key: first.key,
    value: await registry.encode(id, { ...outcome, [NEW_FIELD]: 'interop-' + Date.now() }) }] });
  await producer.disconnect();
  console.log(`wrote one ${TOPIC} record with schema id ${id} (was ${latest.id}): SessionOutcome + ${NEW_FIELD}`);
})().catch(e => { console.error(e); process.exit(1); });
