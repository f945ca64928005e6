import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, LineCounter, parse, parseDocument, type Node as YamlNode } from 'yaml';
import { LoadError } from '../../src/load/errors.js';
import { enforceUnicity, mergeModels, mergeYaml } from '../../src/load/merge.js';
import { keyOriginOf, originAtPath, originOf, setKeyOrigin, setSelfOrigin, setValueOrigin, type Origin } from '../../src/load/origin.js';
import type { Mapping, Value } from '../../src/load/types.js';

interface MergeCase {
  id: string;
  base: string;
  override: string;
  expected: string;
  note?: string;
}

interface MergeCases {
  source: { repo: string; commit: string; paths: string; license: string };
  /** what the cases describe: the raw YAML tree after Merge + EnforceUnicity, compared deep-equal */
  layer: string;
  cases: MergeCase[];
}

const fixtures = JSON.parse(
  readFileSync(new URL('../conformance/compose-go-merge-cases.json', import.meta.url), 'utf8'),
) as MergeCases;

/**
 * Cases we run but expect to fail, each with the reason. Nothing is dropped: if one of these
 * starts passing, vitest reports it, and it should move back to the normal list.
 */
const EXPECTED_FAILURES: Record<string, string> = {
  'merge_models_test/Test_mergeYamlModelsRuntimeFlagsMerge#0':
    'This test is commented out (inside /* ... */) in compose-go override/merge_models_test.go at e70e961, ' +
    'and compose-go does not satisfy it: there is no merge rule for models.*.runtime_flags, so MergeYaml ' +
    'concatenates the two lists ([--gpu, --batch-size=32, --fp16, --batch-size=64]). We follow the code.',
};

function yamlMapping(text: string): Mapping {
  return (parse(text) ?? {}) as Mapping;
}

/** Parse YAML into plain data and record positions the way the loader does (origin.ts). */
function parseWithOrigins(text: string, file: string): Mapping {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const pos = (node: YamlNode | null | undefined): Origin | undefined => {
    if (!node?.range) return undefined;
    const { line, col } = lc.linePos(node.range[0]);
    return { file, line, column: col };
  };
  const build = (node: YamlNode | null | undefined): Value => {
    if (!node) return null;
    if (isScalar(node)) return node.value as Value;
    if (isSeq(node)) {
      const out: Value[] = [];
      node.items.forEach((item, i) => {
        out.push(build(item as YamlNode));
        setValueOrigin(out, i, pos(item as YamlNode));
      });
      setSelfOrigin(out, pos(node));
      return out;
    }
    if (isMap(node)) {
      const out: Mapping = {};
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode;
        const key = String(isScalar(keyNode) ? keyNode.value : keyNode);
        out[key] = build(pair.value as YamlNode | null);
        setKeyOrigin(out, key, pos(keyNode));
        setValueOrigin(out, key, pos(pair.value as YamlNode | null) ?? pos(keyNode));
      }
      setSelfOrigin(out, pos(node));
      return out;
    }
    throw new Error('unexpected YAML node');
  };
  return build(doc.contents as YamlNode) as Mapping;
}

function at(v: Value | undefined, ...path: (string | number)[]): Value | undefined {
  let node: Value | undefined = v;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, Value>)[seg];
  }
  return node;
}

function service(model: Mapping, name = 'test'): Mapping {
  return at(model, 'services', name) as Mapping;
}

function merged(base: string, override: string): Mapping {
  return mergeModels(yamlMapping(base), yamlMapping(override));
}

describe('compose-go merge fixtures (override/merge_*_test.go @ e70e961)', () => {
  it('has the 68 cases', () => {
    expect(fixtures.cases).toHaveLength(68);
    expect(fixtures.source.commit.startsWith('e70e961')).toBe(true);
  });

  for (const c of fixtures.cases) {
    const reason = EXPECTED_FAILURES[c.id];
    const run = (): void => {
      const result = mergeModels(yamlMapping(c.base), yamlMapping(c.override));
      expect(result).toStrictEqual(yamlMapping(c.expected));
    };
    if (reason) {
      it.fails(`${c.id} (expected failure: ${reason})`, run);
    } else {
      it(c.id, run);
    }
  }

  it('the expected failure really is compose-go behaviour: runtime_flags are concatenated', () => {
    const c = fixtures.cases.find((x) => x.id === 'merge_models_test/Test_mergeYamlModelsRuntimeFlagsMerge#0');
    expect(c).toBeDefined();
    const result = merged(c!.base, c!.override);
    expect(at(result, 'models', 'llm', 'runtime_flags')).toEqual(['--gpu', '--batch-size=32', '--fp16', '--batch-size=64']);
  });
});

