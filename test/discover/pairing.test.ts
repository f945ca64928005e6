import { afterAll, describe, expect, it } from 'vitest';
import { discoverProject, type ComposeFile } from '../../src/discover/index.js';
import { makeTree, removeTrees, SERVICES } from './helpers.js';

afterAll(removeTrees);

async function compose(files: Record<string, string>): Promise<{ map: Map<string, ComposeFile>; warnings: { code: string; path: string; message: string }[] }> {
  const pf = await discoverProject(makeTree(files));
  return { map: new Map(pf.composeFiles.map((f) => [f.path, f])), warnings: pf.warnings };
}

describe('override pairing', () => {
  it('pairs the default file with the default override', async () => {
    const { map, warnings } = await compose({ 'compose.yaml': SERVICES, 'compose.override.yaml': SERVICES, 'compose.prod.yaml': SERVICES });
    expect(map.get('compose.yaml')).toMatchObject({ kind: 'default', isDefault: true, overriddenBy: 'compose.override.yaml' });
    expect(map.get('compose.override.yaml')).toMatchObject({ kind: 'override', isDefault: true, overrides: 'compose.yaml' });
    expect(map.get('compose.prod.yaml')).toMatchObject({ kind: 'standalone', isDefault: false });
    expect(map.get('compose.prod.yaml')?.overriddenBy).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('pairs across name families the way compose does (compose.yml + docker-compose.override.yml)', async () => {
    const { map } = await compose({ 'compose.yml': SERVICES, 'docker-compose.override.yml': SERVICES });
    expect(map.get('compose.yml')).toMatchObject({ isDefault: true, overriddenBy: 'docker-compose.override.yml' });
    expect(map.get('docker-compose.override.yml')).toMatchObject({ kind: 'override', isDefault: true, overrides: 'compose.yml' });
  });

  it('takes the first default name and warns when several exist', async () => {
    const { map, warnings } = await compose({
      'app/docker-compose.yaml': SERVICES,
      'app/docker-compose.yml': SERVICES,
      'app/compose.yml': SERVICES,
      'app/docker-compose.override.yml': SERVICES,
      'app/compose.override.yml': SERVICES,
    });
    expect(map.get('app/compose.yml')).toMatchObject({ kind: 'default', isDefault: true, overriddenBy: 'app/compose.override.yml' });
    expect(map.get('app/docker-compose.yml')).toMatchObject({ kind: 'default', isDefault: false, shadowedBy: 'app/compose.yml' });
    expect(map.get('app/docker-compose.yaml')).toMatchObject({ kind: 'default', isDefault: false, shadowedBy: 'app/compose.yml' });
    expect(map.get('app/compose.override.yml')).toMatchObject({ isDefault: true, overrides: 'app/compose.yml' });
    expect(map.get('app/docker-compose.override.yml')).toMatchObject({ isDefault: false, shadowedBy: 'app/compose.override.yml' });
    expect(map.get('app/docker-compose.override.yml')?.overrides).toBeUndefined();
    expect(warnings.map((w) => w.code)).toEqual(['multiple-default-files', 'multiple-override-files']);
    expect(warnings[0]!.message).toContain('app/compose.yml, app/docker-compose.yml, app/docker-compose.yaml');
    expect(warnings[0]!.path).toBe('app');
  });

  it('orders compose.yaml before compose.yml before docker-compose.yml before docker-compose.yaml', async () => {
    const { map } = await compose({ 'compose.yml': SERVICES, 'compose.yaml': SERVICES });
    expect(map.get('compose.yaml')?.isDefault).toBe(true);
    expect(map.get('compose.yml')?.shadowedBy).toBe('compose.yaml');
    const two = await compose({ 'docker-compose.yaml': SERVICES, 'docker-compose.yml': SERVICES });
    expect(two.map.get('docker-compose.yml')?.isDefault).toBe(true);
  });

  it('pairs variant overrides with their variant base', async () => {
    const { map, warnings } = await compose({
      'docker-compose.yml': SERVICES,
      'docker-compose.dev.yml': SERVICES,
      'docker-compose.dev.override.yml': SERVICES,
      'compose.prod.yaml': SERVICES,
      'compose.prod.override.yml': SERVICES,
      'docker-compose.override.example.yml': SERVICES,
    });
    expect(map.get('docker-compose.dev.yml')).toMatchObject({ kind: 'standalone', isDefault: false, overriddenBy: 'docker-compose.dev.override.yml' });
    expect(map.get('docker-compose.dev.override.yml')).toMatchObject({ kind: 'override', isDefault: false, overrides: 'docker-compose.dev.yml' });
    // a base is found under either extension
    expect(map.get('compose.prod.override.yml')).toMatchObject({ kind: 'override', overrides: 'compose.prod.yaml' });
    expect(map.get('compose.prod.yaml')?.overriddenBy).toBe('compose.prod.override.yml');
    // an example override points at its base but is not what compose loads
    expect(map.get('docker-compose.override.example.yml')).toMatchObject({ kind: 'override', template: true, isDefault: false, overrides: 'docker-compose.yml' });
    expect(map.get('docker-compose.yml')).toMatchObject({ isDefault: true });
    expect(map.get('docker-compose.yml')?.overriddenBy).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('warns about overrides without a base in their directory', async () => {
    const { map, warnings } = await compose({
      'test/compose.base.yml': SERVICES,
      'test/case1/compose.base.override.yml': SERVICES,
      'lonely/docker-compose.override.yml': SERVICES,
    });
    expect(map.get('test/case1/compose.base.override.yml')).toMatchObject({ kind: 'override', isDefault: false });
    expect(map.get('test/case1/compose.base.override.yml')?.overrides).toBeUndefined();
    expect(map.get('lonely/docker-compose.override.yml')).toMatchObject({ kind: 'override', isDefault: false });
    expect(warnings.map((w) => [w.code, w.path])).toEqual([
      ['override-without-base', 'lonely/docker-compose.override.yml'],
      ['override-without-base', 'test/case1/compose.base.override.yml'],
    ]);
    expect(warnings[1]!.message).toContain('test/compose.base.yml has that name');
  });

  it('follows COMPOSE_FILE set in the .env beside the project', async () => {
    const pf = await discoverProject(
      makeTree({
        '.env': 'COMPOSE_FILE=docker/compose.yml:docker/compose.dev.yml:missing.yml\n',
        'compose.yaml': SERVICES,
        'docker/compose.yml': SERVICES,
        'docker/compose.dev.yml': SERVICES,
        'docker/compose.test.yml': SERVICES,
      }),
    );
    const map = new Map(pf.composeFiles.map((f) => [f.path, f]));
    expect(map.get('compose.yaml')?.isDefault).toBe(false);
    expect(map.get('docker/compose.yml')?.isDefault).toBe(true);
    expect(map.get('docker/compose.dev.yml')?.isDefault).toBe(true);
    expect(map.get('docker/compose.test.yml')?.isDefault).toBe(false);
    expect(pf.envFiles[0]!.composeSettings).toEqual({ COMPOSE_FILE: 'docker/compose.yml:docker/compose.dev.yml:missing.yml' });
    expect(pf.warnings).toEqual([expect.objectContaining({ code: 'compose-file-env-missing', path: '.env' })]);
  });
});
