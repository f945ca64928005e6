import { describe, expect, it } from 'vitest';
import { demuxLogBuffer, engineSince, isOneoff, JsonLineParser, LogDemuxer, projectFilters, splitLines } from '../../src/engine/client.js';

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

describe('log demultiplexing', () => {
  it('splits frames into stdout and stderr, in order', () => {
    const buf = Buffer.concat([frame(1, 'one\n'), frame(2, 'oops\n'), frame(1, 'two\n')]);
    expect(demuxLogBuffer(buf)).toEqual([
      { stream: 'stdout', text: 'one\n' },
      { stream: 'stderr', text: 'oops\n' },
      { stream: 'stdout', text: 'two\n' },
    ]);
  });

  it('takes a TTY body (or anything unframed) as raw stdout', () => {
    expect(demuxLogBuffer(Buffer.from('plain\n'), true)).toEqual([{ stream: 'stdout', text: 'plain\n' }]);
    expect(demuxLogBuffer(Buffer.from('not framed at all\n'))).toEqual([{ stream: 'stdout', text: 'not framed at all\n' }]);
    expect(demuxLogBuffer(Buffer.alloc(0))).toEqual([]);
  });

  it('reassembles frames split across chunks when following', () => {
    const whole = Buffer.concat([frame(1, 'hello '), frame(2, 'world\n')]);
    const d = new LogDemuxer(false);
    const out = [];
    for (let i = 0; i < whole.length; i += 3) out.push(...d.push(whole.subarray(i, i + 3)));
    expect(out).toEqual([
      { stream: 'stdout', text: 'hello ' },
      { stream: 'stderr', text: 'world\n' },
    ]);
  });

  it('splitLines drops the empty piece after a final newline', () => {
    expect(splitLines('a\nb\n')).toEqual(['a', 'b']);
    expect(splitLines('a\r\nb')).toEqual(['a', 'b']);
    expect(splitLines('')).toEqual([]);
  });
});

describe('JsonLineParser (the event stream)', () => {
  it('parses newline-delimited JSON fed in arbitrary chunks', () => {
    const got: unknown[] = [];
    const bad: string[] = [];
    const p = new JsonLineParser((v) => got.push(v), (line) => bad.push(line));
    const text = '{"Action":"create"}\n{"Action":"start"}\n\n{broken\n{"Action":"die","Actor":{"Attributes":{"exitCode":"3"}}}';
    for (const ch of text) p.push(ch);
    expect(got).toHaveLength(2);
    p.end();
    expect(got).toEqual([{ Action: 'create' }, { Action: 'start' }, { Action: 'die', Actor: { Attributes: { exitCode: '3' } } }]);
    expect(bad).toEqual(['{broken']);
  });
});

describe('labels and filters', () => {
  it('filters by the project label', () => {
    expect(projectFilters('shop')).toEqual({ label: ['com.docker.compose.project=shop'] });
    expect(projectFilters('shop', { type: ['container'] })).toEqual({ type: ['container'], label: ['com.docker.compose.project=shop'] });
  });

  it('reads the one-off label as both versions write it', () => {
    expect(isOneoff('True')).toBe(true);
    expect(isOneoff('False')).toBe(false);
    expect(isOneoff(undefined)).toBe(false);
  });

  it('engineSince turns the engine clock into `since` seconds', () => {
    expect(engineSince('2026-11-23T12:10:18.903123456Z')).toBe('1795435818.903');
    expect(engineSince(undefined, 1_000_500)).toBe('1000.500');
  });
});
