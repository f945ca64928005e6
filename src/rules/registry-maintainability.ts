/** The maintainability rules. Each rule is one file; list it here. */
import type { Rule } from '../audit/types.js';
import obsoleteVersion from './obsolete-version.js';

export const MAINTAINABILITY_RULES: Rule[] = [obsoleteVersion];
