/** The correctness rules. Each rule is one file; list it here. */
import type { Rule } from '../audit/types.js';
import bindSourceMissing from './bind-source-missing.js';
import buildContextMissing from './build-context-missing.js';
import copySourceMissing from './copy-source-missing.js';
import dependencyCycle from './dependency-cycle.js';
import dockerfileMissing from './dockerfile-missing.js';
import envFileMissing from './env-file-missing.js';
import hostPortConflict from './host-port-conflict.js';
import referenceUndefined from './reference-undefined.js';
import scaledContainerName from './scaled-container-name.js';
import scaledFixedHostPort from './scaled-fixed-host-port.js';
import schemaInvalid from './schema-invalid.js';
import serviceUrlUnreachable from './service-url-unreachable.js';
import variableUndefined from './variable-undefined.js';

export const CORRECTNESS_RULES: Rule[] = [
  schemaInvalid,
  buildContextMissing,
  dockerfileMissing,
  copySourceMissing,
  bindSourceMissing,
  envFileMissing,
  variableUndefined,
  referenceUndefined,
  dependencyCycle,
  hostPortConflict,
  scaledFixedHostPort,
  scaledContainerName,
  serviceUrlUnreachable,
];
