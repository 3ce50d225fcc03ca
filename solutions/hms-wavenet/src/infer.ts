// Step 7 of the seed: read test.csv and its EEG parquets (eeg_from_parquet on test_eegs/),
// run the same generator (mode='test'), predict with every fold's model, average the folds
// (np.mean(preds, axis=0)) and write submission.csv: eeg_id + the six *_vote columns, whose rows
// must sum to 1 (the seed prints row 0's sum; writeHmsSubmission checks every row).
import * as path from 'path';
import { modelDirHandler, openHmsInferRun, writeHmsFoldMean } from '@repro/io';
import { tf, type BackendInfo } from '@repro/layers';
import type { HmsWavenetConfig } from './config';
import { loadEegs } from './eegCache';
import { modelInputs, predictRows } from './generator';
import { cacheDirFor, cacheShardBytes, SOLUTION } from './train';

export interface InferContext {
  config: HmsWavenetConfig;
  configName: string;
  seed: number;
  runId?: string;
  runsRoot: string;
  backendInfo: BackendInfo;
}

/** `nx run hms-wavenet:infer`: the fold models of run `<config>-seed<seed>` (or --run-id) on test.csv. */
export async function infer(ctx: InferContext): Promise<{ submission: string; probs: Float32Array; eegIds: Float64Array }> {
  // The sections a trained model depends on: the run's must match what infer would feed it.
  const sections = { names: 'signal/model', of: (c: HmsWavenetConfig) => ({ signal: c.signal, model: c.model }) };
  const r = await openHmsInferRun({ ...ctx, solution: SOLUTION, sections, intro: [ctx.backendInfo.summary] });
  const { run, stored, log, folds, test } = r;
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
  return writeHmsFoldMean(r, sum, ({ nTest, probs, submission }) => `Submission shape (${nTest}, 7) -> ${submission}; row 0 sums to ${probs.slice(0, 6).reduce((a, b) => a + b, 0)}`);
}
