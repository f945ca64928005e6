/** Every rule, grouped by category in documentation order. */
import type { Rule } from '../audit/types.js';
import { BUILD_RULES } from './registry-build.js';
import { CORRECTNESS_RULES } from './registry-correctness.js';
import { MAINTAINABILITY_RULES } from './registry-maintainability.js';
import { RELIABILITY_RULES } from './registry-reliability.js';
import { SECURITY_RULES } from './registry-security.js';

export const RULES: Rule[] = [...CORRECTNESS_RULES, ...SECURITY_RULES, ...RELIABILITY_RULES, ...MAINTAINABILITY_RULES, ...BUILD_RULES];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
