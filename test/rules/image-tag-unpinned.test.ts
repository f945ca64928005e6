import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('image-tag-unpinned', () => {
  it('flags untagged and latest images (interpolation defaults included) and unpinned FROM lines', async () => {
    const f = await runRuleOn('image-tag-unpinned', 'fail');
    expect(brief(f)).toEqual([
      'Dockerfile:2:1 `FROM node:latest` uses the `latest` tag: pin a version',
      'Dockerfile:5:1 `FROM python` has no tag, so it builds on `latest`: pin a version',
      "compose.yaml:3:12 service `cache`'s image has no tag (`redis`), so it pulls `latest`: pin a version",
      "compose.yaml:5:12 service `proxy`'s image defaults to `nginx:latest` unless NGINX_TAG is set: pin a version",
      "compose.yaml:7:12 service `db`'s image uses the `latest` tag (`postgres:latest`): pin a version",
      "compose.yaml:16:12 service `tools`'s image has no tag (`localhost:5000/tools`), so it pulls `latest`: pin a version",
    ]);
    expect(f.every((x) => x.priority === 'P4' && x.severity === 'warning')).toBe(true);
    // the FROM findings belong to the service that builds the Dockerfile
    expect(f[0]!.service).toBe('api');
  });

  it('passes tags, digests, images built here and pinned FROM lines', async () => {
    expect(brief(await runRuleOn('image-tag-unpinned', 'pass'))).toEqual([]);
  });
});
