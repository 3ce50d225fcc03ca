// Entry point for `nx run hms-wavenet:<train|infer|ensemble>`:
//
//   tsx solutions/hms-wavenet/src/cli.ts <target> [--config default] [--backend auto] [--seed 42]
//       [--run-id ID] [--data-dir data/hms] [--runs-dir runs] [--train.epochs 3 ...dotted overrides]
//
// --runs-dir (or REPRO_RUNS_DIR) moves the runs root (default `runs`): run folders go to
// <runs-dir>/hms-wavenet/<run-id>, the EEG cache to <runs-dir>/hms-wavenet/cache.
import * as path from 'path';
import { loadSolutionConfig, parseCliArgs, runCliMain, takeFlag, type CliArgs, type OverrideValue } from '@repro/io';
import { initBackend } from '@repro/layers';
import { validateConfig, type HmsWavenetConfig } from './config';
import { ensemble } from './ensemble';
import { infer } from './infer';
import { foldWorker, train } from './train';

const SOLUTION_DIR = path.resolve(__dirname, '..');
const TARGETS = ['train', 'infer', 'ensemble'] as const;
const DEFAULT_SEED = 42;

/**
 * configs/<--config>.json resolved as every target sees it: `extends` chain, dotted overrides,
 * --data-dir, validated (recipe.test.ts holds the `kaggle` config to the write-up through this).
 */
export function resolveConfig(args: CliArgs, overrides: Record<string, OverrideValue> = {}): { config: HmsWavenetConfig; configFile: string } {
  return loadSolutionConfig<HmsWavenetConfig>(SOLUTION_DIR, args, overrides, validateConfig);
}

export async function main(argv: string[]): Promise<void> {
  const args = parseCliArgs(argv);
  const target = args.positional[0];
  const overrides = args.overrides as Record<string, string | number | boolean>;
  const runsRoot = takeFlag(overrides, 'runs-dir') ?? process.env.REPRO_RUNS_DIR ?? 'runs';
  // --members a,b (ensemble): blend exactly these runs, each of which must have its predictions.
  const members = takeFlag(overrides, 'members')?.split(',').map((m) => m.trim()).filter(Boolean);

  if (target === 'fold-worker') {
    // Internal: one fold of a run, started by `train` when train.workers > 1.
    const runDir = takeFlag(overrides, 'run-dir');
    const fold = Number(takeFlag(overrides, 'fold'));
    if (!runDir || !Number.isInteger(fold)) throw new Error('fold-worker: expected --run-dir DIR --fold K');
    const info = await initBackend({ backend: args.backend, log: null });
    await foldWorker(runDir, fold, info);
    return;
  }
  if (!TARGETS.includes(target as (typeof TARGETS)[number])) {
    throw new Error(`hms-wavenet: expected a target (${TARGETS.join(', ')}), got '${target ?? ''}'`);
  }
  const { config, configFile } = resolveConfig(args, overrides);
  const seed = args.seed ?? DEFAULT_SEED;
  const backendInfo = await initBackend({ backend: args.backend, log: null });

  if (target === 'train') {
    await train({ config, configName: args.config, configFile, seed, runId: args.runId, fresh: args.fresh, runsRoot, backend: args.backend, backendInfo, cliPath: __filename });
  } else if (target === 'infer') {
    await infer({ config, configName: args.config, seed, runId: args.runId, runsRoot, backendInfo });
  } else {
    await ensemble({ config, runsRoot, members });
  }
}

// Bad input (DataError) prints one line naming the file and the problem; anything else its stack.
if (require.main === module) runCliMain('hms-wavenet', main);
