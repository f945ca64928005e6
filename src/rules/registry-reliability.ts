/** The reliability rules. Each rule is one file; list it here. */
import type { Rule } from '../audit/types.js';
import dependsOnUnhealthyStart from './depends-on-unhealthy-start.js';
import healthcheckMissing from './healthcheck-missing.js';
import healthcheckTiming from './healthcheck-timing.js';
import healthcheckToolMissing from './healthcheck-tool-missing.js';
import resourceLimitsMissing from './resource-limits-missing.js';
import logRotationMissing from './log-rotation-missing.js';
import restartPolicyMissing from './restart-policy-missing.js';
import initMissing from './init-missing.js';
import tmpfsUnbounded from './tmpfs-unbounded.js';
import hardcodedIp from './hardcoded-ip.js';
import statefulWithoutVolume from './stateful-without-volume.js';

export const RELIABILITY_RULES: Rule[] = [
  dependsOnUnhealthyStart,
  healthcheckMissing,
  healthcheckTiming,
  healthcheckToolMissing,
  resourceLimitsMissing,
  logRotationMissing,
  restartPolicyMissing,
  initMissing,
  tmpfsUnbounded,
  hardcodedIp,
  statefulWithoutVolume,
];
