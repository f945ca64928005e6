/**
 * The command table. Each command lives in src/commands/<name>.ts, parses nothing itself and
 * is imported only when it runs.
 */
import { Command, CommanderError, Option } from 'commander';
import { createRequire } from 'node:module';
import { EXIT, reportError, setDebug } from './output.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export interface LoadFlags {
  file?: string[];
  profile?: string[];
  envFile?: string[];
  projectName?: string;
  projectDirectory?: string;
  root?: string;
}

function addLoadOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <file>', 'compose file (repeatable; relative to DIR); default: compose.yaml or docker-compose.yml in DIR', collect)
    .option('--profile <name>', 'activate a profile (repeatable; * for all)', collect)
    .option('--env-file <file>', 'read variables from this file instead of DIR/.env (repeatable)', collect)
    .option('-p, --project-name <name>', 'project name')
    .option('--project-directory <dir>', 'directory relative paths are taken from (default: the first file\'s directory)')
    .option('--root <dir>', 'files that compose files reference must lie inside it (default: the git work tree, else DIR)');
}

export async function run(rawArgv: string[]): Promise<number> {
  const debug = rawArgv.includes('--debug');
  setDebug(debug);
  const argv = rawArgv.filter((a) => a !== '--debug');
  const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
  const program = new Command();
  program
    .name('shipshape')
    .description('Keeps Docker Compose stacks in good order: load, audit, fix, run, verify, back up.')
    .version(pkg.version, '-V, --version')
    .option('--debug', 'show stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .addHelpText(
      'after',
      `
Exit codes:
  0  success (no findings at or above the threshold)
  1  findings at or above the threshold
  2  usage error, or a file that does not load

Examples:
  $ shipshape audit                       prioritised, scored report of the repository
  $ shipshape audit --format markdown -o AUDIT.md
  $ shipshape fix --write                 apply the safe fixes, comments kept
  $ shipshape config --variables          every variable: default, required, set, where used
  $ shipshape up && shipshape verify      start with pre-flight checks, then prove the stack
  $ shipshape backup --stop --keep 7      back up named volumes, verified, keep a week
Run \`shipshape <command> --help\` for each command's options and examples.`,
    );

  addLoadOptions(
    program
      .command('config')
      .description('print the normalized Compose model, as `docker compose config` does')
      .argument('[dir]', 'the directory compose would run in (default: .)')
      .argument('[services...]', 'only these services and what they depend on'),
  )
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--services', 'print the service names, one per line')
    .option('--profiles', 'print the profile names, one per line')
    .option('--volumes', 'print the volume names, one per line')
    .option('--networks', 'print the network names, one per line')
    .option('--images', 'print the image names, one per line')
    .option('--variables', 'print every variable: default, required, set or not, where used')
    .option('-q, --quiet', 'only validate; print nothing')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .addHelpText(
      'after',
      `
Examples:
  $ shipshape config examples/trading-platform
  $ shipshape config . api --format json
  $ shipshape config -f compose.yaml -f compose.prod.yaml --profile '*' --services`,
    )
    .action(async (dir: string | undefined, services: string[], opts) => {
      const { configCommand } = await import('../commands/config.js');
      process.exitCode = await configCommand(dir, services, opts);
    });

  program
    .command('audit')
    .description('audit compose files, Dockerfiles, .dockerignore and env files; print a prioritised, scored report')
    .argument('[dir]', 'repository to audit (default: .)')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'markdown', 'json', 'sarif', 'html']).default('text'))
    .option('-o, --output <file>', 'write the report to a file (atomically)')
    .option('-f, --file <file>', 'audit only these compose files, loaded together (repeatable)', collect)
    .option('--rule <id>', 'run only this rule (repeatable)', collect)
    .option('--disable <id>', 'do not run this rule (repeatable)', collect)
    .option('--profile <name>', 'judge with only these profiles active (repeatable; default: all)', collect)
    .addOption(new Option('--min-severity <level>', 'hide findings below this severity').choices(['error', 'warning', 'info']))
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above this severity (default: error, or threshold in .shipshape.yml)').choices(['error', 'warning', 'info', 'never']))
    .option('--config <file>', 'configuration file (default: .shipshape.yml, or "shipshape" in package.json)')
    .option('--report-unused-suppressions', 'list shipshape-ignore comments that suppress nothing (and exit 1 if any)')
    .addHelpText(
      'after',
      `
Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage error or bad configuration.
A compose file that does not load is a finding (schema-invalid), not a crash.

Examples:
  $ shipshape audit
  $ shipshape audit examples/analytics --format markdown -o AUDIT.md
  $ shipshape audit --rule runs-as-root --rule secret-literal --fail-on warning
  $ shipshape audit --format sarif -o shipshape.sarif     (for GitHub code scanning)`,
    )
    .action(async (dir: string | undefined, opts) => {
      const { auditCommand } = await import('../commands/audit.js');
      process.exitCode = await auditCommand(dir, opts);
    });

  program
    .command('rules')
    .description('list every rule: id, severity, priority, whether it can fix, title')
    .option('--json', 'machine-readable output')
    .action(async (opts) => {
      const { rulesCommand } = await import('../commands/rules.js');
      process.exitCode = rulesCommand(opts);
    });

  program
    .command('fix')
    .description('apply the audit\'s safe fixes; shows a diff unless --write (comments and layout are kept)')
    .argument('[dir]', 'repository (default: .)')
    .option('--rule <id>', 'only fixes of this rule (repeatable)', collect)
    .option('--write', 'write the changes (atomically); default: print a unified diff')
    .option('--backup', 'with --write, keep <file>.bak')
    .option('--unsafe', 'also apply fixes that change behaviour (listed as suggestions otherwise)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', `
A file that changed since it was read is not written. After writing, every compose file that
loaded before must still load, or all files are restored.

Examples:
  $ shipshape fix                          show what would change
  $ shipshape fix --rule obsolete-version --write
  $ shipshape fix --write --backup`)
    .action(async (dir: string | undefined, opts) => {
      const { fixCommand } = await import('../commands/fix.js');
      process.exitCode = await fixCommand(dir, opts);
    });

  program
    .command('consolidate')
    .description('merge overlapping standalone compose files into one, with what differs in profiles named after the files')
    .argument('<files...>', 'the compose files to merge')
    .requiredOption('-o, --output <file>', 'the file to write')
    .option('--force', 'write even with conflicts (written as # CONFLICT comments) or a failed proof')
    .option('--dry-run', 'print the file instead of writing it')
    .option('--profile-name <file=profile>', 'name the profile of a source file (repeatable)', collect)
    .option('--root <dir>', 'files referenced by compose files must lie inside it')
    .addHelpText('after', `
For each source X, \`config\` of the output with X's profile is checked to equal \`config\` of X.
Exit codes: 0 written and proven; 1 conflicts or a failed proof (nothing written without --force); 2 usage error.

Examples:
  $ shipshape consolidate docker/docker-compose.yml docker/docker-compose.dev.yml -o docker-compose.dev.yml
  $ shipshape consolidate a.yml b.yml -o all.yml --dry-run`)
    .action(async (files: string[], opts) => {
      const { consolidateCommand } = await import('../commands/consolidate.js');
      process.exitCode = await consolidateCommand(files, opts);
    });

  program
    .command('scale')
    .description('turn SERVICE into explicit replicas SERVICE-1..N with sequential host ports and scale-N profiles')
    .argument('<specs...>', 'SERVICE=N (repeatable) and optionally the project directory')
    .option('--base-port <port>', 'first host port (default: the service\'s current one)')
    .option('--profile-prefix <prefix>', 'profile name prefix', 'scale-')
    .option('--prometheus <file>', 'Prometheus config whose scrape targets to regenerate (default: found from the stack)')
    .option('--write', 'write the changes (default: print a diff and the port table)')
    .option('-f, --file <file>', 'compose file (repeatable)', collect)
    .option('--root <dir>', 'files referenced by compose files must lie inside it')
    .addHelpText('after', `
Scaling back to 1 removes exactly what scaling up added.

Examples:
  $ shipshape scale backtest-worker=2 training-worker=2
  $ shipshape scale worker=4 --base-port 5003 --write`)
    .action(async (specs: string[], opts) => {
      const { scaleCommand } = await import('../commands/scale.js');
      const dir = specs.find((s) => !s.includes('='));
      process.exitCode = await scaleCommand(dir, specs.filter((s) => s.includes('=')), opts);
    });

  program
    .command('init-env')
    .description('write (or complete) an .env template documenting every variable the compose files use')
    .argument('[dir]', 'project directory (default: .)')
    .option('-o, --output <file>', 'template file, relative to DIR (default: .env.example)')
    .option('--force', 'append to a file whose name is not a template name (e.g. .env.core); never replaces its contents')
    .option('--check', 'write nothing; exit 1 if the template is missing variables (for CI)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', `
Secret-looking variables are left blank; values never come from a real .env.

Examples:
  $ shipshape init-env
  $ shipshape init-env . --output .env.dev.example
  $ shipshape init-env --check`)
    .action(async (dir: string | undefined, opts) => {
      const { initEnvCommand } = await import('../commands/init-env.js');
      process.exitCode = await initEnvCommand(dir, opts);
    });

  program
    .command('init-dockerignore')
    .description('propose a .dockerignore fitted to each build context, proven not to exclude anything a Dockerfile copies')
    .argument('[contexts...]', 'build context directories (default: every build context of DIR)')
    .option('--dir <dir>', 'project directory whose build contexts to use (default: .)')
    .option('--write', 'write the file(s) (default: print the proposal)')
    .option('--force', 'write even when the safety check could not be completed')
    .option('--json', 'machine-readable output')
    .addHelpText('after', `
Examples:
  $ shipshape init-dockerignore
  $ shipshape init-dockerignore ./api --write`)
    .action(async (contexts: string[], opts) => {
      const { initDockerignoreCommand } = await import('../commands/init-dockerignore.js');
      process.exitCode = await initDockerignoreCommand(contexts, opts);
    });

  addLoadOptions(
    program
      .command('up')
      .description('pre-flight checks, then start the stack with Compose and wait, event-driven, until every service is ready')
      .argument('[dir]', 'project directory (default: .)'),
  )
    .option('--build', 'build images before starting')
    .option('--timeout <seconds>', 'one deadline for the whole start-up (default 120; also 90s, 2m)')
    .option('--fail-fast', 'stop waiting at the first unhealthy or failed service (default)')
    .option('--tolerate-unhealthy', 'keep waiting until the deadline for unhealthy services to recover')
    .option('--json', 'one JSON event per line (docs/events-json.md)')
    .addHelpText('after', `
Jobs (services that exit by design) must exit 0; servers must be healthy, or running where they
have no health check. On failure: the exit code, the health-check log and the last log lines.
Exit codes: 0 every service ready; 1 a service failed or the deadline passed; 2 usage or pre-flight error.
Uses docker compose v2 if present, else docker-compose v1 (and says which).

Examples:
  $ shipshape up
  $ shipshape up examples/broker-pipeline --build --timeout 3m
  $ shipshape up --profile workers --json`)
    .action(async (dir: string | undefined, opts) => {
      const { upCommand } = await import('../commands/up.js');
      process.exitCode = await upCommand(dir, opts);
    });

  addLoadOptions(
    program
      .command('down')
      .description('stop and remove the stack (with --volumes, its data too, after asking)')
      .argument('[dir]', 'project directory (default: .)'),
  )
    .option('-v, --volumes', 'also remove named volumes (asks first unless --yes)')
    .option('-y, --yes', 'do not ask')
    .option('-t, --timeout <seconds>', 'stop timeout')
    .option('--remove-orphans', 'also remove containers of services no longer in the files')
    .addHelpText('after', `
Examples:
  $ shipshape down
  $ shipshape down --volumes --yes`)
    .action(async (dir: string | undefined, opts) => {
      const { downCommand } = await import('../commands/down.js');
      process.exitCode = await downCommand(dir, opts);
    });

  addLoadOptions(
    program
      .command('status')
      .description('per service: state, health, uptime, restarts, CPU, memory, ports, last log lines')
      .argument('[dir]', 'project directory (default: .)'),
  )
    .option('--watch', 'refresh in place (Ctrl-C to stop)')
    .option('--interval <seconds>', 'refresh interval with --watch (default 2)')
    .option('--lines <n>', 'log lines per service (default 3)')
    .option('--json', 'one JSON document (version 1)')
    .addHelpText('after', `
Exit codes: 0 every service running (healthy, or with no health check) or completed; 1 otherwise; 2 usage or engine error.

Examples:
  $ shipshape status
  $ shipshape status --watch`)
    .action(async (dir: string | undefined, opts) => {
      const { statusCommand } = await import('../commands/status.js');
      process.exitCode = await statusCommand(dir, opts);
    });

  addLoadOptions(
    program
      .command('verify')
      .description('prove the stack: running and healthy, health checks pass now, ports answer, no root, limits and rotation applied')
      .argument('[dir]', 'project directory (default: .)'),
  )
    .option('--up', 'start the stack first in an isolated project and tear it down afterwards')
    .option('--persistence', 'check that a marker in each named volume survives a restart of its service')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'markdown', 'json']).default('text'))
    .option('-o, --output <file>', 'write the report to a file')
    .option('--config <file>', 'configuration (allowRoot) file (default: .shipshape.yml)')
    .option('--timeout <seconds>', 'how long --up waits for the stack')
    .addHelpText('after', `
Exit codes: 0 every item passes; 1 an item fails; 2 usage, config or engine error.

Examples:
  $ shipshape verify
  $ shipshape verify --up --persistence --format markdown -o VERIFY.md`)
    .action(async (dir: string | undefined, opts) => {
      const { verifyCommand } = await import('../commands/verify.js');
      process.exitCode = await verifyCommand(dir, opts);
    });

  program
    .command('logs')
    .description('show the logs of the stack\'s services')
    .argument('[dir]', 'project directory (default: .)')
    .argument('[services...]', 'only these services')
    .option('--file <file>', 'compose file (repeatable; relative to DIR)', collect)
    .option('--profile <name>', 'activate a profile (repeatable)', collect)
    .option('--env-file <file>', 'variables file (repeatable)', collect)
    .option('-p, --project-name <name>', 'project name')
    .option('--project-directory <dir>', 'directory relative paths are taken from')
    .option('--root <dir>', 'files referenced by compose files must lie inside it')
    .option('-f, --follow', 'follow the logs')
    .option('--since <time>', 'only since this time (RFC 3339 or a duration such as 10m)')
    .option('-n, --tail <lines>', 'the last N lines of each service')
    .option('-t, --timestamps', 'show timestamps')
    .addHelpText('after', `
Examples:
  $ shipshape logs api worker --tail 50
  $ shipshape logs -f --since 10m`)
    .action(async (dir: string | undefined, services: string[], opts) => {
      const { logsCommand } = await import('../commands/logs.js');
      process.exitCode = await logsCommand(dir, services, opts);
    });

  const backup = addLoadOptions(
    program
      .command('backup')
      .description('back up the project\'s named volumes: one archive each, a manifest with checksums, written atomically')
      .argument('[dir]', 'project directory (default: .)'),
  )
    .option('--volume <name>', 'only this volume (compose key; repeatable)', collect)
    .option('--to <dir>', 'backup folder (default: DIR/backups/<project>/<UTC time>/)')
    .option('--stop', 'stop the services that mount a volume while it is read, then start them again')
    .option('--keep <n>', 'keep the newest N complete backups of the project, never removing the newest verified one')
    .option('--level <1-9>', 'gzip level (default 6)')
    .option('--image <image>', 'local image for the temporary containers (default: one of the project\'s)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', `
Volumes are read through the Engine API from a temporary container that is never started, so no
tool is needed inside any image. x-shipshape: {backup: {pre, post}} on a service runs hooks via exec.

Examples:
  $ shipshape backup
  $ shipshape backup --volume pgdata --stop --keep 7
  $ shipshape backup verify backups/myapp/2026-11-23T12-40-05Z`)
    .action(async (dir: string | undefined, opts) => {
      const { backupCommand } = await import('../commands/backup.js');
      process.exitCode = await backupCommand(dir, opts);
    });
  backup
    .command('verify')
    .description('restore a backup into a scratch volume, compare every file with the manifest, remove the scratch volume')
    .argument('<backup-dir>', 'a backup folder')
    .option('--image <image>', 'local image for the temporary containers')
    .option('--json', 'machine-readable output')
    .action(async (dir: string, opts) => {
      const { backupVerifyCommand } = await import('../commands/backup.js');
      process.exitCode = await backupVerifyCommand(dir, opts);
    });

  program
    .command('restore')
    .description('restore volumes from a backup: verified before anything is written, checked again after')
    .argument('<backup-dir>', 'a backup folder')
    .option('--volume <name>', 'only this volume (repeatable)', collect)
    .option('--into <name>', 'restore into a new volume of this name')
    .option('--force', 'write into a volume that is not empty')
    .option('--image <image>', 'local image for the temporary containers')
    .option('--json', 'machine-readable output')
    .addHelpText('after', `
Examples:
  $ shipshape restore backups/myapp/2026-11-23T12-40-05Z
  $ shipshape restore backups/myapp/2026-11-23T12-40-05Z --volume pgdata --into pgdata_check`)
    .action(async (dir: string, opts) => {
      const { restoreCommand } = await import('../commands/restore.js');
      process.exitCode = await restoreCommand(dir, opts);
    });

  addLoadOptions(
    program
      .command('backups')
      .description('list backups with size, age, volumes and last verification')
      .argument('[dir]', 'project directory (default: .)'),
  )
    .option('--in <dir>', 'backups folder (default: DIR/backups)')
    .option('--json', 'machine-readable output')
    .action(async (dir: string | undefined, opts) => {
      const { backupsCommand } = await import('../commands/backups.js');
      process.exitCode = await backupsCommand(dir, opts);
    });

  program
    .command('files')
    .description('map the compose files, overrides, Dockerfiles, .dockerignore, env files and wrapper scripts under DIR')
    .argument('[dir]', 'directory to scan (default: .)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', `
Examples:
  $ shipshape files
  $ shipshape files ../my-stack --json`)
    .action(async (dir: string | undefined, opts) => {
      const { filesCommand } = await import('../commands/files.js');
      process.exitCode = await filesCommand(dir, opts);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    return reportError(e, debug);
  }
}
