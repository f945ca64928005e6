import { describe, expect, it } from 'vitest';
import { LoadError } from '../../../src/load/errors.js';
import {
  goPathClean,
  isFilePath,
  parseVolumeString,
  printableBind,
  type VolumeConfig,
} from '../../../src/load/formats/volumes.js';

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LoadError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

/** A short bind as docker compose v5 prints it (create_host_path true is not printed). */
const bind = (source: string, target: string, extra: Partial<VolumeConfig> = {}, b: VolumeConfig['bind'] = {}): VolumeConfig => ({
  type: 'bind',
  source,
  target,
  ...extra,
  bind: b,
});

describe('parseVolumeString — compose-go format/volume_test.go', () => {
  it.each(['/path', '/path/foo'])('TestParseVolumeAnonymousVolume %s', (path) => {
    expect(parseVolumeString(path)).toEqual({ type: 'volume', target: path, volume: {} });
  });

  it.each(['C:\\path', 'Z:\\path\\foo'])('TestParseVolumeAnonymousVolumeWindows %s', (path) => {
    expect(parseVolumeString(path)).toEqual({ type: 'volume', target: path, volume: {} });
  });

  it('TestParseVolumeTooManyColons', () => {
    expect(errorOf(() => parseVolumeString('/foo:/foo:ro:foo'))).toBe('invalid spec: /foo:/foo:ro:foo: too many colons');
  });

  it.each(['.', '/a'])('TestParseVolumeShortVolumes %s (no volume: {})', (path) => {
    expect(parseVolumeString(path)).toEqual({ type: 'volume', target: path });
  });

  it.each([':foo', '/foo::ro'])('TestParseVolumeMissingSource %s', (spec) => {
    expect(errorOf(() => parseVolumeString(spec))).toContain('empty section between colons');
  });

  it.each(['./foo', '~/thing', '../other', '/foo', '/home/user'])('TestParseVolumeBindMount %s', (path) => {
    expect(parseVolumeString(`${path}:/target`)).toEqual(bind(path, '/target'));
  });

  it.each(['./foo', '~/thing', '../other', 'D:\\path', '/home/user'])('TestParseVolumeRelativeBindMountWindows %s', (path) => {
    expect(parseVolumeString(`${path}:d:\\target`)).toEqual(bind(path, 'd:\\target'));
  });

  it('TestParseVolumeWithBindOptions', () => {
    expect(parseVolumeString('/source:/target:slave')).toEqual(bind('/source', '/target', {}, { propagation: 'slave' }));
  });

  it('TestParseVolumeWithBindOptionsSELinuxShared', () => {
    expect(parseVolumeString('/source:/target:ro,z')).toEqual(bind('/source', '/target', { read_only: true }, { selinux: 'z' }));
  });

  it('TestParseVolumeWithBindOptionsSELinuxPrivate', () => {
    expect(parseVolumeString('/source:/target:ro,Z')).toEqual(bind('/source', '/target', { read_only: true }, { selinux: 'Z' }));
  });

  it('TestParseVolumeWithBindOptionsWindows', () => {
    expect(parseVolumeString('C:\\source\\foo:D:\\target:ro,rprivate')).toEqual(
      bind('C:\\source\\foo', 'D:\\target', { read_only: true }, { propagation: 'rprivate' }),
    );
  });

  it('TestParseVolumeWithInvalidVolumeOptions (unknown options are ignored)', () => {
    expect(parseVolumeString('name:/target:bogus')).toEqual({ type: 'volume', source: 'name', target: '/target', volume: {} });
  });

  it('TestParseVolumeWithVolumeOptions', () => {
    expect(parseVolumeString('name:/target:nocopy')).toEqual({
      type: 'volume',
      source: 'name',
      target: '/target',
      volume: { nocopy: true },
    });
  });

  it.each(['./foo', '/home/user'])('TestParseVolumeWithReadOnly %s', (path) => {
    expect(parseVolumeString(`${path}:/target:ro`)).toEqual(bind(path, '/target', { read_only: true }));
  });

  it.each(['./foo', '/home/user'])('TestParseVolumeWithRW %s', (path) => {
    expect(parseVolumeString(`${path}:/target:rw`)).toEqual(bind(path, '/target'));
  });

  it('TestParseVolumeWindowsNamedPipe', () => {
    expect(parseVolumeString('\\\\.\\pipe\\docker_engine:\\\\.\\pipe\\inside')).toEqual(
      bind('\\\\.\\pipe\\docker_engine', '\\\\.\\pipe\\inside'),
    );
  });

  it('TestIsFilePath', () => {
    expect(isFilePath('a界')).toBe(false);
  });

  // TestParseVolumeSplitCases: a source is found exactly when the old VolumeSplitN gave > 1 part
  it.each<[string, boolean]>([
    ['C:\\foo:d:', true],
    [':C:\\foo:d:', false],
    ['/foo:/bar:ro', true],
    ['C:\\foo\\:/foo', true],
    ['d:\\', false],
    ['d:', false],
    ['d:\\path', false],
    ['d:\\path with space', false],
    ['d:\\pathandmode:rw', true],
    ['c:\\:d:\\', true],
    ['c:\\windows\\:d:', true],
    ['c:\\windows:d:\\s p a c e', true],
    ['c:\\windows:d:\\s p a c e:RW', true],
    ['c:\\program files:d:\\s p a c e i n h o s t d i r', true],
    ['0123456789name:d:', true],
    ['MiXeDcAsEnAmE:d:', true],
    ['name:D:', true],
    ['name:D::rW', true],
    ['name:D::RW', true],
    ['c:/:d:/forward/slashes/are/good/too', true],
    ['c:\\Windows', false],
    ['c:\\Program Files (x86)', false],
    ['.', false],
    ['..\\', false],
    ['c:\\:..\\', true],
    ['c:\\:d:\\:xyzzy', true],
    ['/tmp/x/y:/foo/x/y', true],
  ])('TestParseVolumeSplitCases %s', (spec, hasSource) => {
    let source: string | undefined;
    try {
      source = parseVolumeString(spec).source;
    } catch {
      source = undefined;
    }
    expect(source !== undefined && source !== '').toBe(hasSource);
  });

  it('TestParseVolumeInvalidEmptySpec', () => {
    expect(errorOf(() => parseVolumeString(''))).toBe('invalid empty volume spec');
  });

  it('TestParseVolumeInvalidSections', () => {
    expect(errorOf(() => parseVolumeString('/foo::rw'))).toContain('invalid spec');
  });

  // TestParseVolumeWithVariableDefaultValue, …Windows, TestParseVolumeWithNestedBraces
  it.each<[string, VolumeConfig]>([
    ['/tmp:/tmp/${BUG_HERE:-DEFAULT}/path', bind('/tmp', '/tmp/${BUG_HERE:-DEFAULT}/path')],
    ['/tmp/${VAR:-default}:/target', bind('/tmp/${VAR:-default}', '/target')],
    ['/src/${SRC:-default}:/dst/${DST:-value}', bind('/src/${SRC:-default}', '/dst/${DST:-value}')],
    ['/tmp:/tmp/${VAR:-}/path', bind('/tmp', '/tmp/${VAR:-}/path')],
    ['/tmp:/tmp/${VAR:-default/path/value}/file', bind('/tmp', '/tmp/${VAR:-default/path/value}/file')],
    ['/tmp:/tmp/${VAR1:-val1}/${VAR2:-val2}/path', bind('/tmp', '/tmp/${VAR1:-val1}/${VAR2:-val2}/path')],
    ['/tmp:/tmp/${VAR:-default}/path:ro', bind('/tmp', '/tmp/${VAR:-default}/path', { read_only: true })],
    ['/tmp:/tmp/${WORKS_AS_EXPECTED}/path', bind('/tmp', '/tmp/${WORKS_AS_EXPECTED}/path')],
    ['/tmp:/tmp/${VAR1:-default}/${VAR2}/path', bind('/tmp', '/tmp/${VAR1:-default}/${VAR2}/path')],
    ['/tmp:/tmp/${TIME:-12:30:45}/path', bind('/tmp', '/tmp/${TIME:-12:30:45}/path')],
    ['myvolume:/data/${VAR:-default}/path', { type: 'volume', source: 'myvolume', target: '/data/${VAR:-default}/path', volume: {} }],
    ['/src:/target/${VAR:-default}/path:slave,ro', bind('/src', '/target/${VAR:-default}/path', { read_only: true }, { propagation: 'slave' })],
    ['C:\\source:D:\\target\\${VAR:-default}\\path', bind('C:\\source', 'D:\\target\\${VAR:-default}\\path')],
    ['C:\\src\\${VAR:-default}:D:\\target', bind('C:\\src\\${VAR:-default}', 'D:\\target')],
    ['C:\\source:D:\\${VAR:-default}\\path:ro', bind('C:\\source', 'D:\\${VAR:-default}\\path', { read_only: true })],
    ['/tmp:/tmp/${VAR:-{default}}/path', bind('/tmp', '/tmp/${VAR:-{default}}/path')],
    ['/tmp:/tmp/path/${VAR:-default}', bind('/tmp', '/tmp/path/${VAR:-default}')],
    ['/tmp:/${VAR:-default}/path', bind('/tmp', '/${VAR:-default}/path')],
  ])('variables with defaults: %s', (spec, want) => {
    expect(parseVolumeString(spec)).toEqual(want);
  });
});