describe('enforceUnicity (override/uncity_test.go behaviours)', () => {
  const unicity = (text: string): Mapping => enforceUnicity(yamlMapping(text));

  it('environment: a later entry replaces the earlier one in place, bare keys included', () => {
    const out = unicity(`
services:
  test:
    image: foo
    environment: [FOO=BAR, BAR=QIX, QIX=, ZOT, FOO=ZOT, QIX, ZOT=]
`);
    expect(service(out)['environment']).toEqual(['FOO=ZOT', 'BAR=QIX', 'QIX', 'ZOT=']);
  });

  it('volumes: unique by container target, short form parsed', () => {
    const out = unicity(`
services:
  test:
    volumes: [".:/foo", "foo:/bar", "src:/foo"]
`);
    expect(service(out)['volumes']).toEqual(['src:/foo', 'foo:/bar']);
  });

  it('ports short form: unique by the raw string', () => {
    const out = unicity(`
services:
  test:
    ports: ["9080:80", "9081:81", "9080:80", "5000", "6060:6060/udp", "9080:6060/udp"]
`);
    expect(service(out)['ports']).toEqual(['9080:80', '9081:81', '5000', '6060:6060/udp', '9080:6060/udp']);
  });

  it('ports long form: unique by host_ip:published:target/protocol', () => {
    const out = unicity(`
services:
  test:
    ports:
      - {target: 80, host_ip: 127.0.0.1, published: "8080", protocol: tcp, mode: host}
      - {target: 81, published: "8080", protocol: tcp}
      - {target: 80, host_ip: 127.0.0.2, published: "8080", protocol: tcp}
      - {target: 81, published: "8080", protocol: tcp}
`);
    expect(service(out)['ports']).toEqual([
      { target: 80, host_ip: '127.0.0.1', published: '8080', protocol: 'tcp', mode: 'host' },
      { target: 81, published: '8080', protocol: 'tcp' },
      { target: 80, host_ip: '127.0.0.2', published: '8080', protocol: 'tcp' },
    ]);
  });

  it('ports long form: default host_ip/protocol collapse, an integer published does not match a string one', () => {
    const out = unicity(`
services:
  test:
    ports:
      - {target: 80, published: "8080"}
      - {target: 80, published: "8080", host_ip: 0.0.0.0, protocol: tcp, mode: ingress}
      - {target: 80, published: 8080}
`);
    expect(service(out)['ports']).toEqual([
      { target: 80, published: '8080', host_ip: '0.0.0.0', protocol: 'tcp', mode: 'ingress' },
      { target: 80, published: 8080 },
    ]);
  });

  it('the example of compose-semantics §5.3 keeps first-appearance order', () => {
    const out = merged('services: {a: {ports: ["8080:80", "9000:9000"]}}', 'services: {a: {ports: ["9090:90", "9000:9000"]}}');
    expect(service(out, 'a')['ports']).toEqual(['8080:80', '9000:9000', '9090:90']);
  });

  it('secrets and configs: unique by target with default targets', () => {
    const out = unicity(`
services:
  test:
    secrets: [a, {source: b, target: /run/secrets/a}, c]
    configs: [a, {source: b, target: /a}, {source: c}, c]
`);
    expect(service(out)['secrets']).toEqual([{ source: 'b', target: '/run/secrets/a' }, 'c']);
    expect(service(out)['configs']).toEqual([{ source: 'b', target: '/a' }, 'c']);
  });

  it('other keyed lists: expose, tmpfs, dns by the text before "=", devices by container path', () => {
    const out = unicity(`
services:
  test:
    expose: [80, "80", 81]
    tmpfs: [/run, "/run=size=1m", /tmp]
    devices: ["/dev/a:/dev/x", "/dev/b:/dev/x:rwm", "/dev/c"]
    cap_add: [NET_ADMIN, NET_ADMIN]
`);
    expect(service(out)['expose']).toEqual(['80', 81]);
    expect(service(out)['tmpfs']).toEqual(['/run=size=1m', '/tmp']);
    expect(service(out)['devices']).toEqual(['/dev/b:/dev/x:rwm', '/dev/c']);
    expect(service(out)['cap_add']).toEqual(['NET_ADMIN']);
  });

  it('volume short syntax edge cases: ${...} with colons, Windows drives, anonymous volumes', () => {
    const out = unicity(`
services:
  test:
    volumes:
      - "\${SRC:-./a}:/data"
      - "C:\\\\src:/data:ro"
      - /anon
      - "other:/anon"
`);
    expect(service(out)['volumes']).toEqual(['C:\\src:/data:ro', 'other:/anon']);
  });

  it('fields compose-go keeps duplicates in: security_opt, build.platforms (sic: only "platform" is deduplicated)', () => {
    const out = merged(
      'services: {test: {security_opt: [a], volumes_from: [x], build: {platforms: [linux/amd64]}}}',
      'services: {test: {security_opt: [a], volumes_from: [x], build: {platforms: [linux/amd64]}}}',
    );
    expect(service(out)['security_opt']).toEqual(['a', 'a']);
    expect(service(out)['volumes_from']).toEqual(['x', 'x']);
    expect(at(service(out), 'build', 'platforms')).toEqual(['linux/amd64', 'linux/amd64']);
  });

  it('reports entries without a usable key', () => {
    expect(() => unicity('services: {test: {volumes: [{type: volume, source: a}]}}')).toThrow(
      'service volume services.test.volumes.[0] is missing a mount target',
    );
    expect(() => unicity('services: {test: {volumes: ["/x::/b"]}}')).toThrow('invalid spec: /x::/b: empty section between colons');
    expect(() => unicity('services: {test: {volumes: ["vol:/b:ro:x"]}}')).toThrow('invalid spec: vol:/b:ro:x: too many colons');
    expect(() => unicity('services: {test: {environment: [1]}}')).toThrow('services.test.environment.[0]: unexpected type int');
    expect(() => unicity('services: {test: {ports: [{published: "80"}]}}')).toThrow(
      'service ports services.test.ports.[0] is missing a target port',
    );
    expect(() => unicity('services: {test: {env_file: [{required: true}]}}')).toThrow(LoadError);
  });

  it('is idempotent and does not touch mapping forms or lists elsewhere', () => {
    const input = yamlMapping('services: {test: {environment: {A: "1"}, command: [a, a], ports: ["80", "80"]}}');
    const once = enforceUnicity(input);
    expect(enforceUnicity(once)).toStrictEqual(once);
    expect(service(once)['environment']).toEqual({ A: '1' });
    expect(service(once)['command']).toEqual(['a', 'a']);
    expect(service(once)['ports']).toEqual(['80']);
  });
});

