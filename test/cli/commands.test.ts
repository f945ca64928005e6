/** The CLI end to end (built dist): help, version, config, files, exit codes. */
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from './run-cli.js';

describe('shipshape CLI', () => {
  it('--version prints the package version', () => {
    const r = runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('--help lists commands, exit codes and examples', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    for (const word of ['audit', 'config', 'files', 'rules', 'Exit codes', 'Examples']) expect(r.stdout).toContain(word);
  });

  it('an unknown option is a usage error (exit 2)', () => {
    const r = runCli(['config', '--no-such-flag']);
    expect(r.code).toBe(2);
  });

  it('config prints the normalized model like docker compose config', () => {
    const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n' }, 'shipshape-proj-');
    const r = runCli(['config', dir, '-p', 'proj']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'name: proj\nservices:\n  web:\n    image: nginx\n    networks:\n      default: null\n    ports:\n      - mode: ingress\n        target: 80\n        published: "8080"\n        protocol: tcp\nnetworks:\n  default:\n    name: proj_default\n',
    );
  });

  it('config --services, --variables and --format json', () => {
    const dir = tempProject({
      'compose.yaml': 'services:\n  api:\n    image: "api:${TAG:-1.0}"\n    environment:\n      DB_URL: ${DB_URL:?set it}\n  db:\n    image: postgres:16\n    profiles: [db]\n',
      '.env': 'DB_URL=postgres://db/app\n',
    });
    expect(runCli(['config', dir, '--services']).stdout).toBe('api\n');
    expect(runCli(['config', dir, '--services', '--profile', 'db']).stdout).toBe('api\ndb\n');
    expect(runCli(['config', dir, '--profiles']).stdout).toBe('db\n');
    const vars = runCli(['config', dir, '--variables', '--format', 'json']);
    const parsed = JSON.parse(vars.stdout) as { variables: { name: string; required: boolean; defaultValue?: string; set: boolean }[] };
    expect(parsed.variables.map((v) => [v.name, v.required, v.defaultValue ?? null, v.set])).toEqual([
      ['DB_URL', true, null, true],
      ['TAG', false, '1.0', false],
    ]);
    const json = JSON.parse(runCli(['config', dir, '--format', 'json']).stdout) as { services: { api: { image: string } } };
    expect(json.services.api.image).toBe('api:1.0');
  });

  it('config SERVICE keeps the service and its dependencies', () => {
    const dir = tempProject({ 'compose.yaml': 'services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x}\n  c: {image: x}\n' });
    expect(runCli(['config', dir, 'a', '--services']).stdout).toBe('a\nb\n');
  });

  it('files maps compose files, overrides, Dockerfiles, env files and wrappers', () => {
    const dir = tempProject({
      'compose.yaml': 'services:\n  a: {image: x}\n',
      'compose.override.yaml': 'services:\n  a: {ports: ["80:80"]}\n',
      'docker-compose.dev.yml': 'services:\n  a: {image: y}\n',
      'app/Dockerfile': 'FROM scratch\n',
      '.env.example': 'A=\n',
      'Makefile': 'up:\n\tdocker-compose -f docker-compose.dev.yml up -d a\n',
    });
    const r = runCli(['files', dir, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { version: number; composeFiles: { path: string; kind: string }[]; dockerfiles: { path: string }[]; envFiles: { path: string; template: boolean }[]; wrappers: { path: string }[] };
    expect(j.version).toBe(1);
    expect(j.composeFiles.map((f) => [f.path, f.kind])).toEqual([
      ['compose.override.yaml', 'override'],
      ['compose.yaml', 'default'],
      ['docker-compose.dev.yml', 'standalone'],
    ]);
    expect(j.dockerfiles.map((d) => d.path)).toEqual(['app/Dockerfile']);
    expect(j.envFiles).toMatchObject([{ path: '.env.example', template: true }]);
    expect(j.wrappers.map((w) => w.path)).toEqual(['Makefile']);
    expect(runCli(['files', dir]).stdout).toContain('compose.override.yaml');
  });
});
