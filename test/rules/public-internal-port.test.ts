import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindSpecToLoopback } from '../../src/rules/lib/security.js';
import { brief, FIXTURES, runRuleOn } from './harness.js';

describe('public-internal-port', () => {
  it('flags internal ports published on all interfaces, with a fix in the file and list they are written in', async () => {
    const f = await runRuleOn('public-internal-port', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:2:5 service `db-replica` publishes the PostgreSQL database port 5432 on all interfaces (`5433:5432`): bind it to 127.0.0.1 or leave it unpublished',
      'compose.yaml:9:9 service `db` publishes the PostgreSQL database port 5432 on all interfaces (`5432:5432`): bind it to 127.0.0.1 or leave it unpublished',
      'compose.yaml:16:9 service `cache` publishes the Redis cache port 6379 on all interfaces (`6379:6379`): bind it to 127.0.0.1 or leave it unpublished',
      'compose.yaml:22:9 service `vault` publishes the Vault secrets port 8200 on all interfaces (`${VAULT_BIND:-0.0.0.0}:8200:8200`): bind it to 127.0.0.1 or leave it unpublished',
      'compose.yaml:26:9 service `legacy-cache` publishes the Redis port 6379 on all interfaces (`6379`): bind it to 127.0.0.1 or leave it unpublished',
    ]);
    const edits = f.map((x) => x.fix?.edits);
    // an anchor in an x- block: a text edit of the scalar where it is written
    const text = readFileSync(path.join(FIXTURES, 'public-internal-port', 'fail', 'compose.yaml'), 'utf8');
    const e0 = edits[0]![0]!;
    expect(e0.kind).toBe('text');
    if (e0.kind === 'text') expect(text.slice(0, e0.start) + e0.text + text.slice(e0.end)).toContain('x-db-ports: &db-ports\n  - "127.0.0.1:5433:5432"\n');
    // the index in the written list (the first entry is already bound to 127.0.0.1)
    expect(edits[1]).toEqual([{ kind: 'yaml-set', file: 'compose.yaml', path: ['services', 'db', 'ports', 1], value: '127.0.0.1:5432:5432' }]);
    // long syntax: a host_ip
    expect(edits[2]).toEqual([{ kind: 'yaml-set', file: 'compose.yaml', path: ['services', 'cache', 'ports', 0, 'host_ip'], value: '127.0.0.1' }]);
    // an interpolated host IP keeps its variable, with a safer default
    expect(edits[3]).toEqual([{ kind: 'yaml-set', file: 'compose.yaml', path: ['services', 'vault', 'ports', 0], value: '${VAULT_BIND:-127.0.0.1}:8200:8200' }]);
    // an ephemeral host port
    expect(edits[4]).toEqual([{ kind: 'yaml-set', file: 'compose.yaml', path: ['services', 'legacy-cache', 'ports', 0], value: '127.0.0.1::6379' }]);
    expect(f.every((x) => x.fix?.safety === 'safe')).toBe(true);
    expect(f[1]!.snippet).toBe('ports:\n  - "127.0.0.1:5432:5432"');
  });

  it('edits the override file where the entry is written, at its index there (not in the merged list)', async () => {
    const f = await runRuleOn('public-internal-port', 'override');
    expect(brief(f)).toEqual(['compose.override.yaml:4:9 service `db` publishes the PostgreSQL database port 5432 on all interfaces (`5432:5432`): bind it to 127.0.0.1 or leave it unpublished']);
    expect(f[0]!.fix?.edits).toEqual([{ kind: 'yaml-set', file: 'compose.override.yaml', path: ['services', 'db', 'ports', 0], value: '127.0.0.1:5432:5432' }]);
  });

  it('passes loopback bindings, unpublished ports, public UIs and ports of unknown images that only look internal', async () => {
    expect(brief(await runRuleOn('public-internal-port', 'pass'))).toEqual([]);
  });

  it('rewrites short port specs to the loopback interface', () => {
    expect(bindSpecToLoopback('5432:5432')).toBe('127.0.0.1:5432:5432');
    expect(bindSpecToLoopback('0.0.0.0:5432:5432/tcp')).toBe('127.0.0.1:5432:5432/tcp');
    expect(bindSpecToLoopback('[::]:5432:5432')).toBe('127.0.0.1:5432:5432');
    expect(bindSpecToLoopback('5432')).toBe('127.0.0.1::5432');
    expect(bindSpecToLoopback('${PG_PORT:-5432}:5432')).toBe('127.0.0.1:${PG_PORT:-5432}:5432');
    expect(bindSpecToLoopback('${BIND:-0.0.0.0}:5432:5432')).toBe('${BIND:-127.0.0.1}:5432:5432');
    expect(bindSpecToLoopback('${BIND}:5432:5432')).toBeUndefined();
  });
});
