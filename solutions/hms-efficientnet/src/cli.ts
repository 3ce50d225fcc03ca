// Entry point for `nx run hms-efficientnet:<train|infer|ensemble|experiment>`:
//
//   tsx solutions/hms-efficientnet/src/cli.ts <target> [--config default] [--backend auto] [--seed 42]
//       [--run-id ID] [--data-dir data/hms] [--runs-dir runs] [--train.epochs 3 ...dotted overrides]
//
// --runs-dir (or REPRO_RUNS_DIR) moves the runs root (default `runs`): run folders go to
// <runs-dir>/hms-efficientnet/<run-id>, the input-tile cache to <runs-dir>/hms-efficientnet/cache.
import * as path from 'path';
import { loadSolutionConfig, parseCliArgs, runCliMain, takeFlag, type CliArgs } from '@repro/io';
import { initBackend } from '@repro/layers';
import { validateConfig, type HmsEfficientnetConfig } from './config';
import { ensemble } from './ensemble';
import { experiment } from './experiment';
import { infer } from './infer';
import { foldWorker, train } from './train';

const SOLUTION_DIR = path.resolve(__dirname, '..');
const TARGETS = ['train', 'infer', 'ensemble', 'experiment'] as const;
const DEFAULT_SEED = 42;

/** The config a command runs with: configs/<--config>.json through its `extends`, the overrides, --data-dir, validated. */
export function resolveConfig(args: CliArgs, overrides: Record<string, string | number | boolean> = args.overrides as Record<string, string | number | boolean>): { config: HmsEfficientnetConfig; configFile: string } {
  return loadSolutionConfig<HmsEfficientnetConfig>(SOLUTION_DIR, args, overrides, validateConfig);
}

export async function main(argv: string[]): Promise<void> {
  const args = parseCliArgs(argv);
  const target = args.positional[0];
  const overrides = args.overrides as Record<string, string | number | boolean>;
  const runsRoot = takeFlag(overrides, 'runs-dir') ?? process.env.REPRO_RUNS_DIR ?? 'runs';
  // --members a,b (ensemble): blend exactly these runs, each of which must have its predictions.
  const members = takeFlag(overrides, 'members')?.split(',').map((m) => m.trim()).filter(Boolean);

  if (target === 'fold-worker') {
    // Internal: one fold of a run, started by `train` / `experiment` when workers > 1.
    const runDir = takeFlag(overrides, 'run-dir');
    const cacheDir = takeFlag(overrides, 'cache-dir');
    const fold = Number(takeFlag(overrides, 'fold'));
    if (!runDir || !cacheDir || !Number.isInteger(fold)) throw new Error('fold-worker: expected --run-dir DIR --fold K --cache-dir DIR');
    const info = await initBackend({ backend: args.backend, log: null });
    await foldWorker(runDir, fold, cacheDir, info);
    return;
  }
  if (!TARGETS.includes(target as (typeof TARGETS)[number])) {
    throw new Error(`hms-efficientnet: expected a target (${TARGETS.join(', ')}), got '${target ?? ''}'`);
  }
  const { config, configFile } = resolveConfig(args, overrides);
  const seed = args.seed ?? DEFAULT_SEED;
  const backendInfo = await initBackend({ backend: args.backend, log: null });
  const ctx = { config, configName: args.config, configFile, seed, runId: args.runId, fresh: args.fresh, runsRoot, backend: args.backend, backendInfo, cliPath: __filename };

  if (target === 'train') await train(ctx);
  else if (target === 'infer') await infer(ctx);
  else if (target === 'experiment') await experiment(ctx);
  else await ensemble({ config, runsRoot, members });
}

// Bad input (DataError) prints one line naming the file and the problem; anything else its stack.
if (require.main === module) runCliMain('hms-efficientnet', main);
