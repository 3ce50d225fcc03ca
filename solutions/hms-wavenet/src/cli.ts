// Entry point for `nx run hms-wavenet:<train|infer|ensemble>`:
//
//   tsx solutions/hms-wavenet/src/cli.ts <target> [--config default] [--backend auto] [--seed 42]
//       [--run-id ID] [--data-dir data/hms] [--runs-dir runs] [--train.epochs 3 ...dotted overrides]
//
// --runs-dir (or REPRO_RUNS_DIR) moves the runs root (default `runs`): run folders go to
// <runs-dir>/hms-wavenet/<run-id>, the EEG cache to <runs-dir>/hms-wavenet/cache.
// --members a,b (ensemble): blend exactly these runs, each of which must have its predictions.
import { runCliMain, runSolutionCli } from '@repro/io';
import { initBackend } from '@repro/layers';
import { resolveConfig } from './config';
import { ensemble } from './ensemble';
import { infer } from './infer';
import { foldWorker, train } from './train';

export function main(argv: string[]): Promise<void> {
  return runSolutionCli(
    {
      name: 'hms-wavenet',
      cliPath: __filename,
      resolveConfig,
      initBackend,
      targets: { train, infer, ensemble },
      // Internal: one fold of a run, started by `train` when train.workers > 1.
      foldWorker: { flags: { 'run-dir': 'DIR', fold: 'K' }, run: (f, info) => foldWorker(f['run-dir'], Number(f.fold), info) },
    },
    argv,
  );
}

// Bad input (DataError) prints one line naming the file and the problem; anything else its stack.
if (require.main === module) runCliMain('hms-wavenet', main);
