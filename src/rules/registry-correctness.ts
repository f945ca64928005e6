/** The correctness rules. Each rule is one file; list it here. */
import type { Rule } from '../audit/types.js';


export const CORRECTNESS_RULES: Rule[] = [];
