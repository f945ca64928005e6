import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

const deprecatedVariables = {
  USE_TRAINING_HOST_SERVICE: 'workers self-register through WorkerRegistry',
  USE_REMOTE_BACKTEST_SERVICE: 'workers self-register through WorkerRegistry',
};

describe('deprecated-variable', () => {
  it('flags each place a deprecated variable is set or interpolated', async () => {
    const f = await runRuleOn('deprecated-variable', 'fail', { deprecatedVariables });
    expect(brief(f)).toEqual([
      'compose.yaml:2:3 `USE_REMOTE_BACKTEST_SERVICE` is deprecated (workers self-register through WorkerRegistry) but services `backend`, `worker` still set it: remove it',
      'compose.yaml:18:9 `USE_TRAINING_HOST_SERVICE` is deprecated (workers self-register through WorkerRegistry) but service `training` still sets it: remove it',
      'compose.yaml:19:14 `USE_TRAINING_HOST_SERVICE` is deprecated (workers self-register through WorkerRegistry) but it is still interpolated here: stop using it',
      'training.env:2:1 `USE_REMOTE_BACKTEST_SERVICE` is deprecated (workers self-register through WorkerRegistry) but training.env still sets it for service `training`: remove it',
    ]);
    expect(f[0]!.fix?.edits).toEqual([{ kind: 'yaml-delete', file: 'compose.yaml', path: ['x-common-env', 'USE_REMOTE_BACKTEST_SERVICE'] }]);
    expect(f[1]!.fix?.edits).toEqual([{ kind: 'yaml-delete', file: 'compose.yaml', path: ['services', 'training', 'environment', 0] }]);
    expect(f[1]!.fix?.safety).toBe('unsafe');
  });

  it('passes files that no longer use it (a comment in a template is fine)', async () => {
    expect(await runRuleOn('deprecated-variable', 'pass', { deprecatedVariables })).toEqual([]);
  });

  it('does nothing without deprecated variables configured', async () => {
    expect(await runRuleOn('deprecated-variable', 'fail')).toEqual([]);
  });
});
