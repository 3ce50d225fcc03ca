// The head and tail every solution CLI shares: the config file named by --config with its dotted
// overrides and --data-dir, checked by the solution's own validator; and the exit, where a
// DataError (bad input) is one line naming the file and anything else keeps its stack.
import * as path from 'path';
import { loadConfig, type BackendChoice, type CliArgs, type OverrideValue } from './cliArgs';
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
