/** The build rules. Each rule is one file; list it here. */
import type { Rule } from '../audit/types.js';
import aptHygiene from './apt-hygiene.js';
import buildContextBloat from './build-context-bloat.js';
import buildkitCacheMissing from './buildkit-cache-missing.js';
import dockerignoreMissing from './dockerignore-missing.js';
import singleStageBuild from './single-stage-build.js';

export const BUILD_RULES: Rule[] = [dockerignoreMissing, buildContextBloat, buildkitCacheMissing, singleStageBuild, aptHygiene];
