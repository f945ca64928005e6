// Build step: compile the Compose JSON Schema once, with ajv's standalone code generation, into
// dist/load/compose-schema.validate.cjs, so a shipshape process never compiles it at run time.
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default;
const standalone = require('ajv/dist/standalone').default;
const schema = JSON.parse(readFileSync(new URL('../schema/compose-spec.json', import.meta.url), 'utf8'));
// the same options as src/load/schema.ts, plus code generation
const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true, validateFormats: false, code: { source: true } });
const validate = ajv.compile(schema);
mkdirSync(new URL('../dist/load/', import.meta.url), { recursive: true });
writeFileSync(new URL('../dist/load/compose-schema.validate.cjs', import.meta.url), standalone(ajv, validate));
