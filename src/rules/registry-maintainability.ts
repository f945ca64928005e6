/** The maintainability rules. Each rule is one file; list it here. */
import type { Rule } from '../audit/types.js';
import deprecatedVariable from './deprecated-variable.js';
import duplicateBlock from './duplicate-block.js';
import duplicateEnvironment from './duplicate-environment.js';
import duplicateServiceDefinition from './duplicate-service-definition.js';
import envTemplateMissing from './env-template-missing.js';
import fragmentedComposeFiles from './fragmented-compose-files.js';
import obsoleteVersion from './obsolete-version.js';
import wrapperScriptDrift from './wrapper-script-drift.js';

export const MAINTAINABILITY_RULES: Rule[] = [
  obsoleteVersion,
  duplicateEnvironment,
  duplicateBlock,
  fragmentedComposeFiles,
  duplicateServiceDefinition,
  envTemplateMissing,
  deprecatedVariable,
  wrapperScriptDrift,
];
