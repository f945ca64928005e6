import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LoadError } from '../../src/load/errors.js';
import {
  castInterpolated,
  goQuote,
  interpolateString,
  interpolateTree,
  InvalidTemplateError,
  MissingRequiredError,
  substitute,
  type TrackedVariableUse,
} from '../../src/load/interpolate.js';
import { originOf, setValueOrigin, type Origin } from '../../src/load/origin.js';
import type { Lookup, VariableUse } from '../../src/load/types.js';

interface ConformanceCase {
  source: string;
  template: string;
  env: Record<string, string>;
  expect?: string;
  error?: string;
  warnings?: number;
}

const table = JSON.parse(readFileSync(new URL('../conformance/interpolation.json', import.meta.url), 'utf8')) as {
  cases: ConformanceCase[];
};

const lookupOf =
  (env: Record<string, string>): Lookup =>
  (name) =>
    Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;

// compose-go's template_test.go mapping
const composeGoEnv = lookupOf({ FOO: 'first', BAR: '', JSON: '{"json":2}' });

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('conformance table (test/conformance/interpolation.json)', () => {
  it('has the compose-go cases', () => {
    expect(table.cases.length).toBeGreaterThanOrEqual(100);
    expect(table.cases.every((c) => c.source !== '' && (c.expect !== undefined) !== (c.error !== undefined))).toBe(true);
  });

  it.each(table.cases.map((c, i) => [i, c.source, JSON.stringify(c.template), c] as const))(
    '#%i %s: %s',
    (_i, _source, _shown, c) => {
      const warnings: string[] = [];
      const run = () => substitute(c.template, lookupOf(c.env), { warnings });
      if (c.error !== undefined) {
        expect(thrown(run).message).toContain(c.error);
        return;
      }
      expect(run()).toBe(c.expect);
      if (c.warnings !== undefined) expect(warnings).toHaveLength(c.warnings);
    },
  );
});

describe('interpolateString', () => {
  it.each([
    ['$$', '$'],
    ['$FOO', 'first'],
    ['${FOO}', 'first'],
    ['${NOPE:-w}', 'w'],
    ['${BAR:-w}', 'w'],
    ['${BAR-w}', ''],
    ['${NOPE-w}', 'w'],
    ['${FOO:?m}', 'first'],
    ['${BAR?m}', ''],
    ['${FOO:+w}', 'w'],
    ['${BAR:+w}', ''],
    ['${BAR+w}', 'w'],
    ['${NOPE+w}', ''],
    ['${ſOO}', ''], // Go's (?i) folds ſ to s, so this is a name (looked up as written)
  ])('%s -> %j', (template, expected) => {
    expect(interpolateString(template, composeGoEnv)).toBe(expected);
  });

  it('reports an invalid template the way docker compose does', () => {
    const origin: Origin = { file: 'compose.yaml', line: 3, column: 9 };
    const err = thrown(() => interpolateString('a ${ b', composeGoEnv, { path: 'services.api.image', origin }));
    expect(err).toBeInstanceOf(LoadError);
    expect(err.message).toBe(
      'invalid interpolation format for services.api.image.\nYou may need to escape any $ with another $.\na ${ b',
    );
    expect((err as LoadError).origin).toEqual(origin);
    expect(err.cause).toBeInstanceOf(InvalidTemplateError);
  });

  it('wraps a missing required variable with the path', () => {
    const err = thrown(() => interpolateString('${DB:?set DB in .env}', composeGoEnv, { path: 'services.api.environment.DB' }));
    expect(err.message).toBe('error while interpolating services.api.environment.DB: required variable DB is missing a value: set DB in .env');
    expect(err.cause).toBeInstanceOf(MissingRequiredError);
    const bare = thrown(() => interpolateString('${DB?}', composeGoEnv, { path: 'x' }));
    expect(bare.message).toBe('error while interpolating x: required variable DB is missing a value');
  });

  it('uses displayPath in messages when given', () => {
    const err = thrown(() => interpolateString('${', composeGoEnv, { path: 'services.a.ports.0', displayPath: 'services.a.ports.[]' }));
    expect(err.message.split('\n')[0]).toBe('invalid interpolation format for services.a.ports.[].');
  });

  it('warns once per unset plain use, never for defaulted ones', () => {
    const warnings: string[] = [];
    interpolateString('$A ${B} ${C:-x} ${D-y} ${E:+z} ${A}', composeGoEnv, { warnings });
    expect(warnings).toEqual([
      'The "A" variable is not set. Defaulting to a blank string.',
      'The "B" variable is not set. Defaulting to a blank string.',
      'The "A" variable is not set. Defaulting to a blank string.',
    ]);
  });
});

