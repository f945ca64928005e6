import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { brief, FIXTURES, runRuleIn, runRuleOn } from './harness.js';

describe('scaled-container-name', () => {
  it('flags container_name on services scaled by the model or a wrapper script, with an unsafe fix', async () => {
    const f = await runRuleOn('scaled-container-name', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:3:19 service `beat` sets `container_name: beat` but runs 3 replicas (`--scale beat=3` in scripts/up.sh:2): container names are unique, so Compose refuses to create the replicas',
      'compose.yaml:8:21 service `worker` sets `container_name: worker` but runs 2 replicas (`deploy.replicas: 2`): container names are unique, so Compose refuses to create the replicas',
      'compose.yaml:15:21 service `api` sets `container_name: api` but runs 2 replicas (`--scale api=2` in scripts/up.sh:2): container names are unique, so Compose refuses to create the replicas',
    ]);
    expect(f[1]!.fix).toEqual({
      description: 'remove container_name from service worker',
      safety: 'unsafe',
      edits: [{ kind: 'yaml-delete', file: 'compose.yaml', path: ['services', 'worker', 'container_name'] }],
    });
    // the name comes from an anchor: no path in the service to delete
    expect(f[0]!.fix).toBeUndefined();
  });

  it('is not also reported as schema-invalid', async () => {
    expect(await runRuleIn('schema-invalid', path.join(FIXTURES, 'scaled-container-name', 'fail'))).toEqual([]);
  });

  it('passes container_name on a single replica', async () => {
    expect(await runRuleOn('scaled-container-name', 'pass')).toEqual([]);
  });
});
