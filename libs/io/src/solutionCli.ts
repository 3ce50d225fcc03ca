// What every solution CLI shares: the flags (--runs-dir, --members and the internal fold-worker's),
// the config file named by --config with its dotted overrides and --data-dir, checked by the
// solution's own validator; the dispatch to a target with one context; and the exit, where a
// DataError (bad input) is one line naming the file and anything else keeps its stack.
import * as path from 'path';
import { loadConfig, parseCliArgs, takeFlag, type BackendChoice, type CliArgs, type OverrideValue } from './cliArgs';
import { DataError } from './errors';
import { followParent } from './followParent';
import { ResourceError, watchMemory } from './resources';
import { failRuns } from './runDir';

/**
 * What a solution CLI hands a target: the resolved config and the flags every solution takes.
 * `Info` is the started tensor backend (@repro/layers' BackendInfo).
 */
export interface SolutionContext<C, Info> {
  config: C;
  /** --config: the config's name (a run id is `<configName>-seed<seed>` unless --run-id). */
  configName: string;
  /** configs/<configName>.json. */
  configFile: string;
  seed: number;
  runId?: string;
  /** --fresh: delete an earlier run of this id and start over instead of resuming. */
  fresh?: boolean;
  /** --runs-dir (or REPRO_RUNS_DIR; default `runs`): `<runsRoot>/<solution>/<runId>`. */
  runsRoot: string;
  backend: BackendChoice;
  backendInfo: Info;
  /** Path of cli.ts, for fold workers. */
  cliPath: string;
  /** --members a,b: the members or runs a target is limited to (each target says which). */
  members?: string[];
  /** The solution's own flags (SolutionCli.flags), as given; undefined when absent. */
  flags?: Record<string, string | undefined>;
  /** The command line after the script (for a target that re-runs itself in worker processes). */
  argv?: readonly string[];
}

/** `<solutionDir>/configs/<--config>.json` with overrides and --data-dir applied, then validated. */
export function loadSolutionConfig<T extends { data: { dir: string }; maxSteps?: number }>(
  solutionDir: string,
  args: CliArgs,
  overrides: Record<string, OverrideValue>,
  validate: (config: T, file: string) => T,
): { config: T; configFile: string } {
  const configFile = path.join(solutionDir, 'configs', `${args.config}.json`);
  const config = loadConfig<T>(solutionDir, args.config, overrides);
  if (args.dataDir) config.data.dir = args.dataDir;
  // Part of the config (so of the run's inputs): a timing run never resumes into a full one, nor back.
  if (args.maxSteps !== undefined) config.maxSteps = args.maxSteps;
  return { config: validate(config, configFile), configFile };
}

/**
 * A solution's config as every target sees it: loadSolutionConfig with its folder and validator;
 * the overrides default to the arguments' own.
 */
export function solutionConfigResolver<T extends { data: { dir: string }; maxSteps?: number }>(solutionDir: string, validate: (config: T, file: string) => T) {
  return (args: CliArgs, overrides: Record<string, OverrideValue> = args.overrides): { config: T; configFile: string } => loadSolutionConfig<T>(solutionDir, args, overrides, validate);
}

/** A solution's command line: its targets and what each runs (see runSolutionCli). */
export interface SolutionCli<C, Info> {
  /** Solution name, in errors: 'hms-wavenet'. */
  name: string;
  /** Path of cli.ts (fold workers are started through it). */
  cliPath: string;
  /** @default 42 */
  defaultSeed?: number;
  /** Flags of this solution that are not config keys (without `--`), handed to targets in ctx.flags. */
  flags?: readonly string[];
  /** An older environment variable for the runs root, read after REPRO_RUNS_DIR (moa: MOA_RUNS_DIR). */
  runsDirEnv?: string;
  /** The config a target runs with (loadSolutionConfig with the solution's folder and validator). */
  resolveConfig: (args: CliArgs, overrides: Record<string, OverrideValue>) => { config: C; configFile: string };
  /** @repro/layers' initBackend: started silently, before a target that needs it. */
  initBackend: (options: { backend: BackendChoice; log: null }) => Promise<Info>;
  /** The targets, in the order the usage error lists them. */
  targets: Record<string, (ctx: SolutionContext<C, Info>) => Promise<unknown>>;
  /** Targets listed after `targets` that start no tensor backend (plain arrays). */
  plainTargets?: Record<string, (ctx: Omit<SolutionContext<C, Info>, 'backendInfo'>) => Promise<unknown>>;
  /**
   * The internal `fold-worker` target (one job of a run, started by `train` when workers > 1): its
   * flags with the placeholders its usage error shows ('--fold' must be an integer), and what it runs.
   */
  foldWorker?: { flags: Record<string, string>; run: (flags: Record<string, string>, backendInfo: Info) => Promise<void> };
}

