import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('healthcheck-tool-missing', () => {
  it('flags curl/wget checks on images without them, and shell checks on distroless', async () => {
    const f = await runRuleOn('healthcheck-tool-missing', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:5:13 the health check of `api` runs `curl`, which its image (built FROM python:3.12-slim in slim/Dockerfile) does not have (no RUN in the stages it is built from installs it): the check always fails, so `api` never becomes healthy; install curl in the final stage, or probe with a tool the image has',
      'compose.yaml:9:13 the health check of `worker` runs `curl`, which its image (built FROM node:20-alpine in alpine/Dockerfile) does not have (no RUN in the stages it is built from installs it): the check always fails, so `worker` never becomes healthy; install curl in the final stage, or probe with `wget -q --spider`',
      'compose.yaml:13:13 the health check of `report` runs `curl`, which its image (built FROM python:3.12-slim in chain/Dockerfile) does not have (no RUN in the stages it is built from installs it): the check always fails, so `report` never becomes healthy; install curl in the final stage, or probe with a tool the image has',
      'compose.yaml:17:13 the health check of `db` runs `curl`, which its image `postgres:16` does not have: the check always fails, so `db` never becomes healthy; use `pg_isready` instead',
      'compose.yaml:23:13 the health check of `fallback` runs `curl` and `wget`, neither of which its image `python:3.12-slim` has: the check always fails, so `fallback` never becomes healthy; probe with a tool the image has (or a small script in the service\'s own language)',
      'distroless/Dockerfile:5:1 the HEALTHCHECK of `static`\'s image runs through /bin/sh (shell form), but its image (built FROM gcr.io/distroless/static-debian12 in distroless/Dockerfile) has no shell: the check can never run, so `static` never becomes healthy; use the exec form with a binary the image has',
    ]);
    expect(f.every((x) => x.severity === 'error' && x.service)).toBe(true);
  });

  it('passes a slim image that installs curl, wget on alpine, curl installed in a parent stage, nginx, busybox wget and unknown images', async () => {
    expect(await runRuleOn('healthcheck-tool-missing', 'pass')).toEqual([]);
  });
});