describe('parseVolumeString — beyond the Go tests (checked against ParseVolume + path.Clean, Go 1.19)', () => {
  it('cleans the target like path.Clean (transform/volume.go), not the source', () => {
    expect(parseVolumeString('./data/:/var/lib/data/')).toEqual(bind('./data/', '/var/lib/data'));
    expect(parseVolumeString('/a:/b/../c/./d/')).toEqual(bind('/a', '/c/d'));
    expect(parseVolumeString('data://srv//x')).toEqual({ type: 'volume', source: 'data', target: '/srv/x', volume: {} });
  });

  it('keeps nocopy on a bind and bind options on a volume, as compose-go does', () => {
    expect(parseVolumeString('./a:/b:nocopy')).toEqual({ type: 'bind', source: './a', target: '/b', bind: {}, volume: { nocopy: true } });
    expect(parseVolumeString('name:/t:z')).toEqual({ type: 'volume', source: 'name', target: '/t', bind: { selinux: 'z' }, volume: {} });
  });

  it('the last of ro/rw wins', () => {
    expect(parseVolumeString('/a:/b:ro,rw').read_only).toBeUndefined();
    expect(parseVolumeString('/a:/b:rw,ro').read_only).toBe(true);
  });

  it('specs of one or two bytes are bare targets', () => {
    expect(parseVolumeString('ab')).toEqual({ type: 'volume', target: 'ab' });
    expect(parseVolumeString('é')).toEqual({ type: 'volume', target: 'é' });
    expect(parseVolumeString('abc')).toEqual({ type: 'volume', target: 'abc', volume: {} });
  });

  it.each([
    ['vol:/b:', 'invalid spec: vol:/b:: empty section between colons'],
    ['vol:/b:ro:', 'invalid spec: vol:/b:ro:: too many colons'],
    // a single letter before a colon is a drive: "a:b" is one part here
    ['a:b:ro:', 'invalid spec: a:b:ro:: empty section between colons'],
  ])('error %s', (spec, message) => {
    expect(errorOf(() => parseVolumeString(spec))).toBe(message);
  });

  it('createHostPath: true gives the model value (and what compose-go ≤ 2.9 printed)', () => {
    expect(parseVolumeString('./foo:/target', { createHostPath: true })).toEqual(
      bind('./foo', '/target', {}, { create_host_path: true }),
    );
    expect(parseVolumeString('/s:/t:ro,rshared', { createHostPath: true })).toEqual(
      bind('/s', '/t', { read_only: true }, { propagation: 'rshared', create_host_path: true }),
    );
    expect(parseVolumeString('name:/t', { createHostPath: true })).toEqual({ type: 'volume', source: 'name', target: '/t', volume: {} });
  });

  it('printableBind drops create_host_path only when true', () => {
    expect(printableBind({ create_host_path: true, propagation: 'rslave' })).toEqual({ propagation: 'rslave' });
    expect(printableBind({ create_host_path: false })).toEqual({ create_host_path: false });
  });
});

describe('goPathClean (Go path.Clean)', () => {
  it.each([
    ['', '.'],
    ['a/', 'a'],
    ['/a/', '/a'],
    ['//a//b/../c/.', '/a/c'],
    ['/..', '/'],
    ['../../a', '../../a'],
    ['a/../..', '..'],
    ['C:\\x', 'C:\\x'],
    ['c:/', 'c:'],
    ['./a', 'a'],
    ['/', '/'],
  ])('%j → %j', (input, want) => {
    expect(goPathClean(input)).toBe(want);
  });
});

describe('isFilePath', () => {
  it.each<[string, boolean]>([
    ['./a', true],
    ['../a', true],
    ['.env', true],
    ['/abs', true],
    ['~/x', true],
    ['\\\\server\\share', true],
    ['C:\\x', true],
    ['c:', true],
    ['é:x', true],
    ['name', false],
    ['', false],
    ['1:x', false],
    ['C', false],
  ])('%s → %s', (source, want) => {
    expect(isFilePath(source)).toBe(want);
  });
});
