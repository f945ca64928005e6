/**
 * Validation against the official Compose JSON Schema (draft 2020-12), compiled once per process.
 * Errors are reported with Compose's wording where it has one and with the position of the
 * offending value in the source files.
 */
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { LoadError } from './errors.js';
import { keyOriginOf, originAtPath } from './origin.js';
import type { Mapping } from './types.js';

let validator: ValidateFunction | undefined;

function compile(): ValidateFunction {
  if (validator) return validator;
  const require = createRequire(import.meta.url);
  // the build precompiles the schema (scripts/gen-validator.mjs); from sources, compile it here
  try {
    validator = require('./compose-schema.validate.cjs') as ValidateFunction;
    if (typeof validator === 'function') return validator;
    validator = (validator as unknown as { default: ValidateFunction }).default;
    if (typeof validator === 'function') return validator;
  } catch {
    /* not built: compile below */
  }
  const Ajv2020 = (require('ajv/dist/2020') as { default: new (o: object) => { compile(s: object): ValidateFunction } }).default;
  const schema = require('../../schema/compose-spec.json') as object;
  const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true, validateFormats: false });
  validator = ajv.compile(schema);
  return validator;
}

export interface SchemaProblem {
  path: (string | number)[];
  message: string;
  keyword: string;
}

/** Validate a model; returns the problems, most specific first (empty when valid). */
export function schemaProblems(model: Mapping): SchemaProblem[] {
  const validate = compile();
  if (validate(model)) return [];
  return describe(validate.errors ?? [], model);
}

/** Validate and throw the first problem as a LoadError pointing into the source. */
export function validateSchema(model: Mapping, file: string): void {
  const problems = schemaProblems(model);
  const first = problems[0];
  if (!first) return;
  // an unknown key is shown at the key itself
  const parent = first.keyword === 'additionalProperties' ? valueAt(model, first.path.slice(0, -1)) : undefined;
  const origin = (parent ? keyOriginOf(parent, String(first.path[first.path.length - 1])) : undefined) ?? originAtPath(model, first.path);
  throw new LoadError(`validating ${file}: ${first.message}`, {
    code: 'schema',
    origin,
    hint: 'see the Compose file reference for the allowed keys and value types',
  });
}

function splitPointer(p: string): (string | number)[] {
  if (!p) return [];
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function dotted(path: (string | number)[]): string {
  return path.length ? path.join('.') : '(root)';
}

function describe(errors: ErrorObject[], model: Mapping): SchemaProblem[] {
  // oneOf/anyOf produce one error per branch: keep the most specific ones, and report the
  // branch error that fits the value's actual type (a string vs. a mapping, say).
  const items = errors
    .filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if')
    .map((e) => ({ e, path: splitPointer(e.instancePath) }));
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  items.sort((a, b) => b.path.length - a.path.length || rank(a.e) - rank(b.e));
  for (const { e, path } of items) {
    const msg = message(e, path, model);
    if (!msg) continue;
    const key = `${dotted(path)}|${msg}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ path: e.keyword === 'additionalProperties' ? [...path, String(e.params.additionalProperty)] : path, message: msg, keyword: e.keyword });
  }
  if (!problems.length && errors[0]) {
    const path = splitPointer(errors[0].instancePath);
    problems.push({ path, message: `${dotted(path)} ${errors[0].message ?? 'is invalid'}`, keyword: errors[0].keyword });
  }
  return problems;
}

function rank(e: ErrorObject): number {
  switch (e.keyword) {
    case 'additionalProperties':
      return 0;
    case 'required':
      return 1;
    case 'enum':
    case 'const':
      return 2;
    case 'pattern':
    case 'format':
      return 3;
    case 'type':
      return 5;
    default:
      return 4;
  }
}

/** compose-go schema.go: "object" reads "mapping"; several types sorted, "a, b or c". */
function humanReadableType(want: string[]): string {
  const names = want.map((t) => (t === 'object' ? 'mapping' : t));
  if (names.length === 1) return names[0]!;
  names.sort();
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function valueAt(model: unknown, path: (string | number)[]): unknown {
  let v: unknown = model;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function message(e: ErrorObject, path: (string | number)[], model: Mapping): string | undefined {
  const where = dotted(path);
  const actual = valueAt(model, path);
  switch (e.keyword) {
    case 'additionalProperties':
      if (path.length === 0) return `additional properties '${String(e.params.additionalProperty)}' not allowed`;
      return `${where} additional properties '${String(e.params.additionalProperty)}' not allowed`;
    case 'type': {
      const want = ([] as string[]).concat(e.params.type as string | string[]);
      // a branch of a union that does not fit is not the interesting error when another branch matches the type
      if (want.includes(typeName(actual)) || (want.includes('number') && typeof actual === 'number')) return undefined;
      return `${where} must be a ${humanReadableType(want)}`;
    }
    case 'required':
      return `${where} missing property '${String(e.params.missingProperty)}'`;
    case 'enum':
      return `${where} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${where} must be ${JSON.stringify(e.params.allowedValue)}`;
    case 'pattern':
      return `${where} does not match pattern ${String(e.params.pattern)}`;
    case 'uniqueItems':
      return `${where} must not contain duplicate items`;
    case 'minItems':
    case 'maxItems':
    case 'minimum':
    case 'maximum':
    case 'minProperties':
    case 'minLength':
      return `${where} ${e.message ?? 'is invalid'}`;
    case 'propertyNames':
      return undefined;
    case 'not':
      return `${where} is not allowed here`;
    default:
      return `${where} ${e.message ?? 'is invalid'}`;
  }
}
