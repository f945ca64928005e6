/** The reliability rules. Each rule is one file; list it here. */
import type { Rule } from '../audit/types.js';


export const RELIABILITY_RULES: Rule[] = [];