/**
 * `cli.ts <target> [--config C] [--seed N] [--run-id ID] [--data-dir D] [--runs-dir R] [--members a,b]
 * [--section.key value ...]`: --runs-dir (or REPRO_RUNS_DIR; default `runs`) and --members are
 * taken from the overrides before the config reads the rest.
 */
export async function runSolutionCli<C, Info>(cli: SolutionCli<C, Info>, argv: string[]): Promise<void> {
  const args = parseCliArgs(argv);
  const target = args.positional[0];
  const overrides = args.overrides as Record<string, string | number | boolean>;
  const runsRoot = takeFlag(overrides, 'runs-dir') ?? process.env.REPRO_RUNS_DIR ?? (cli.runsDirEnv ? process.env[cli.runsDirEnv] : undefined) ?? 'runs';
  const members = takeFlag(overrides, 'members')?.split(',').map((m) => m.trim()).filter(Boolean);
  if (target === 'fold-worker' && cli.foldWorker) {
    const flags = Object.fromEntries(Object.keys(cli.foldWorker.flags).map((f) => [f, takeFlag(overrides, f) ?? '']));
    if (Object.values(flags).some((v) => !v) || ('fold' in flags && !Number.isInteger(Number(flags.fold)))) {
      throw new Error(`fold-worker: expected ${Object.entries(cli.foldWorker.flags).map(([f, v]) => `--${f} ${v}`).join(' ')}`);
    }
    await cli.foldWorker.run(flags, await cli.initBackend({ backend: args.backend, log: null }));
    return;
  }
  const names = [...Object.keys(cli.targets), ...Object.keys(cli.plainTargets ?? {})];
  if (target === undefined || !names.includes(target)) throw new Error(`${cli.name}: expected a target (${names.join(', ')}), got '${target ?? ''}'`);
  const flags = Object.fromEntries((cli.flags ?? []).map((f) => [f, takeFlag(overrides, f)]));
  const { config, configFile } = cli.resolveConfig(args, overrides);
  const plain = { config, configName: args.config, configFile, seed: args.seed ?? cli.defaultSeed ?? 42, runId: args.runId, fresh: args.fresh, runsRoot, backend: args.backend, cliPath: cli.cliPath, members, flags, argv };
  const run = cli.plainTargets?.[target];
  if (run) await run(plain);
  else await cli.targets[target]({ ...plain, backendInfo: await cli.initBackend({ backend: args.backend, log: null }) });
}

/**
 * Run a CLI's main and exit: 0 when it resolves, 1 with `<name>: <message>` on stderr when it throws.
 * While it runs, the process follows the ones that started it (nx, tsx, the parent of a fold
 * worker) and exits when they are gone; SIGINT/SIGTERM/SIGHUP end it through the same path as an
 * error. On failure the error is also written to the log.txt of the runs it worked in, and a run
 * folder it created that holds no result yet is removed.
 */
export function runCliMain(
  name: string,
  main: (argv: string[]) => Promise<void>,
  argv = process.argv.slice(2),
  options: { dataErrorPrefix?: string } = {},
): void {
  let failing = false;
  const say = (text: string) => {
    try {
      process.stderr.write(text);
    } catch {
      // stderr may be the closed pipe of a killed nx
    }
  };
  const fail = (err: unknown, code = 1) => {
    if (failing) return;
    failing = true;
    let removed: string[] = [];
    try {
      removed = failRuns(err);
    } catch {
      // reporting the original error matters more than the cleanup
    }
    if (err instanceof DataError) say(`${name}: ${options.dataErrorPrefix ?? ''}${err.message}\n`);
    else if (err instanceof ResourceError) say(`${name}: ${err.message}\n`);
    else if (err instanceof Error && err.name === 'Interrupted') say(`${name}: ${err.message}\n`);
    else say(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    if (removed.length) say(`${name}: removed ${removed.join(', ')} (created by this run, no results yet)\n`);
    process.exit(code);
  };
  const interrupted = (reason: string) => Object.assign(new Error(reason), { name: 'Interrupted' });
  watchMemory();
  followParent({ exit: () => fail(interrupted('stopped: the process that started it (nx, or the parent of this worker) is gone'), 1) });
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => fail(interrupted(`interrupted by ${signal}; run the same command again to resume`), code));
  }
  // A killed nx closes the pipe our output goes to: stop as if interrupted, not with an EPIPE stack.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'EIO') fail(interrupted('stopped: its output was closed (the process that started it is gone)'), 1);
      else throw err;
    });
  }
  main(argv).then(
    () => process.exit(0),
    (err) => fail(err),
  );
}
