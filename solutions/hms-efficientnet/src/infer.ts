// The seed's inference: test.csv's spectrograms (10 min from row 0) and EEGs through the same
// tiles, every fold model's softmax averaged, submission.csv = eeg_id + the 6 *_vote
// probabilities (rows sum to 1; writeHmsSubmission checks every row).
import * as path from 'path';
import { modelDirHandler, openHmsInferRun, writeHmsFoldMean } from '@repro/io';
import { tf } from '@repro/layers';
import { enabledModalities, type HmsEfficientnetConfig } from './config';
import { buildModalities, cacheShardBytes, inputImages } from './features';
import { StepTimer } from './timing';
import { cacheDirFor, predictImages, SOLUTION, type TrainContext } from './train';

/** `nx run hms-efficientnet:infer`: the fold models of run `<config>-seed<seed>` (or --run-id) on test.csv. */
export async function infer(ctx: TrainContext): Promise<{ submission: string; probs: Float32Array; eegIds: Float64Array }> {
  // The sections a trained model depends on: the run's must match what infer would feed it.
  const sections = { names: 'inputs/model', of: (c: HmsEfficientnetConfig) => ({ inputs: c.inputs, model: c.model }) };
  const r = await openHmsInferRun({ ...ctx, solution: SOLUTION, sections });
  const { run, stored, log, folds, test } = r;
  const timer = new StepTimer(log, run.path('timings.json'));
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
  return writeHmsFoldMean(r, sum, ({ nTest, submission }) => `Submission (${nTest} rows, eeg_id + 6 vote probabilities, mean of ${folds.length} fold models) -> ${submission}`);
}
