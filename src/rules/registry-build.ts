/** The build rules. Each rule is one file; list it here. */
import type { Rule } from '../audit/types.js';


export const BUILD_RULES: Rule[] = [];