describe('per-field merge rules not covered by the fixtures', () => {
  it('command, entrypoint and healthcheck.test are replaced, and a null clears them', () => {
    const out = merged(
      'services: {test: {command: [a, b], entrypoint: [x], healthcheck: {test: [CMD, a], interval: 5s}}}',
      'services: {test: {command: [c], entrypoint: null, healthcheck: {test: null}}}',
    );
    expect(service(out)['command']).toEqual(['c']);
    expect(service(out)['entrypoint']).toBeNull();
    expect(service(out)['healthcheck']).toEqual({ test: null, interval: '5s' });
  });

  it('a null in the override keeps the base value elsewhere', () => {
    const out = merged('services: {test: {image: foo, ports: ["80"], deploy: {replicas: 2}}}', 'services: {test: {image: null, ports: null, deploy: null}}');
    expect(service(out)).toEqual({ image: 'foo', ports: ['80'], deploy: { replicas: 2 } });
  });

  it('depends_on: lists become maps with the default condition, merged by name then attribute', () => {
    const out = merged(
      'services: {test: {depends_on: [db, cache]}}',
      'services: {test: {depends_on: {db: {condition: service_healthy}, queue: {condition: service_started}}}}',
    );
    expect(service(out)['depends_on']).toEqual({
      db: { condition: 'service_healthy', required: true },
      cache: { condition: 'service_started', required: true },
      queue: { condition: 'service_started' },
    });
  });

  it('build: a string becomes {context} on either side', () => {
    expect(service(merged('services: {test: {build: ./a}}', 'services: {test: {build: {dockerfile: X}}}'))['build']).toEqual({
      context: './a',
      dockerfile: 'X',
    });
    expect(service(merged('services: {test: {build: {context: ./a, target: t}}}', 'services: {test: {build: ./b}}'))['build']).toEqual({
      context: './b',
      target: 't',
    });
  });

  it('ulimits entries are replaced, not merged', () => {
    const out = merged('services: {test: {ulimits: {nofile: {soft: 1, hard: 2}, nproc: 3}}}', 'services: {test: {ulimits: {nofile: {soft: 5}}}}');
    expect(service(out)['ulimits']).toEqual({ nofile: { soft: 5 }, nproc: 3 });
  });

  it('volumes merge by target, the override replacing in place', () => {
    const out = merged(
      'services: {test: {volumes: ["data:/data", "logs:/logs"]}}',
      'services: {test: {volumes: [{type: bind, source: ./d, target: /data}, "cache:/cache:ro"]}}',
    );
    expect(service(out)['volumes']).toEqual([{ type: 'bind', source: './d', target: '/data' }, 'logs:/logs', 'cache:/cache:ro']);
  });

  it('a one-letter volume source is read as a Windows drive, as compose-go format.ParseVolume does', () => {
    // "a:/data" parses as the anonymous target "a:/data", so it does not collide with /data
    const out = merged('services: {test: {volumes: ["a:/data"]}}', 'services: {test: {volumes: ["bb:/data"]}}');
    expect(service(out)['volumes']).toEqual(['a:/data', 'bb:/data']);
  });

  it('label_file and top-level volume labels become lists; compose-go has no unique rule for volumes.*.labels', () => {
    const out = merged(
      'services: {test: {label_file: a.label}}\nvolumes: {v: {labels: {b: "2", a: "1"}}}',
      'services: {test: {label_file: [b.label, a.label]}}\nvolumes: {v: {labels: [a=3, c]}}',
    );
    expect(service(out)['label_file']).toEqual(['a.label', 'b.label', 'a.label']);
    expect(at(out, 'volumes', 'v', 'labels')).toEqual(['a=1', 'b=2', 'a=3', 'c']);
  });

  it('mapping values are written with Go formatting in K=V lists', () => {
    const out = merged(
      'services: {test: {environment: {F: 1.5, B: true, N: 10, S: "x=y", E: 0.00001, L: 1234567.5}}}',
      'services: {test: {environment: []}}',
    );
    expect(service(out)['environment']).toEqual(['B=true', 'E=1e-05', 'F=1.5', 'L=1.2345675e+06', 'N=10', 'S=x=y']);
  });

  it('logging: the same or a missing driver merges options, a different driver replaces the block', () => {
    const same = merged('services: {test: {logging: {driver: json-file, options: {a: "1"}}}}', 'services: {test: {logging: {options: {b: "2"}}}}');
    expect(service(same)['logging']).toEqual({ driver: 'json-file', options: { a: '1', b: '2' } });
  });

  it('ipam.config reproduces compose-go: a base entry whose subnet no override shares is dropped', () => {
    const out = merged(
      'networks: {n: {ipam: {config: [{subnet: 10.0.0.0/24, gateway: 10.0.0.1}]}}}',
      'networks: {n: {ipam: {config: [{subnet: 10.1.0.0/24}]}}}',
    );
    expect(at(out, 'networks', 'n', 'ipam', 'config')).toEqual([{ subnet: '10.1.0.0/24' }]);
  });

  it('keys named __proto__ stay ordinary data', () => {
    const base = JSON.parse('{"services": {"__proto__": {"image": "a"}}}') as Mapping;
    const over = JSON.parse('{"services": {"__proto__": {"image": "b"}, "x": {"image": "c"}}}') as Mapping;
    const out = mergeModels(base, over);
    const services = out['services'] as Mapping;
    expect(Object.keys(services)).toEqual(['__proto__', 'x']);
    expect(Object.getPrototypeOf(services)).toBe(Object.prototype);
    expect(at(services, '__proto__', 'image')).toBe('b');
  });

  it('mergeYaml merges one service at a path (extends / include), without removing duplicates', () => {
    const out = mergeYaml(
      yamlMapping('{image: a, environment: [A=1], ports: ["80"]}'),
      yamlMapping('{environment: {A: "2"}, ports: ["80"]}'),
      ['services', 'web'],
    );
    expect(out).toEqual({ image: 'a', environment: ['A=1', 'A=2'], ports: ['80', '80'] });
  });
});

