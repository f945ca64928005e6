/** The security rules. Each rule is one file; list it here. */
import type { Rule } from '../audit/types.js';


export const SECURITY_RULES: Rule[] = [];
