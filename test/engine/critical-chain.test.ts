import { describe, expect, it } from 'vitest';
import { criticalChain, formatChain, type ChainInput } from '../../src/run/critical-chain.js';

const svc = (service: string, state: string, readyT: number | undefined, dependsOn: string[] = [], startedT?: number): ChainInput => ({
  service,
  state,
  readyT,
  dependsOn,
  ...(startedT !== undefined ? { startedT } : {}),
});

describe('criticalChain', () => {
  it('follows the latest-ready dependency from the latest-ready service', () => {
    const chain = criticalChain([
      svc('migrate', 'completed', 1.0, [], 0.4),
      svc('db', 'healthy', 3.1, ['migrate'], 1.2),
      svc('cache', 'healthy', 2.0, [], 0.5),
      svc('api', 'healthy', 4.2, ['db', 'cache'], 3.3),
      svc('worker', 'running', 3.5, ['cache']),
    ]);
    expect(formatChain(chain)).toBe('api healthy +4.2s ← db healthy +3.1s ← migrate completed +1.0s');
    expect(chain[0]).toMatchObject({ service: 'api', took: expect.closeTo(0.9, 6) });
    expect(chain[2]).toMatchObject({ service: 'migrate', took: expect.closeTo(0.6, 6) });
  });

  it('skips dependencies that got ready after the dependant (service_started) and unready ones', () => {
    const chain = criticalChain([svc('db', 'healthy', 5), svc('web', 'running', 2, ['db', 'never']), svc('never', 'starting', undefined)]);
    expect(chain.map((s) => s.service)).toEqual(['db']);
    const chain2 = criticalChain([svc('db', 'healthy', 5), svc('web', 'running', 6, ['db'])]);
    expect(formatChain(chain2)).toBe('web running +6.0s ← db healthy +5.0s');
  });

  it('breaks ties by the longer chain, then by name', () => {
    const chain = criticalChain([svc('a', 'healthy', 1), svc('b', 'healthy', 3, ['a']), svc('c', 'healthy', 3)]);
    expect(chain.map((s) => s.service)).toEqual(['b', 'a']);
  });

  it('marks services that were already up', () => {
    const chain = criticalChain([{ ...svc('db', 'healthy', 0), already: true }, svc('api', 'healthy', 1.5, ['db'])]);
    expect(formatChain(chain)).toBe('api healthy +1.5s ← db healthy (already up)');
  });

  it('is empty when nothing got ready', () => {
    expect(criticalChain([svc('x', 'starting', undefined)])).toEqual([]);
    expect(criticalChain([])).toEqual([]);
  });
});
