/**
 * Bad input never crashes or hangs: one line `file:line:col: message` (+ hint), exit code 2,
 * no stack trace, nothing written.
 */
import { readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from './run-cli.js';

function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out[path.relative(dir, p)] = `${statSync(p).mtimeMs}:${readFileSync(p).toString('base64')}`;
    }
  };
  walk(dir);
  return out;
}

interface Case {
  name: string;
  files: Record<string, string | Buffer>;
  args?: string[];
  env?: Record<string, string>;
  /** expected first line of stderr (regexp) */
  line: RegExp;
  setup?: (dir: string) => void;
}

const bomb = (() => {
  let s = 'x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  const names = 'abcdefghij';
  for (let i = 1; i < 10; i++) s += `x-${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]\n`;
  return `${s}services:\n  s:\n    image: x\n`;
})();

const cases: Case[] = [
  { name: 'malformed YAML', files: { 'compose.yaml': 'services:\n  web:\n    image: [nginx\n' }, line: /^error: compose\.yaml:\d+:\d+: / },
  { name: 'non-mapping top level', files: { 'compose.yaml': '- just\n- a list\n' }, line: /^error: compose\.yaml:1:1: top-level object must be a mapping$/ },
  { name: 'schema violation', files: { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    portz: ["80"]\n' }, line: /^error: compose\.yaml:4:5: validating compose\.yaml: services\.web additional properties 'portz' not allowed$/ },
  { name: 'wrong type', files: { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    privileged: [1]\n' }, line: /^error: compose\.yaml:4:17: validating compose\.yaml: services\.web\.privileged must be a boolean/ },
  { name: 'unknown service in depends_on', files: { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    depends_on: [db]\n' }, line: /^error: compose\.yaml:4:18: service "web" depends on undefined service "db": invalid compose project$/ },
  { name: 'missing extends file', files: { 'compose.yaml': 'services:\n  web:\n    extends:\n      file: base.yml\n      service: b\n' }, line: /^error: compose\.yaml:4:7: cannot extend service "web" in compose\.yaml: file .*base\.yml not found$/ },
  {
    name: 'include cycle',
    files: { 'compose.yaml': 'include: [a.yml]\nservices:\n  web: {image: x}\n', 'a.yml': 'include: [compose.yaml]\nservices:\n  a: {image: x}\n' },
    line: /^error: a\.yml:1:11: include cycle detected:$/,
  },
  { name: 'required variable unset', files: { 'compose.yaml': 'services:\n  web:\n    image: "nginx:${TAG:?set TAG first}"\n' }, line: /^error: compose\.yaml:3:12: .*required variable TAG is missing a value: set TAG first$/ },
  { name: 'binary file', files: { 'compose.yaml': Buffer.from([0x73, 0x3a, 0x20, 0x00, 0x01, 0x02]) }, line: /^error: compose\.yaml:1:4: binary file \(contains a NUL byte\)/ },
  { name: 'non-UTF-8 file', files: { 'compose.yaml': Buffer.concat([Buffer.from('services:\n  web:\n    image: caf'), Buffer.from([0xe9]), Buffer.from('\n')]) }, line: /^error: compose\.yaml:3:15: file is not valid UTF-8$/ },
  { name: 'alias bomb', files: { 'compose.yaml': bomb }, line: /^error: compose\.yaml:\d+:\d+: compose file exceeds maximum node visit limit/ },
  { name: 'deep nesting', files: { 'compose.yaml': `services:\n  a:\n    image: x\n    labels: ${'['.repeat(5000)}${']'.repeat(5000)}\n` }, line: /^error: compose\.yaml:\d+:\d+: YAML nesting/ },
  { name: 'duplicate key', files: { 'compose.yaml': 'services:\n  web:\n    image: a\n    image: b\n' }, line: /^error: compose\.yaml:4:5: line 4: mapping key "image" already defined at line 3$/ },
  { name: 'huge file', files: { 'compose.yaml': `services:\n  a:\n    image: x\n# ${'x'.repeat(9 * 1024 * 1024)}\n` }, line: /^error: compose\.yaml:1:1: compose\.yaml: file is \d+ bytes, over the \d+-byte limit/ },
  {
    name: 'env_file escaping the project through ..',
    files: { 'proj/compose.yaml': 'services:\n  web:\n    image: x\n    env_file: ../secret.env\n', 'secret.env': 'A=1\n' },
    args: ['proj', '--root', 'proj'],
    line: /^error: proj\/compose\.yaml:4:15: env_file .*secret\.env is outside the project root/,
  },
  {
    name: 'include escaping through a symlink',
    files: { 'proj/compose.yaml': 'include: [link/other.yml]\nservices:\n  web: {image: x}\n', 'elsewhere/other.yml': 'services:\n  o: {image: x}\n' },
    args: ['proj', '--root', 'proj'],
    setup: (dir) => symlinkSync(path.join(dir, 'elsewhere'), path.join(dir, 'proj', 'link')),
    line: /^error: proj\/compose\.yaml:1:11: include .*other\.yml is outside the project root/,
  },
  { name: 'symlink loop as compose file', files: {}, setup: (dir) => symlinkSync(path.join(dir, 'compose.yaml'), path.join(dir, 'compose.yaml')), args: ['-f', 'compose.yaml'], line: /^error: .*compose\.yaml/ },
  { name: 'no compose file', files: { 'README.md': 'hi' }, line: /^error: no configuration file provided/ },
];

describe('bad input gives one clear line and exit code 2', () => {
  for (const c of cases) {
    it(c.name, () => {
      const dir = tempProject(c.files);
      c.setup?.(dir);
      const before = snapshotTree(dir);
      const started = Date.now();
      const r = runCli(['config', ...(c.args ?? [])], { cwd: dir, env: c.env });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      const first = r.stderr.split('\n')[0]!;
      expect(first).toMatch(c.line);
      expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
      expect(snapshotTree(dir)).toEqual(before);
    });
  }

  it('--debug adds the stack trace', () => {
    const dir = tempProject({ 'compose.yaml': '- a\n' });
    const r = runCli(['config', '--debug'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});
