/**
 * Service `volumes`: the short syntax `[source:]target[:options]`.
 *
 * Behaviour follows compose-go `format/volume.go ParseVolume` and `transform/volume.go`
 * (the target is path-cleaned after parsing). Relative sources are kept as written: making
 * them absolute is the loader's job (`paths/resolve.go`).
 *
 * `create_host_path`: compose-go ≥ 2.10 (docker compose v5) still sets it to true for a short
 * bind, but its type (`types.OptOut`) is left out of the output whenever it is true, so `config`
 * prints `bind: {}`; only an explicit `create_host_path: false` is printed. By default this module
 * returns what v5 prints (`bind: {}`); pass `{ createHostPath: true }` for the model value
 * (`bind: {create_host_path: true}`, also what compose-go ≤ 2.9 printed).
 */
import { LoadError } from '../errors.js';

export interface VolumeBind {
  selinux?: string;
  propagation?: string;
  create_host_path?: boolean;
  recursive?: string;
}

export interface VolumeVolume {
  nocopy?: boolean;
  subpath?: string;
}

export interface VolumeConfig {
  type: 'bind' | 'volume';
  source?: string;
  /**
   * path-cleaned container path. It is `""` only when the spec ends inside an unclosed `${`
   * (`/a:/b${x`): compose-go then has no target at all (the printer's omitempty handles it).
   */
  target: string;
  read_only?: boolean;
  bind?: VolumeBind;
  volume?: VolumeVolume;
}

export interface ParseVolumeOptions {
  /** put `create_host_path: true` into the `bind` of a bind mount (default false: `bind: {}`) */
  createHostPath?: boolean;
}

const PROPAGATIONS = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);
const SELINUX = new Set(['z', 'Z']);
const END = '\u0000';

function isLetter(ch: string | undefined): boolean {
  return ch !== undefined && /^\p{L}$/u.test(ch);
}

/**
 * Go's path.Clean: collapse `//`, drop `.` elements, resolve `..` lexically (never above `/`),
 * remove a trailing slash; `""` → `"."`. Backslashes are ordinary characters.
 */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const stack: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (stack.length > 0 && stack[stack.length - 1] !== '..') stack.pop();
      else if (!rooted) stack.push('..');
      continue;
    }
    stack.push(seg);
  }
  const out = (rooted ? '/' : '') + stack.join('/');
  return out === '' ? '.' : out;
}

/**
 * Whether a short-syntax source names a host path (bind) rather than a volume: it starts with
 * `.`, `/`, `~`, `\\` (Windows named pipe) or a drive letter and a colon (`C:`).
 */
export function isFilePath(source: string): boolean {
  if (source === '') return false;
  const first = source[0];
  if (first === '.' || first === '/' || first === '~') return true;
  if (source.startsWith('\\\\')) return true;
  const cp = source.codePointAt(0) ?? 0;
  const firstRune = String.fromCodePoint(cp);
  // Go reads the *byte* after the first rune; only ':' matters and it is ASCII either way
  const nextIndex = firstRune.length;
  if (source.length <= nextIndex) return false;
  return isLetter(firstRune) && source[nextIndex] === ':';
}

/**
 * Parse one short-syntax service volume into its long form.
 *
 * - A colon right after a single letter belongs to a Windows drive (`C:\data:/data`).
 * - Colons inside `${…}` are not separators (`/tmp:/tmp/${T:-12:30}`).
 * - One part is an anonymous volume (`/data` → `{type: volume, target: /data, volume: {}}`);
 *   a spec of one or two bytes is taken as a bare target with no `volume: {}` (compose-go quirk).
 * - Options (comma-separated, third part): `ro`, `rw`, `nocopy` (`volume.nocopy`),
 *   `[r]private`/`[r]shared`/`[r]slave` (`bind.propagation`), `z`/`Z` (`bind.selinux`);
 *   anything else is ignored. Bind options on a named volume still create a `bind` block.
 * - `bind` is added to host-path mounts, `volume: {}` to volumes.
 *
 * Errors (LoadError, code `format`): `invalid empty volume spec`,
 * `invalid spec: <spec>: empty section between colons`, `invalid spec: <spec>: too many colons`.
 */
export function parseVolumeString(spec: string, opts: ParseVolumeOptions = {}): VolumeConfig {
  const byteLen = Buffer.byteLength(spec, 'utf8');
  if (byteLen === 0) throw new LoadError('invalid empty volume spec', { code: 'format' });
  if (byteLen <= 2) return { type: 'volume', target: cleanTarget(spec) };

  let source = '';
  let target = '';
  let readOnly = false;
  let bind: VolumeBind | undefined;
  let volume: VolumeVolume | undefined;

  const populate = (ch: string, buffer: string[]): void => {
    const text = buffer.join('');
    if (buffer.length === 0) throw new Error('empty section between colons');
    if (source === '' && ch === END) {
      target = text;
      return;
    }
    if (source === '') {
      source = text;
      return;
    }
    if (target === '') {
      target = text;
      return;
    }
    if (ch === ':') throw new Error('too many colons');
    for (const option of text.split(',')) {
      if (option === 'ro') readOnly = true;
      else if (option === 'rw') readOnly = false;
      else if (option === 'nocopy') volume = { nocopy: true };
      else if (PROPAGATIONS.has(option)) bind = { ...bind, propagation: option };
      else if (SELINUX.has(option)) bind = { ...bind, selinux: option };
    }
  };

  const chars = Array.from(spec + END);
  let buffer: string[] = [];
  let depth = 0;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '$' && chars[i + 1] === '{') {
      depth++;
      buffer.push(ch);
      continue;
    }
    if (ch === '}' && depth > 0) {
      depth--;
      buffer.push(ch);
      continue;
    }
    if (ch === ':' && buffer.length === 1 && isLetter(buffer[0])) {
      buffer.push(ch);
    } else if ((ch === ':' || ch === END) && depth === 0) {
      try {
        populate(ch, buffer);
      } catch (e) {
        throw new LoadError(`invalid spec: ${spec}: ${(e as Error).message}`, { code: 'format' });
      }
      buffer = [];
    } else {
      buffer.push(ch);
    }
  }

  const isBind = isFilePath(source);
  const out: VolumeConfig = {
    type: isBind ? 'bind' : 'volume',
    ...(source !== '' ? { source } : {}),
    target: cleanTarget(target),
  };
  if (readOnly) out.read_only = true;
  if (isBind) {
    out.bind = { ...bind };
    if (opts.createHostPath) out.bind.create_host_path = true;
  } else if (bind) {
    out.bind = bind;
  }
  if (volume) out.volume = volume;
  else if (!isBind) out.volume = {};
  return out;
}

function cleanTarget(target: string): string {
  return target === '' ? '' : goPathClean(target);
}

/**
 * The printed form of a `bind` block under compose-go ≥ 2.10: `create_host_path` is left out
 * when it is true (the default), kept when false. Returns a new object.
 */
export function printableBind(bind: VolumeBind): VolumeBind {
  const out: VolumeBind = { ...bind };
  if (out.create_host_path === true) delete out.create_host_path;
  return out;
}