describe('variable uses', () => {
  const usesOf = (template: string, lookup: Lookup = composeGoEnv): TrackedVariableUse[] => {
    const uses: VariableUse[] = [];
    const origin: Origin = { file: 'c.yaml', line: 2, column: 5 };
    try {
      interpolateString(template, lookup, { path: 'p', origin, uses });
    } catch {
      // uses are recorded up to the error
    }
    return uses as TrackedVariableUse[];
  };
  const brief = (u: TrackedVariableUse) => [u.name, u.operator, u.evaluated];

  it('records every form with its operator, word and path', () => {
    const uses = usesOf('$FOO ${BAR:-d} ${X-e} ${FOO:?m} ${BAR?n} ${FOO:+a} ${Z+b}');
    expect(uses.map((u) => [u.name, u.operator, u.default ?? u.message ?? null, u.required])).toEqual([
      ['FOO', '', null, false],
      ['BAR', ':-', 'd', false],
      ['X', '-', 'e', false],
      ['FOO', ':?', 'm', true],
      ['BAR', '?', 'n', true],
      ['FOO', ':+', 'a', false],
      ['Z', '+', 'b', false],
    ]);
    expect(uses.every((u) => u.path === 'p' && u.origin?.line === 2)).toBe(true);
    expect(uses.map((u) => u.set)).toEqual([true, true, false, true, true, true, false]);
  });

  it('marks uses inside words that were not evaluated', () => {
    expect(usesOf('${A:+${A},}B').map(brief)).toEqual([
      ['A', ':+', true],
      ['A', '', false],
    ]);
    expect(usesOf('${FOO:-${B:-${C}}}').map(brief)).toEqual([
      ['FOO', ':-', true],
      ['B', ':-', false],
      ['C', '', false],
    ]);
    expect(usesOf('${FOO?msg $M}').map(brief)).toEqual([
      ['FOO', '?', true],
      ['M', '', false],
    ]);
  });

  it('marks uses inside evaluated words as evaluated', () => {
    expect(usesOf('${A:-${B:-x}}').map(brief)).toEqual([
      ['A', ':-', true],
      ['B', ':-', true],
    ]);
    expect(usesOf('${A:?need $FOO}').map(brief)).toEqual([
      ['A', ':?', true],
      ['FOO', '', true],
    ]);
  });

  it('records the text after a word as evaluated', () => {
    expect(usesOf('${A:-x}-${B}').map(brief)).toEqual([
      ['A', ':-', true],
      ['B', '', true],
    ]);
  });
});

