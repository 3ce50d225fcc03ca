// Step 7 of the seed: read test.csv and its EEG parquets (eeg_from_parquet on test_eegs/),
// run the same generator (mode='test'), predict with every fold's model, average the folds
// (np.mean(preds, axis=0)) and write submission.csv: eeg_id + the six *_vote columns, whose rows
// must sum to 1 (the seed prints row 0's sum; writeHmsSubmission checks every row).
import * as fs from 'fs';
import * as path from 'path';
import { DataError, hmsSubmissionOrder, modelDirHandler, checkTrainedOn, openRun, readHmsSampleSubmission, readHmsTest, saveNpy, takeRowsInOrder, writeHmsSubmission } from '@repro/io';
import { tf, type BackendInfo } from '@repro/layers';
import type { HmsWavenetConfig } from './config';
import { loadEegs } from './eegCache';
import { modelInputs, normalizeRows, predictRows } from './generator';
import { cacheDirFor, cacheShardBytes, SOLUTION } from './train';

export interface InferContext {
  config: HmsWavenetConfig;
  configName: string;
  seed: number;
  runId?: string;
  runsRoot: string;
  backendInfo: BackendInfo;
}

/** Sections a trained model depends on: the run's must match what infer would feed it. */
function modelSections(c: HmsWavenetConfig): unknown {
  return { signal: c.signal, model: c.model };
}

/** `nx run hms-wavenet:infer`: the fold models of run `<config>-seed<seed>` (or --run-id) on test.csv. */
export async function infer(ctx: InferContext): Promise<{ submission: string; probs: Float32Array; eegIds: Float64Array }> {
  const runDir = path.join(ctx.runsRoot, SOLUTION, ctx.runId ?? `${ctx.configName}-seed${ctx.seed}`);
  if (!fs.existsSync(path.join(runDir, 'config.json'))) {
    throw new DataError(runDir, `no trained run here (no config.json); run 'nx run hms-wavenet:train' with the same --config/--seed/--run-id first`);
  }
  const run = openRun(runDir);
  // A new test set is fine; other training data than the run was trained on is not.
  checkTrainedOn(run, ctx.config.data.dir);
  const stored = run.config as HmsWavenetConfig;
  if (JSON.stringify(modelSections(stored)) !== JSON.stringify(modelSections(ctx.config))) {
    throw new DataError(
      path.join(runDir, 'config.json'),
      `the run was trained with other signal/model settings than config '${ctx.configName}' now gives; pass the run's own --config and overrides, or --run-id`,
    );
  }
  const log = (l: string) => run.log(l);
  log(`hms-wavenet infer: run ${run.dir}, test data ${ctx.config.data.dir}`);
  log(ctx.backendInfo.summary);
  const folds: string[] = [];
  for (let k = 0; k < stored.train.folds; k++) {
    const dir = path.join(run.dir, `fold_${k}`, 'model');
    if (fs.existsSync(path.join(dir, 'model.json'))) folds.push(dir);
  }
  if (folds.length === 0) throw new DataError(run.dir, 'no fold models (fold_k/model/model.json); the training did not finish a fold');
  if (folds.length < stored.train.foldsToTrain) log(`warning: only ${folds.length} of ${stored.train.foldsToTrain} fold models exist; averaging those`);

  const test = await readHmsTest(ctx.config.data.dir);
  // Kaggle scores by sample_submission.csv's eeg_ids, in its order: checked before any EEG is read.
  const sample = await readHmsSampleSubmission(ctx.config.data.dir);
  const order = hmsSubmissionOrder(test, sample);
  const s = stored.signal;
  log(`Test shape: ${test.nRows} rows; reading the middle ${s.windowRows} rows of each test EEG`);
  const raw = await loadEegs(ctx.config.data.dir, 'test', test.eegId, s.windowRows, {
    cacheDir: ctx.config.data.cacheEegs ? cacheDirFor(ctx.runsRoot) : undefined,
    maxShardBytes: cacheShardBytes(ctx.config),
    log,
  });
  const x = modelInputs(raw, s);
  const steps = x.steps;
  const rows = Int32Array.from({ length: test.nRows }, (_, i) => i);
  const sum = new Float64Array(test.nRows * 6);
  for (const dir of folds) {
    const model = await tf.loadLayersModel(modelDirHandler(dir));
    const p = await predictRows(model, x, rows, steps, stored.train.predictBatchSize);
    model.dispose();
    for (let i = 0; i < p.length; i++) sum[i] += p[i];
    log(`  ${path.relative(run.dir, dir)}: predicted ${test.nRows} test EEGs`);
  }
  raw.close();
  // Rows in sample_submission.csv's order from here on (test_pred.npy and test_eeg_ids.npy too).
  const probs = takeRowsInOrder(normalizeRows(Float32Array.from(sum, (v) => v / folds.length)), 6, order);
  const eegIds = sample.eegId;
  const submission = run.path('submission.csv');
  await writeHmsSubmission(submission, eegIds, probs, { sample });
  saveNpy(run.path('test_pred.npy'), probs, [test.nRows, 6]);
  saveNpy(run.path('test_eeg_ids.npy'), eegIds);
  const row0 = probs.slice(0, 6).reduce((a, b) => a + b, 0);
  log(`Submission shape (${test.nRows}, 7) -> ${submission}; row 0 sums to ${row0}`);
  run.writeMetrics({ infer: { nTest: test.nRows, foldModels: folds.length, submission: path.basename(submission) } });
  return { submission, probs, eegIds };
}
