// The head and tail every solution CLI shares: the config file named by --config with its dotted
// overrides and --data-dir, checked by the solution's own validator; and the exit, where a
// DataError (bad input) is one line naming the file and anything else keeps its stack.
import * as path from 'path';
import { loadConfig, type CliArgs, type OverrideValue } from './cliArgs';
import { DataError } from './errors';

/** `<solutionDir>/configs/<--config>.json` with overrides and --data-dir applied, then validated. */
export function loadSolutionConfig<T extends { data: { dir: string } }>(
  solutionDir: string,
  args: CliArgs,
  overrides: Record<string, OverrideValue>,
  validate: (config: T, file: string) => T,
): { config: T; configFile: string } {
  const configFile = path.join(solutionDir, 'configs', `${args.config}.json`);
  const config = loadConfig<T>(solutionDir, args.config, overrides);
  if (args.dataDir) config.data.dir = args.dataDir;
  return { config: validate(config, configFile), configFile };
}

/** Run a CLI's main and exit: 0 when it resolves, 1 with `<name>: <message>` on stderr when it throws. */
export function runCliMain(name: string, main: (argv: string[]) => Promise<void>, argv = process.argv.slice(2)): void {
  main(argv).then(
    () => process.exit(0),
    (err) => {
      if (err instanceof DataError) process.stderr.write(`${name}: ${err.message}\n`);
      else process.stderr.write(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
