// Entry point for `nx run ion-switching:<train|infer|ensemble>`:
//
//   tsx solutions/ion-switching/src/cli.ts <target> [--config default] [--backend auto] [--seed 42]
//       [--run-id ID] [--data-dir data/ion-switching] [--runs-dir runs] [--train.epochs 3 ...dotted overrides]
//
// --runs-dir (or REPRO_RUNS_DIR) moves the runs root (default `runs`): run folders go to
// <runs-dir>/ion-switching/<run-id>, the ensemble to <runs-dir>/ion-switching/ensemble.
// --members a,b: only these members (infer: of the run; ensemble: '<member>' or '<runId>/<member>'), each required.
import * as path from 'path';
import { runCliMain, runSolutionCli, solutionConfigResolver } from '@repro/io';
import { initBackend } from '@repro/layers';
import { validateConfig, type IonSwitchingConfig } from './config';
import { ensemble } from './ensemble';
import { infer } from './infer';
import { foldWorker, train } from './train';

export function main(argv: string[]): Promise<void> {
  return runSolutionCli(
    {
      name: 'ion-switching',
      cliPath: __filename,
      resolveConfig: solutionConfigResolver<IonSwitchingConfig>(path.resolve(__dirname, '..'), validateConfig),
      initBackend,
      targets: { train, infer },
      // Blending and the threshold search are plain arrays: no tensor backend needed.
      plainTargets: { ensemble },
      // Internal: one (member, fold) job of a run, started by `train` when train.workers > 1.
      foldWorker: { flags: { 'run-dir': 'DIR', member: 'M', fold: 'K' }, run: (f, info) => foldWorker(f['run-dir'], f.member, Number(f.fold), info) },
    },
    argv,
  );
}

// Bad input (DataError) prints one line naming the file, row and column; anything else its stack.
if (require.main === module) runCliMain('ion-switching', main);
