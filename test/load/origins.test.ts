/** Every value of the model keeps the file, line and column it was written at (issue: Foundation). */
import { describe, expect, it } from 'vitest';
import { originAtPath, originOf } from '../../src/load/origin.js';
import { loadProject } from '../../src/load/project.js';
import { tempProject } from '../helpers/tmp.js';

const env = { HOME: '/home/u' };

describe('origins survive every loading stage', () => {
  it('through anchors and merge keys', () => {
    const dir = tempProject({
      'compose.yaml': 'x-env: &env\n  SHARED: one\nservices:\n  api:\n    image: api\n    environment:\n      <<: *env\n      OWN: two\n',
    });
    const p = loadProject({ workingDir: dir, env });
    const api = p.services.api!;
    expect(originOf(api.environment, 'SHARED')).toMatchObject({ file: 'compose.yaml', line: 2, column: 11 });
    expect(originOf(api.environment, 'OWN')).toMatchObject({ file: 'compose.yaml', line: 8, column: 12 });
    expect(originOf(api, 'image')).toMatchObject({ file: 'compose.yaml', line: 5, column: 12 });
  });

  it('through override files: the winning value points at the override', () => {
    const dir = tempProject({
      'compose.yaml': 'services:\n  api:\n    image: api:1\n    ports: ["8080:80"]\n',
      'compose.override.yaml': 'services:\n  api:\n    image: api:2\n    ports: ["9090:90"]\n',
    });
    const p = loadProject({ workingDir: dir, env });
    const api = p.services.api!;
    expect(originOf(api, 'image')).toMatchObject({ file: 'compose.override.yaml', line: 3 });
    expect(originAtPath(api, ['ports', 0])).toMatchObject({ file: 'compose.yaml', line: 4 });
    expect(originAtPath(api, ['ports', 1])).toMatchObject({ file: 'compose.override.yaml', line: 4 });
  });

  it('through extends from another file', () => {
    const dir = tempProject({
      'compose.yaml': 'services:\n  api:\n    extends:\n      file: common/base.yml\n      service: base\n    image: api\n',
      'common/base.yml': 'services:\n  base:\n    restart: always\n    volumes: ["./data:/data"]\n',
    });
    const p = loadProject({ workingDir: dir, env });
    const api = p.services.api!;
    expect(originOf(api, 'restart')).toMatchObject({ file: 'common/base.yml', line: 3, column: 14 });
    expect(originAtPath(api, ['volumes', 0])).toMatchObject({ file: 'common/base.yml', line: 4 });
    expect((api.volumes as any)[0].source).toBe(`${dir}/common/data`);
    expect(originOf(api, 'image')).toMatchObject({ file: 'compose.yaml', line: 6 });
  });

  it('through include', () => {
    const dir = tempProject({
      'compose.yaml': 'include:\n  - db/compose.yaml\nservices:\n  api:\n    image: api\n    depends_on: [db]\n',
      'db/compose.yaml': 'services:\n  db:\n    image: postgres:16\n    volumes: [pg:/var/lib/postgresql/data]\nvolumes:\n  pg:\n',
    });
    const p = loadProject({ workingDir: dir, env });
    expect(originOf(p.services.db, 'image')).toMatchObject({ file: 'db/compose.yaml', line: 3, column: 12 });
    expect(originOf(p.services.api!.depends_on, 'db')).toMatchObject({ file: 'compose.yaml', line: 6 });
  });

  it('through env_file folding and interpolation', () => {
    const dir = tempProject({
      'compose.yaml': 'services:\n  api:\n    image: "api:${TAG:-1}"\n    env_file: app.env\n    environment:\n      - B=2\n',
      'app.env': '# comment\nA=1\n',
    });
    const p = loadProject({ workingDir: dir, env });
    const api = p.services.api!;
    expect(api.image).toBe('api:1');
    expect(originOf(api.environment, 'A')).toMatchObject({ file: 'app.env', line: 2 });
    expect(originOf(api.environment, 'B')).toMatchObject({ file: 'compose.yaml', line: 6 });
    const use = p.variables.find((v) => v.name === 'TAG')!;
    expect(use).toMatchObject({ default: '1', required: false, origin: { file: 'compose.yaml', line: 3 } });
  });
});
