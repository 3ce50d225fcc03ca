// The infer step both HMS solutions share around their own predictions: the trained run
// (`<runsRoot>/<solution>/<config>-seed<seed>` or --run-id) checked against the config infer is
// given, its fold models, test.csv against sample_submission.csv (checked before any EEG is
// read), and the mean of the fold models written as submission.csv in the sample's order.
import * as fs from 'fs';
import * as path from 'path';
import { DataError } from '../errors';
import { saveNpy } from '../npy';
import { checkTrainedOn, openRun, type Run } from '../runDir';
import { hmsSubmissionOrder, readHmsSampleSubmission, readHmsTest, writeHmsSubmission, type HmsSampleSubmission, type HmsTest } from './hmsFiles';
import { takeRowsInOrder } from './submissionChecks';

/** Rows of a row-major n x 6 array of vote probabilities scaled to sum to 1, in place. */
export function normalizeHmsRows(p: Float32Array): Float32Array {
  for (let i = 0; i < p.length; i += 6) {
    let s = 0;
    for (let k = 0; k < 6; k++) s += p[i + k];
    for (let k = 0; k < 6; k++) p[i + k] /= s;
  }
  return p;
}

/** What infer needs of a solution's config. */
export interface HmsInferConfig {
  data: { dir: string };
  train: { folds: number; foldsToTrain: number };
}

export interface HmsInferRun<C extends HmsInferConfig> {
  run: Run;
  /** The config the run was trained with. */
  stored: C;
  log: (line: string) => void;
  /** fold_k/model folders that hold a model.json. */
  folds: string[];
  test: HmsTest;
  sample: HmsSampleSubmission;
  /** Test rows in the sample's order (null: already in it). */
  order: Int32Array | null;
}

/**
 * Open the run `infer` reads and check it: trained (config.json), on this training data, with the
 * model sections (`sections.of`, named `sections.names` in the error) the config gives now; then
 * its fold models and the test ids. `intro` lines are logged after the first.
 */
export async function openHmsInferRun<C extends HmsInferConfig>(a: {
  solution: string;
  runsRoot: string;
  runId?: string;
  configName: string;
  seed: number;
  config: C;
  sections: { names: string; of: (c: C) => unknown };
  intro?: string[];
}): Promise<HmsInferRun<C>> {
  const runDir = path.join(a.runsRoot, a.solution, a.runId ?? `${a.configName}-seed${a.seed}`);
  if (!fs.existsSync(path.join(runDir, 'config.json'))) {
    throw new DataError(runDir, `no trained run here (no config.json); run 'nx run ${a.solution}:train' with the same --config/--seed/--run-id first`);
  }
  const run = openRun(runDir);
  // A new test set is fine; other training data than the run was trained on is not.
  checkTrainedOn(run, a.config.data.dir);
  const stored = run.config as C;
  if (JSON.stringify(a.sections.of(stored)) !== JSON.stringify(a.sections.of(a.config))) {
    throw new DataError(
      path.join(runDir, 'config.json'),
      `the run was trained with other ${a.sections.names} settings than config '${a.configName}' now gives; pass the run's own --config and overrides, or --run-id`,
    );
  }
  const log = (l: string) => run.log(l);
  log(`${a.solution} infer: run ${run.dir}, test data ${a.config.data.dir}`);
  for (const l of a.intro ?? []) log(l);
  const folds: string[] = [];
  for (let k = 0; k < stored.train.folds; k++) {
    const dir = path.join(run.dir, `fold_${k}`, 'model');
    if (fs.existsSync(path.join(dir, 'model.json'))) folds.push(dir);
  }
  if (folds.length === 0) throw new DataError(run.dir, 'no fold models (fold_k/model/model.json); the training did not finish a fold');
  if (folds.length < stored.train.foldsToTrain) log(`warning: only ${folds.length} of ${stored.train.foldsToTrain} fold models exist; averaging those`);

  const test = await readHmsTest(a.config.data.dir);
  // Kaggle scores by sample_submission.csv's eeg_ids, in its order: checked before any EEG is read.
  const sample = await readHmsSampleSubmission(a.config.data.dir);
  const order = hmsSubmissionOrder(test, sample);
  return { run, stored, log, folds, test, sample, order };
}

/**
 * The fold models' mean (`sum` of their test predictions, in test.csv's order) as submission.csv,
 * test_pred.npy and test_eeg_ids.npy in the sample's order; `say` gives the log line.
 */
export async function writeHmsFoldMean(
  r: HmsInferRun<HmsInferConfig>,
  sum: Float64Array,
  say: (a: { nTest: number; probs: Float32Array; submission: string }) => string,
): Promise<{ submission: string; probs: Float32Array; eegIds: Float64Array }> {
  const { run, test, sample, folds } = r;
  // Rows in sample_submission.csv's order from here on (test_pred.npy and test_eeg_ids.npy too).
  const probs = takeRowsInOrder(normalizeHmsRows(Float32Array.from(sum, (v) => v / folds.length)), 6, r.order);
  const eegIds = sample.eegId;
  const submission = run.path('submission.csv');
  await writeHmsSubmission(submission, eegIds, probs, { sample });
  saveNpy(run.path('test_pred.npy'), probs, [test.nRows, 6]);
  saveNpy(run.path('test_eeg_ids.npy'), eegIds);
  r.log(say({ nTest: test.nRows, probs, submission }));
  run.writeMetrics({ infer: { nTest: test.nRows, foldModels: folds.length, submission: path.basename(submission) } });
  return { submission, probs, eegIds };
}
