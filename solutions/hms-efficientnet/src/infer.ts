// The seed's inference: test.csv's spectrograms (10 min from row 0) and EEGs through the same
// tiles, every fold model's softmax averaged, submission.csv = eeg_id + the 6 *_vote
// probabilities (rows sum to 1; writeHmsSubmission checks every row).
import * as fs from 'fs';
import * as path from 'path';
import { DataError, hmsSubmissionOrder, modelDirHandler, checkTrainedOn, openRun, readHmsSampleSubmission, readHmsTest, saveNpy, takeRowsInOrder, writeHmsSubmission } from '@repro/io';
import { tf } from '@repro/layers';
import { enabledModalities, type HmsEfficientnetConfig } from './config';
import { buildModalities, cacheShardBytes, inputImages } from './features';
import { normalizeRows } from './model';
import { StepTimer } from './timing';
import { cacheDirFor, predictImages, SOLUTION, type TrainContext } from './train';

/** Sections a trained model depends on: the run's must match what infer would feed it. */
function modelSections(c: HmsEfficientnetConfig): unknown {
  return { inputs: c.inputs, model: c.model };
}

/** `nx run hms-efficientnet:infer`: the fold models of run `<config>-seed<seed>` (or --run-id) on test.csv. */
export async function infer(ctx: TrainContext): Promise<{ submission: string; probs: Float32Array; eegIds: Float64Array }> {
  const runDir = path.join(ctx.runsRoot, SOLUTION, ctx.runId ?? `${ctx.configName}-seed${ctx.seed}`);
  if (!fs.existsSync(path.join(runDir, 'config.json'))) {
    throw new DataError(runDir, `no trained run here (no config.json); run 'nx run hms-efficientnet:train' with the same --config/--seed/--run-id first`);
  }
  const run = openRun(runDir);
  // A new test set is fine; other training data than the run was trained on is not.
  checkTrainedOn(run, ctx.config.data.dir);
  const stored = run.config as HmsEfficientnetConfig;
  if (JSON.stringify(modelSections(stored)) !== JSON.stringify(modelSections(ctx.config))) {
    throw new DataError(path.join(runDir, 'config.json'), `the run was trained with other inputs/model settings than config '${ctx.configName}' gives now; pass the run's own --config and overrides, or --run-id`);
  }
  const log = (l: string) => run.log(l);
  const timer = new StepTimer(log, run.path('timings.json'));
  log(`hms-efficientnet infer: run ${run.dir}, test data ${ctx.config.data.dir}`);
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
  const items = Array.from({ length: test.nRows }, (_, i) => ({ eegId: test.eegId[i], spectrogramId: test.spectrogramId[i], specRow: 0 }));
  const use = enabledModalities(stored.inputs);
  const mods = await buildModalities(ctx.config.data.dir, 'test', items, use, stored.inputs, {
    cacheDir: ctx.config.data.cache ? cacheDirFor(ctx.runsRoot) : undefined,
    maxShardBytes: cacheShardBytes(ctx.config.data),
    log,
    time: (name, fn) => timer.time(name, fn),
  });
  // In memory up to 1 GiB of merged inputs, else merged per batch from the tile stores.
  const images = inputImages(mods, use, test.nRows, stored.inputs);
  if (images.perBatch) log(`  test input images merged per batch from the tile stores`);
  const rows = Int32Array.from({ length: test.nRows }, (_, i) => i);
  const sum = new Float64Array(test.nRows * 6);
  await timer.time('predict_test', async () => {
    for (const dir of folds) {
      const model = await tf.loadLayersModel(modelDirHandler(dir));
      const p = await predictImages(model, images, rows, stored.train.predictBatchSize);
      model.dispose();
      for (let i = 0; i < p.length; i++) sum[i] += p[i];
      log(`  ${path.relative(run.dir, dir)}: predicted ${test.nRows} test EEGs`);
    }
  });
  images.close();
  // Rows in sample_submission.csv's order from here on (test_pred.npy and test_eeg_ids.npy too).
  const probs = takeRowsInOrder(normalizeRows(Float32Array.from(sum, (v) => v / folds.length)), 6, order);
  const eegIds = sample.eegId;
  const submission = run.path('submission.csv');
  await writeHmsSubmission(submission, eegIds, probs, { sample });
  saveNpy(run.path('test_pred.npy'), probs, [test.nRows, 6]);
  saveNpy(run.path('test_eeg_ids.npy'), eegIds);
  log(`Submission (${test.nRows} rows, eeg_id + 6 vote probabilities, mean of ${folds.length} fold models) -> ${submission}`);
  run.writeMetrics({ infer: { nTest: test.nRows, foldModels: folds.length, submission: path.basename(submission) } });
  return { submission, probs, eegIds };
}
