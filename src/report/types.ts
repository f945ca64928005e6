import type { AuditResult } from '../audit/result.js';
import type { Rule } from '../audit/types.js';

export interface RenderOptions {
  /** ANSI colour (text format only; on a TTY) */
  color: boolean;
  rules: Rule[];
}

export type Renderer = (result: AuditResult, opts: RenderOptions) => string;
