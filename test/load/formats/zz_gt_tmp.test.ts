import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parseDuration, formatGoDuration } from '../../../src/load/formats/duration.js';
import { parseBytes } from '../../../src/load/formats/bytes.js';
import { splitShellWords } from '../../../src/load/formats/shellwords.js';
import { parsePortString } from '../../../src/load/formats/ports.js';
import { parseVolumeString, goPathClean } from '../../../src/load/formats/volumes.js';
import { goNaturalLess } from '../../../src/load/formats/order.js';

const inp = JSON.parse(readFileSync('/tmp/gtjs/inputs.json', 'utf8'));
const out = JSON.parse(readFileSync('/tmp/gtjs/outputs.json', 'utf8'));
function run(f: () => unknown): { ok?: unknown; err?: string } { try { return { ok: f() }; } catch (e) { return { err: (e as Error).message }; } }
const mism: string[] = [];
function cmp(kind: string, input: unknown, got: unknown, want: unknown) { if (JSON.stringify(got) !== JSON.stringify(want)) mism.push(`${kind} ${JSON.stringify(input)}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`); }
describe('gt', () => {
  it('compares', () => {
    inp.Durations.forEach((s: string, i: number) => { const r = run(() => { const d = parseDuration(s); return [d.toString(), formatGoDuration(d)]; }); cmp('dur', s, r, out.durations[i]); });
    inp.DurationNs.forEach((s: string, i: number) => cmp('durns', s, { ok: formatGoDuration(BigInt(s)) }, out.durationNs[i]));
    inp.Bytes.forEach((s: string, i: number) => { const r = run(() => { const n = parseBytes(s); return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString(); }); const w = out.bytes[i]; if (r.ok && w.ok && !Number.isSafeInteger(Number(w.ok)) && Number(r.ok as string) === Number(w.ok)) return; cmp('bytes', s, r, w); });
    inp.Shell.forEach((s: string, i: number) => cmp('shell', s, run(() => splitShellWords(s)), out.shell[i]));
    inp.Ports.forEach((s: string, i: number) => cmp('ports', s, run(() => parsePortString(s)), out.ports[i]));
    inp.Volumes.forEach((s: string, i: number) => cmp('vol', s, run(() => parseVolumeString(s, { createHostPath: true })), out.volumes[i]));
    inp.Paths.forEach((s: string, i: number) => cmp('path', s, { ok: goPathClean(s) }, out.paths[i]));
    const keys: string[] = inp.Keys; let k = 0;
    for (const a of keys) for (const b of keys) { const w = out.pairs[0].ok[k++]; if (goNaturalLess(a, b) !== w) mism.push(`less ${JSON.stringify(a)} ${JSON.stringify(b)} want ${w}`); }
    console.log(mism.length, '\n' + mism.slice(0, 60).join('\n'));
    expect(mism.length).toBe(0);
  });
});
