import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('single-stage-build', () => {
  it('flags single-stage Dockerfiles that install build tooling or compile, at the FROM', async () => {
    const f = await runRuleOn('single-stage-build', 'fail');
    expect(brief(f)).toEqual([
      'Dockerfile:1:1 Dockerfile builds in a single stage, so its build tooling (`build-essential`, `libpq-dev` at line 2) ships in the runtime image: build in a first stage and copy only the result into a slim final stage',
      'server/Dockerfile:1:1 server/Dockerfile builds in a single stage, so its build tooling (`go build` at line 4) ships in the runtime image: build in a first stage and copy only the result into a slim final stage',
    ]);
    expect(f[1]!.snippet).toContain('FROM golang:1.22 AS build');
  });

  it('passes multi-stage builds, dev Dockerfiles and tooling removed in the same RUN', async () => {
    expect(await runRuleOn('single-stage-build', 'pass')).toEqual([]);
  });
});