describe('cannot override', () => {
  it('a sequence facing a mapping is an error naming the path', () => {
    expect(() => merged('services: {test: {ports: ["80"]}}', 'services: {test: {ports: {a: 1}}}')).toThrow('cannot override services.test.ports');
    expect(() => merged('services: {test: {deploy: {replicas: 1}}}', 'services: {test: {deploy: [1]}}')).toThrow('cannot override services.test.deploy');
  });

  it('the error is a LoadError located at the override value', () => {
    const base = parseWithOrigins('services:\n  test:\n    cap_add: [A]\n', 'base.yaml');
    const over = parseWithOrigins('services:\n  test:\n    cap_add:\n      x: 1\n', 'over.yaml');
    let err: unknown;
    try {
      mergeModels(base, over);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).message).toBe('cannot override services.test.cap_add');
    expect((err as LoadError).origin).toEqual({ file: 'over.yaml', line: 4, column: 7 });
  });

  it('a scalar replaced by a container (or the reverse) is not an error, as in compose-go', () => {
    expect(service(merged('services: {test: {x-a: 1}}', 'services: {test: {x-a: [1]}}'))['x-a']).toEqual([1]);
  });

  it('a field with a conversion rule is not an error', () => {
    expect(service(merged('services: {test: {networks: [a]}}', 'services: {test: {networks: {b: {}}}}'))['networks']).toEqual({ a: null, b: {} });
  });
});

