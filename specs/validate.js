// Validates specs/asyncapi.yaml (with its Avro contracts) and specs/openapi.yaml with the standard parsers from npm,
// and every resource of deploy/k8s (as kustomization.yaml lists them) against Kubernetes' own OpenAPI schemas
// (kubernetes-models).
// Usage: node validate.js  (npm ci first). Exits 1 on any error-level diagnostic.
const fs = require('fs');
const path = require('path');
const { Parser, fromFile } = require('@asyncapi/parser');
const { AvroSchemaParser } = require('@asyncapi/avro-schema-parser');
const SwaggerParser = require('@apidevtools/swagger-parser');
const YAML = require('yaml');

/** Every document of every resource file the kustomization lists, validated; the count, or throws. */
async function validateKubernetes() {
  const dir = path.join(__dirname, '..', 'deploy', 'k8s');
  const kustomization = YAML.parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
  let count = 0;
  for (const file of kustomization.resources) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
      const resource = doc.toJS();
      // kubernetes-models is ESM only; core resources are under v1/, the others under <group>/<version>/.
      const Model = (await import(`kubernetes-models/${resource.apiVersion}/${resource.kind}`))[resource.kind];
      try {
        new Model(resource).validate();
      } catch (e) {
        throw new Error(`${file} ${resource.kind}/${resource.metadata.name}: ${e.message}`);
      }
      count++;
    }
  }
  return count;
}

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
  try {
    console.log(`deploy/k8s: ${await validateKubernetes()} resources valid`);
  } catch (e) {
    console.log(`deploy/k8s: ${e.message}`);
    failed = true;
  }
  process.exit(failed ? 1 : 0);
})().catch(e => { console.error(e); process.exit(1); });
