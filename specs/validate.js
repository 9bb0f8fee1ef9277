// Validates specs/asyncapi.yaml (with its Avro contracts) and specs/openapi.yaml with the standard parsers from npm.
// Usage: node validate.js  (npm ci first). Exits 1 on any error-level diagnostic.
const fs = require('fs');
const path = require('path');
const { Parser, fromFile } = require('@asyncapi/parser');
const { AvroSchemaParser } = require('@asyncapi/avro-schema-parser');
const SwaggerParser = require('@apidevtools/swagger-parser');

(async () => {
  let failed = false;
  const parser = new Parser();
  parser.registerSchemaParser(AvroSchemaParser());
  const asyncapi = path.join(__dirname, 'asyncapi.yaml');
  const { document, diagnostics } = await fromFile(parser, asyncapi).parse();
  const errors = diagnostics.filter(d => d.severity === 0);
  errors.forEach(d => console.log(`asyncapi.yaml ${JSON.stringify(d.path)}: ${d.message}`));
  if (!document || errors.length) {
    failed = true;
  } else {
    console.log(`asyncapi.yaml: valid, ${document.channels().length} channels, ${document.components().messages().length} messages`);
  }
  try {
    const api = await SwaggerParser.validate(path.join(__dirname, 'openapi.yaml'));
    console.log(`openapi.yaml: valid, ${Object.keys(api.paths).length} paths`);
  } catch (e) {
    console.log(`openapi.yaml: ${e.message}`);
    failed = true;
  }
  process.exit(failed ? 1 : 0);
})().catch(e => { console.error(e); process.exit(1); });
