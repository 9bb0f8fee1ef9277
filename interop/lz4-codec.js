// The pipeline's producers write lz4 batches. KafkaJS ships gzip only and takes other codecs as plug-ins; Kafka's
// lz4 is the standard LZ4 frame format, which lz4js (pure JavaScript, no native build) reads and writes.
const { CompressionTypes, CompressionCodecs } = require('kafkajs');
const lz4 = require('lz4js');

CompressionCodecs[CompressionTypes.LZ4] = () => ({
  compress: async encoder => Buffer.from(lz4.compress(encoder.buffer)),
  decompress: async buffer => Buffer.from(lz4.decompress(buffer)),
});
