/**
 * Unified diffs of two texts (`diff -u` / `git diff` format): `--- a/file`, `+++ b/file`, hunks
 * with 3 lines of context, `\ No newline at end of file` where it applies. Lines are compared
 * with their line break (so a CRLF → LF change shows); a Myers O(ND) diff after trimming the
 * common head and tail.
 */

export interface DiffOp {
  /** ' ' kept, '-' removed, '+' added */
  op: ' ' | '-' | '+';
  line: string;
  /** 0-based line index in the old text (for ' ' and '-') */
  oldIndex: number;
  /** 0-based line index in the new text (for ' ' and '+') */
  newIndex: number;
}

/** Lines with their line breaks kept (the last one may have none). */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const out: string[] = [];
  let i = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', i)) {
    out.push(text.slice(i, nl + 1));
    i = nl + 1;
  }
  if (i < text.length) out.push(text.slice(i));
  return out;
}

/** Cells of the Myers trace kept at most; past it the middle is written as one replacement (correct, not minimal). */
const TRACE_LIMIT = 20_000_000;

/** The shortest edit script turning `a` into `b` (Myers). */
function myers(a: string[], b: string[]): ('=' | '-' | '+')[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    if ((d + 1) * v.length > TRACE_LIMIT) return [...a.map(() => '-' as const), ...b.map(() => '+' as const)];
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!)) x = v[off + k + 1]!;
      else x = v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // walk back
  const ops: ('=' | '-' | '+')[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    let prevK: number;
    if (k === -d || (k !== d && vd[off + k - 1]! < vd[off + k + 1]!)) prevK = k + 1;
    else prevK = k - 1;
    const prevX = d === 0 ? 0 : vd[off + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY && x > 0 && y > 0) {
      ops.push('=');
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) {
        ops.push('+');
        y--;
      } else {
        ops.push('-');
        x--;
      }
    }
  }
  while (x > 0 && y > 0) {
    ops.push('=');
    x--;
    y--;
  }
  return ops.reverse();
}

/** The line-level edit script between two texts. */
export function diffLines(oldText: string, newText: string): DiffOp[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const ops: DiffOp[] = [];
  for (let i = 0; i < head; i++) ops.push({ op: ' ', line: a[i]!, oldIndex: i, newIndex: i });
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  let i = head;
  let j = head;
  for (const o of myers(midA, midB)) {
    if (o === '=') ops.push({ op: ' ', line: a[i]!, oldIndex: i++, newIndex: j++ });
    else if (o === '-') ops.push({ op: '-', line: a[i]!, oldIndex: i++, newIndex: j });
    else ops.push({ op: '+', line: b[j]!, oldIndex: i, newIndex: j++ });
  }
  for (let t = 0; t < tail; t++) ops.push({ op: ' ', line: a[i]!, oldIndex: i++, newIndex: j++ });
  return ops;
}

function range(start: number, count: number): string {
  // the line before the hunk when it is empty, as diff -u writes it
  const s = count === 0 ? start : start + 1;
  return count === 1 ? `${s}` : `${s},${count}`;
}

function emit(op: DiffOp): string[] {
  if (op.line.endsWith('\n')) return [`${op.op}${op.line.slice(0, -1)}`];
  return [`${op.op}${op.line}`, '\\ No newline at end of file'];
}

/** A unified diff of `oldText` → `newText` for `file`; '' when they are equal. */
export function unifiedDiff(oldText: string, newText: string, file: string, context = 3): string {
  if (oldText === newText) return '';
  const ops = diffLines(oldText, newText);
  const changed = ops.map((o, i) => (o.op !== ' ' ? i : -1)).filter((i) => i >= 0);
  const out = [`--- a/${file}`, `+++ b/${file}`];
  let h = 0;
  while (h < changed.length) {
    const first = changed[h]!;
    let last = first;
    while (h + 1 < changed.length && changed[h + 1]! - last <= 2 * context + 1) last = changed[++h]!;
    h++;
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length - 1, last + context);
    const hunk = ops.slice(from, to + 1);
    const oldCount = hunk.filter((o) => o.op !== '+').length;
    const newCount = hunk.filter((o) => o.op !== '-').length;
    const oldStart = hunk[0]!.oldIndex;
    const newStart = hunk[0]!.newIndex;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const o of hunk) out.push(...emit(o));
  }
  return out.join('\n') + '\n';
}
