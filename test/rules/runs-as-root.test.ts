import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('runs-as-root', () => {
  it('flags root users, root Dockerfiles and C_FORCE_ROOT; exempts allowRoot, chown helpers and pulled images', async () => {
    const f = await runRuleOn('runs-as-root', 'fail', { allowRoot: ['leg*'] });
    expect(brief(f)).toEqual([
      'compose.yaml:3:12 service `worker` runs as root: `Dockerfile` (FROM python:3.12-slim, line 1) sets no USER',
      'compose.yaml:6:21 service `worker` sets `C_FORCE_ROOT`, which lets Celery run its worker as root: run the worker as a non-root user and remove it',
      'compose.yaml:9:7 service `api` runs as root: the target stage `production` of `api/Dockerfile` sets `USER root` (line 6)',
      'compose.yaml:13:11 service `tools` runs as root (`user: root`): run it as an unprivileged user, or list it in allowRoot if it truly needs root',
    ]);
    expect(f.every((x) => x.rule === 'runs-as-root' && x.severity === 'warning')).toBe(true);
    expect(f.map((x) => x.service)).toEqual(['worker', 'worker', 'api', 'tools']);
  });

  it('without allowRoot, an explicit root user is a finding', async () => {
    const f = await runRuleOn('runs-as-root', 'fail');
    expect(brief(f)).toContain('compose.yaml:24:11 service `legacy` runs as root (`user: root`): run it as an unprivileged user, or list it in allowRoot if it truly needs root');
  });

  it('passes non-root users, entrypoints that drop privileges and non-root targets', async () => {
    expect(brief(await runRuleOn('runs-as-root', 'pass'))).toEqual([]);
  });
});
