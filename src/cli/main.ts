#!/usr/bin/env node
/**
 * Entry point. Kept tiny so `shipshape --version` answers without loading the loader, the
 * schema or the engine client: everything else is imported on demand.
 */
import { createRequire } from 'node:module';

// output piped into `head` and closed early is not an error
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
  process.stdout.write(`${pkg.version}\n`);
} else {
  const { run } = await import('./program.js');
  process.exitCode = await run(argv);
}
