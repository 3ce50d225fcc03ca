// Entry point for `nx run ion-switching:<train|infer|ensemble>`:
//
//   tsx solutions/ion-switching/src/cli.ts <target> [--config default] [--backend auto] [--seed 42]
//       [--run-id ID] [--data-dir data/ion-switching] [--runs-dir runs] [--train.epochs 3 ...dotted overrides]
//
// --runs-dir (or REPRO_RUNS_DIR) moves the runs root (default `runs`): run folders go to
// <runs-dir>/ion-switching/<run-id>, the ensemble to <runs-dir>/ion-switching/ensemble.
import * as path from 'path';
import { loadSolutionConfig, parseCliArgs, runCliMain, takeFlag } from '@repro/io';
import { initBackend } from '@repro/layers';
import { validateConfig, type IonSwitchingConfig } from './config';
import { ensemble } from './ensemble';
import { infer } from './infer';
import { foldWorker, train } from './train';

const SOLUTION_DIR = path.resolve(__dirname, '..');
const TARGETS = ['train', 'infer', 'ensemble'] as const;
const DEFAULT_SEED = 42;

export async function main(argv: string[]): Promise<void> {
  const args = parseCliArgs(argv);
  const target = args.positional[0];
  const overrides = args.overrides as Record<string, string | number | boolean>;
  const runsRoot = takeFlag(overrides, 'runs-dir') ?? process.env.REPRO_RUNS_DIR ?? 'runs';
  // --members a,b: only these members (infer: of the run; ensemble: '<member>' or '<runId>/<member>'), each required.
  const members = takeFlag(overrides, 'members')?.split(',').map((m) => m.trim()).filter(Boolean);
  if (target === 'fold-worker') {
    // Internal: one (member, fold) job of a run, started by `train` when train.workers > 1.
    const runDir = takeFlag(overrides, 'run-dir');
    const member = takeFlag(overrides, 'member');
    const fold = Number(takeFlag(overrides, 'fold'));
    if (!runDir || !member || !Number.isInteger(fold)) throw new Error('fold-worker: expected --run-dir DIR --member M --fold K');
    const info = await initBackend({ backend: args.backend, log: null });
    await foldWorker(runDir, member, fold, info);
    return;
  }
  if (!TARGETS.includes(target as (typeof TARGETS)[number])) {
    throw new Error(`ion-switching: expected a target (${TARGETS.join(', ')}), got '${target ?? ''}'`);
  }
  const { config, configFile } = loadSolutionConfig<IonSwitchingConfig>(SOLUTION_DIR, args, overrides, validateConfig);
  const seed = args.seed ?? DEFAULT_SEED;
  if (target === 'ensemble') {
    // Blending and the threshold search are plain arrays: no tensor backend needed.
    await ensemble({ config, runsRoot, members });
    return;
  }
  const backendInfo = await initBackend({ backend: args.backend, log: null });
  if (target === 'train') {
    await train({ config, configName: args.config, seed, runId: args.runId, fresh: args.fresh, runsRoot, backendInfo, backend: args.backend, cliPath: __filename });
  } else {
    await infer({ config, configName: args.config, seed, runId: args.runId, runsRoot, backendInfo, members });
  }
}

// Bad input (DataError) prints one line naming the file, row and column; anything else its stack.
if (require.main === module) runCliMain('ion-switching', main);