describe('interpolateTree', () => {
  const env = lookupOf({ IMG: 'nginx', PORT: '8080', EMPTY: '' });

  it('interpolates values in place, never keys', () => {
    const labels = { $IMG: '${IMG}:latest' };
    const tree = {
      name: 'p-${IMG}',
      services: { web: { image: '$IMG', ports: ['${PORT}:80', 8081], labels, x: [['$$IMG']] } },
      'x-meta': { enabled: true, n: 3, nothing: null },
    };
    interpolateTree(tree, env);
    expect(tree.name).toBe('p-nginx');
    expect(tree.services.web.image).toBe('nginx');
    expect(tree.services.web.ports).toEqual(['8080:80', 8081]);
    expect(tree.services.web.labels).toBe(labels);
    expect(Object.keys(labels)).toEqual(['$IMG']);
    expect(labels.$IMG).toBe('nginx:latest');
    expect(tree.services.web.x).toEqual([['$IMG']]);
    expect(tree['x-meta']).toEqual({ enabled: true, n: 3, nothing: null });
  });

  it('records uses with dotted paths and origins', () => {
    const ports = ['${PORT}:80'];
    const tree = { services: { api: { environment: { FOO: '${NOPE:-x}' }, ports } } };
    setValueOrigin(ports, 0, { file: 'c.yaml', line: 7, column: 9 });
    const uses: VariableUse[] = [];
    const warnings: string[] = [];
    interpolateTree(tree, env, { uses, warnings, file: 'c.yaml' });
    expect(uses.map((u) => [u.name, u.path, u.origin?.line])).toEqual([
      ['NOPE', 'services.api.environment.FOO', 0],
      ['PORT', 'services.api.ports.0', 7],
    ]);
    expect(warnings).toEqual([]);
  });

  it('prefixes paths with pathPrefix', () => {
    const uses: VariableUse[] = [];
    interpolateTree({ image: '$IMG' }, env, { uses, pathPrefix: 'services.web' });
    expect(uses[0]?.path).toBe('services.web.image');
  });

  it('throws a LoadError carrying the value origin and compose-go path', () => {
    const ports = ['ok', '${'];
    setValueOrigin(ports, 1, { file: 'c.yaml', line: 4, column: 7 });
    const err = thrown(() => interpolateTree({ services: { api: { ports } } }, env));
    expect(err).toBeInstanceOf(LoadError);
    expect(err.message).toBe('invalid interpolation format for services.api.ports.[].\nYou may need to escape any $ with another $.\n${');
    expect((err as LoadError).origin).toEqual({ file: 'c.yaml', line: 4, column: 7 });
    const missing = thrown(() => interpolateTree({ services: { api: { image: '${IMAGE:?no image}' } } }, env));
    expect(missing.message).toBe('error while interpolating services.api.image: required variable IMAGE is missing a value: no image');
  });

  it('interpolates a shared subtree once', () => {
    const shared = { v: '$$IMG' };
    const tree = { a: shared, b: shared };
    interpolateTree(tree, env);
    expect(shared.v).toBe('$IMG');
  });

  it('keeps an own __proto__ key a plain value', () => {
    const tree = JSON.parse('{"__proto__": "$IMG"}') as Record<string, unknown>;
    interpolateTree(tree, env);
    expect(Object.getOwnPropertyDescriptor(tree, '__proto__')?.value).toBe('nginx');
    expect(Object.getPrototypeOf(tree)).toBe(Object.prototype);
  });
});