describe('origins follow the winning value', () => {
  const BASE = `services:
  test:
    image: foo
    scale: 1
    environment:
      A: "1"
      B: "2"
    ports:
      - "80:80"
    command: [a, b]
`;
  const OVERRIDE = `services:
  test:
    image: bar
    environment:
      - B=3
    ports:
      - "80:80"
      - "443:443"
    command: [c]
`;

  it('an override value keeps the override position; a base-only value keeps the base position', () => {
    const out = mergeModels(parseWithOrigins(BASE, 'compose.yaml'), parseWithOrigins(OVERRIDE, 'compose.override.yaml'));
    const svc = service(out);
    expect(originOf(svc, 'image')).toEqual({ file: 'compose.override.yaml', line: 3, column: 12 });
    expect(originOf(svc, 'scale')).toEqual({ file: 'compose.yaml', line: 4, column: 12 });
    expect(keyOriginOf(svc, 'scale')).toEqual({ file: 'compose.yaml', line: 4, column: 5 });
    expect(originOf(svc, 'command')).toEqual({ file: 'compose.override.yaml', line: 9, column: 14 });
    expect(originOf(out, 'services')).toEqual({ file: 'compose.yaml', line: 2, column: 3 });
  });

  it('entries of merged lists keep the position they were written at', () => {
    const out = mergeModels(parseWithOrigins(BASE, 'compose.yaml'), parseWithOrigins(OVERRIDE, 'compose.override.yaml'));
    const svc = service(out);
    // environment: map A, B (sorted) then list B=3; B=3 replaces B=2 in place
    expect(svc['environment']).toEqual(['A=1', 'B=3']);
    expect(originAtPath(out, ['services', 'test', 'environment', 0])).toEqual({ file: 'compose.yaml', line: 6, column: 10 });
    expect(originAtPath(out, ['services', 'test', 'environment', 1])).toEqual({ file: 'compose.override.yaml', line: 5, column: 9 });
    // ports: the duplicate 80:80 from the override replaces the base one at its place
    expect(svc['ports']).toEqual(['80:80', '443:443']);
    expect(originAtPath(out, ['services', 'test', 'ports', 0])).toEqual({ file: 'compose.override.yaml', line: 7, column: 9 });
    expect(originAtPath(out, ['services', 'test', 'ports', 1])).toEqual({ file: 'compose.override.yaml', line: 8, column: 9 });
  });

  it('positions set by hand are carried the same way, and a null override keeps the base position', () => {
    const base: Mapping = { services: { s: { image: 'a', user: 'root' } } };
    const over: Mapping = { services: { s: { image: 'b', user: null } } };
    setValueOrigin(service(base, 's'), 'image', { file: 'a.yml', line: 3, column: 12 });
    setValueOrigin(service(base, 's'), 'user', { file: 'a.yml', line: 4, column: 11 });
    setValueOrigin(service(over, 's'), 'image', { file: 'b.yml', line: 3, column: 12 });
    setValueOrigin(service(over, 's'), 'user', { file: 'b.yml', line: 4, column: 11 });
    const out = mergeModels(base, over);
    expect(originOf(service(out, 's'), 'image')).toEqual({ file: 'b.yml', line: 3, column: 12 });
    expect(service(out, 's')['user']).toBe('root');
    expect(originOf(service(out, 's'), 'user')).toEqual({ file: 'a.yml', line: 4, column: 11 });
  });

  it('a build string turned into {context} keeps the string position', () => {
    const out = mergeModels(
      parseWithOrigins('services:\n  test:\n    build: ./app\n', 'a.yml'),
      parseWithOrigins('services:\n  test:\n    build:\n      target: dev\n', 'b.yml'),
    );
    const build = at(out, 'services', 'test', 'build') as Mapping;
    expect(build).toEqual({ context: './app', target: 'dev' });
    expect(originOf(build, 'context')).toEqual({ file: 'a.yml', line: 3, column: 12 });
    expect(originOf(build, 'target')).toEqual({ file: 'b.yml', line: 4, column: 15 });
  });
});

