/** The security rules. Each rule is one file; list it here. */
import type { Rule } from '../audit/types.js';
import dangerousCapabilities from './dangerous-capabilities.js';
import defaultCredentials from './default-credentials.js';
import devModeServer from './dev-mode-server.js';
import dockerSocketMounted from './docker-socket-mounted.js';
import imageTagUnpinned from './image-tag-unpinned.js';
import privilegedContainer from './privileged-container.js';
import publicInternalPort from './public-internal-port.js';
import runsAsRoot from './runs-as-root.js';
import secretLiteral from './secret-literal.js';

export const SECURITY_RULES: Rule[] = [
  runsAsRoot,
  privilegedContainer,
  dockerSocketMounted,
  dangerousCapabilities,
  secretLiteral,
  defaultCredentials,
  publicInternalPort,
  devModeServer,
  imageTagUnpinned,
];
