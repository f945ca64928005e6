/** The fix engine: applying edits to text, diffs of the result, writing files. */
export { applyEdits, deepEqual, ALREADY_APPLIED, type ApplyOptions, type ApplyResult } from './apply.js';
export { unifiedDiff, diffLines, type DiffOp } from './diff.js';
export { writeFixes, type FileChange, type WriteOptions } from './write.js';