describe('inputs are not modified and not shared', () => {
  it('mergeModels leaves both inputs intact', () => {
    for (const c of fixtures.cases) {
      const base = yamlMapping(c.base);
      const over = yamlMapping(c.override);
      const baseCopy = structuredClone(base);
      const overCopy = structuredClone(over);
      const out = mergeModels(base, over);
      expect(base, c.id).toStrictEqual(baseCopy);
      expect(over, c.id).toStrictEqual(overCopy);
      // mutating every container of the result must not reach the inputs
      const scribble = (v: Value): void => {
        if (Array.isArray(v)) {
          v.forEach(scribble);
          v.push('scribbled');
        } else if (v !== null && typeof v === 'object') {
          Object.values(v).forEach(scribble);
          v['scribbled'] = true;
        }
      };
      scribble(out);
      expect(base, c.id).toStrictEqual(baseCopy);
      expect(over, c.id).toStrictEqual(overCopy);
    }
  });

  it('enforceUnicity and mergeYaml leave their input intact', () => {
    const model = yamlMapping('services: {test: {ports: ["80", "80"], environment: [A=1, A=2]}}');
    const copy = structuredClone(model);
    const out = enforceUnicity(model);
    expect(model).toStrictEqual(copy);
    (service(out)['ports'] as Value[]).push('x');
    expect(model).toStrictEqual(copy);

    const a = yamlMapping('{depends_on: [db], build: ., networks: [n]}');
    const b = yamlMapping('{depends_on: {db: {required: false}}, build: {target: t}, networks: {n: {aliases: [x]}}}');
    const [ca, cb] = [structuredClone(a), structuredClone(b)];
    mergeYaml(a, b, ['services', 's']);
    expect(a).toStrictEqual(ca);
    expect(b).toStrictEqual(cb);
  });
});
