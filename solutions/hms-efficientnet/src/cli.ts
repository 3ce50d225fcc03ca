// Entry point for `nx run hms-efficientnet:<train|infer|ensemble|experiment>`:
//
//   tsx solutions/hms-efficientnet/src/cli.ts <target> [--config default] [--backend auto] [--seed 42]
//       [--run-id ID] [--data-dir data/hms] [--runs-dir runs] [--train.epochs 3 ...dotted overrides]
//
// --runs-dir (or REPRO_RUNS_DIR) moves the runs root (default `runs`): run folders go to
// <runs-dir>/hms-efficientnet/<run-id>, the input-tile cache to <runs-dir>/hms-efficientnet/cache.
// --members a,b (ensemble): blend exactly these runs, each of which must have its predictions.
import { runCliMain, runSolutionCli } from '@repro/io';
import { initBackend } from '@repro/layers';
import { resolveConfig } from './config';
import { ensemble } from './ensemble';
import { experiment } from './experiment';
import { infer } from './infer';
import { foldWorker, train } from './train';

export function main(argv: string[]): Promise<void> {
  return runSolutionCli(
    {
      name: 'hms-efficientnet',
      cliPath: __filename,
      resolveConfig,
      initBackend,
      targets: { train, infer, ensemble, experiment },
      // Internal: one fold of a run, started by `train` / `experiment` when workers > 1.
      foldWorker: { flags: { 'run-dir': 'DIR', fold: 'K', 'cache-dir': 'DIR' }, run: (f, info) => foldWorker(f['run-dir'], Number(f.fold), f['cache-dir'], info) },
    },
    argv,
  );
}

// Bad input (DataError) prints one line naming the file and the problem; anything else its stack.
if (require.main === module) runCliMain('hms-efficientnet', main);
