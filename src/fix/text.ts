/** Line helpers over a file's text (offsets are UTF-16 indexes, as the `yaml` package reports them). */

/** The file's line ending: CRLF when most of its line breaks are CRLF, else LF. */
export function detectEol(text: string): '\n' | '\r\n' {
  let lf = 0;
  let crlf = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** Offset of the first character of the line holding `pos`. */
export function lineStart(text: string, pos: number): number {
  return pos <= 0 ? 0 : text.lastIndexOf('\n', pos - 1) + 1;
}

/** Offset of the line break (`\r\n` or `\n`) ending the line holding `pos`, or the text's length. */
export function lineEnd(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  if (nl < 0) return text.length;
  return nl > 0 && text.charCodeAt(nl - 1) === 13 && nl - 1 >= pos ? nl - 1 : nl;
}

/** Offset just after the line break ending the line holding `pos` (the next line's start), or the text's length. */
export function nextLineStart(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

/** Column (0-based) of `pos` in its line. */
export function columnOf(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

/** The line holding `pos`, without its line break. */
export function lineAt(text: string, pos: number): string {
  return text.slice(lineStart(text, pos), lineEnd(text, pos));
}

export function isBlankLine(line: string): boolean {
  return line.trim() === '';
}

export function isCommentLine(line: string): boolean {
  return line.trimStart().startsWith('#');
}

/** True when only spaces stand between the line's start and `pos`. */
export function firstOnLine(text: string, pos: number): boolean {
  return text.slice(lineStart(text, pos), pos).trim() === '';
}

/** 1-based line number of `pos`. */
export function lineNumber(text: string, pos: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** A replacement of `text.slice(start, end)` by `insert`. */
export interface Splice {
  start: number;
  end: number;
  insert: string;
}

/** Apply non-overlapping splices (any order). Throws when two overlap: a bug in the caller. */
export function applySplices(text: string, splices: Splice[]): string {
  const sorted = [...splices].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.start < sorted[i - 1]!.end) throw new Error('internal: overlapping splices');
  }
  let out = text;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const s = sorted[i]!;
    out = out.slice(0, s.start) + s.insert + out.slice(s.end);
  }
  return out;
}