describe('castInterpolated', () => {
  it.each([
    ['services.s.scale', '3', 3],
    ['services.s.deploy.replicas', '+2', 2],
    ['services.s.pids_limit', '-1', -1],
    ['services.s.cpu_shares', '512', 512],
    ['services.s.cpus', '0.5', 0.5],
    ['services.s.cpu_percent', '1e2', 100],
    ['services.s.deploy.update_config.max_failure_ratio', '.25', 0.25],
    ['services.s.cpus', '0x1p-2', 0.25],
    ['services.s.cpus', '1_000.5', 1000.5],
    ['services.s.healthcheck.retries', '5', 5],
    ['services.s.healthcheck.disable', 'TRUE', true],
    ['services.s.init', 'false', false],
    ['services.s.privileged', 'yes', true],
    ['services.s.read_only', 'Off', false],
    ['services.s.tty', 'y', true],
    ['services.s.stdin_open', 'N', false],
    ['services.s.oom_kill_disable', 'on', true],
    ['services.s.ulimits.nproc', '65535', 65535],
    ['services.s.ulimits.nofile.soft', '1024', 1024],
    ['services.s.depends_on.db.required', 'false', false],
    ['services.s.depends_on.db.restart', 'true', true],
    ['networks.n.external', 'true', true],
    ['networks.n.enable_ipv6', 'false', false],
    ['volumes.v.external', 'no', false],
    ['secrets.x.external', 'yes', true],
    ['configs.x.external', 'true', true],
  ])('%s: %j -> %j', (path, raw, expected) => {
    const tree = treeAt(path, raw);
    castInterpolated(tree);
    expect(valueAt(tree, path)).toBe(expected);
  });

  it('casts inside lists', () => {
    const tree = {
      services: {
        s: {
          ports: [{ target: '80', published: '8080' }, '9000:9000'],
          volumes: [{ type: 'volume', source: 'v', target: '/d', read_only: 'true', volume: { nocopy: 'yes' } }],
        },
      },
    };
    castInterpolated(tree);
    expect(tree.services.s.ports[0]).toEqual({ target: 80, published: '8080' });
    expect(tree.services.s.ports[1]).toBe('9000:9000');
    expect(tree.services.s.volumes[0]).toMatchObject({ read_only: true, volume: { nocopy: true } });
  });

  it('leaves other paths and non-string values alone', () => {
    const tree = { services: { s: { environment: { tty: 'yes' }, tty: true, scale: 2, labels: ['init=yes'] } }, volumes: { v: { name: 'true' } } };
    const before = structuredClone(tree);
    castInterpolated(tree);
    expect(tree).toEqual(before);
  });

  it('mutates in place so origins stay attached', () => {
    const svc = { scale: '4' };
    setValueOrigin(svc, 'scale', { file: 'c.yaml', line: 2, column: 12 });
    castInterpolated({ services: { s: svc } });
    expect(svc.scale).toBe(4);
    expect(originOf(svc, 'scale')?.line).toBe(2);
  });

  it('warns about YAML 1.1 booleans like compose-go', () => {
    const warnings: string[] = [];
    castInterpolated({ services: { s: { tty: 'Yes', init: 'off', privileged: 'true' } } }, { warnings });
    expect(warnings.sort()).toEqual([
      '"Yes" for boolean is not supported by YAML 1.2, please use `true`',
      '"off" for boolean is not supported by YAML 1.2, please use `false`',
    ]);
  });

  it.each([
    ['services.s.scale', 'three', 'strconv.Atoi: parsing "three": invalid syntax'],
    ['services.s.scale', '', 'strconv.Atoi: parsing "": invalid syntax'],
    ['services.s.scale', '1_000', 'strconv.Atoi: parsing "1_000": invalid syntax'],
    ['services.s.scale', '9223372036854775808', 'strconv.Atoi: parsing "9223372036854775808": value out of range'],
    ['services.s.pids_limit', '1.5', 'strconv.ParseInt: parsing "1.5": invalid syntax'],
    ['services.s.cpus', 'half', 'strconv.ParseFloat: parsing "half": invalid syntax'],
    ['services.s.cpus', '1e39', 'strconv.ParseFloat: parsing "1e39": value out of range'],
    ['services.s.cpu_percent', '1e400', 'strconv.ParseFloat: parsing "1e400": value out of range'],
    ['services.s.tty', 'maybe', 'invalid boolean: maybe'],
  ])('%s: %j fails', (path, raw, reason) => {
    const tree = treeAt(path, raw);
    const err = thrown(() => castInterpolated(tree, { file: 'c.yaml' }));
    expect(err).toBeInstanceOf(LoadError);
    expect(err.message).toBe(`error while interpolating ${path}: failed to cast to expected type: ${reason}`);
    expect((err as LoadError).origin?.file).toBe('c.yaml');
  });

  it('names list items as [] in cast errors, with the item origin', () => {
    const port = { target: 'http' };
    setValueOrigin(port, 'target', { file: 'c.yaml', line: 9, column: 17 });
    const err = thrown(() => castInterpolated({ services: { s: { ports: [port] } } }));
    expect(err.message).toBe(
      'error while interpolating services.s.ports.[].target: failed to cast to expected type: strconv.Atoi: parsing "http": invalid syntax',
    );
    expect((err as LoadError).origin?.line).toBe(9);
  });
});

describe('goQuote', () => {
  it.each([
    ['abc', '"abc"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['\n\t\x07\x00', '"\\n\\t\\a\\x00"'],
    ['é\u00a0\u2028', '"é\\u00a0\\u2028"'],
  ])('%j -> %s', (input, expected) => {
    expect(goQuote(input)).toBe(expected);
  });
});

function treeAt(path: string, value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const parts = path.split('.');
  let node = root;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) node[part] = value;
    else node = (node[part] = {}) as Record<string, unknown>;
  });
  return root;
}

function valueAt(root: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], root);
}
