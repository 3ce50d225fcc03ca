// The configuration of one hms-wavenet run: every field of configs/base.json, typed.
// configs/smoke.json, default.json and kaggle.json extend base and override a few fields.
import * as path from 'path';
import { DataError, solutionConfigResolver } from '@repro/io';

/** One wave block: [filters, kernelSize, number of dilations 1, 2, 4, ..., 2^(n-1)]. */
export type WaveBlockSpec = [filters: number, kernelSize: number, dilations: number];

export interface HmsWavenetConfig {
  /** `--max-steps N`: optimizer steps per training (member, fold, seed, stage), then a projection of the full recipe's time. Not in the config files. */
  maxSteps?: number;
  data: {
    /** HMS data folder in Kaggle's layout (train.csv, train_eegs/, test.csv, test_eegs/). --data-dir overrides. */
    dir: string;
    /** Use only the first N eeg_ids (sorted, as the seed's groupby); 0 = all. */
    maxEegs: number;
    /** The seed's CREATE_EEGS switch inverted: reuse the cached middle-50-s arrays when the data set is unchanged. */
    cacheEegs: boolean;
    /**
     * Data MiB per cache shard (the cache is .npy shards read row by row; Node cannot hold
     * Kaggle's ~5.5 GB of windows in one buffer). Operational: results do not depend on it.
     */
    cacheShardMiB: number;
  };
  signal: {
    /** Rows of the middle window read from each EEG parquet (the seed: 10,000 = 50 s at 200 Hz). */
    windowRows: number;
    /** Keep every n-th sample after filtering (the seed: 5 -> 2,000 steps). */
    downsample: number;
    /** Clip the bipolar differences to +-clip (the seed: 1024). */
    clip: number;
    /** Divide by this after clipping (the seed: 32). */
    scale: number;
    /** Butterworth low-pass: cutoff Hz, order, sampling rate (the seed: 20, 4, 200). */
    lowpassHz: number;
    filterOrder: number;
    fs: number;
  };
  model: {
    /** The shared feature extractor's wave blocks (the seed: [8,3,12],[16,3,8],[32,3,4],[64,3,1]). */
    blocks: WaveBlockSpec[];
    /** Units of the Dense relu layer after the chain concatenation (the seed: 64). */
    headUnits: number;
  };
  train: {
    /** GroupKFold splits by patient_id (the seed: 5). */
    folds: number;
    /** Folds to train (the seed's FOLDS_TO_TRAIN); the CV score covers those folds only. */
    foldsToTrain: number;
    epochs: number;
    /** Learning rate per epoch (the seed: [1e-3, 1e-3, 1e-4, 1e-4, 1e-5]); later epochs keep the last. */
    lrs: number[];
    /** EEGs per optimizer step (the seed: 32). */
    batchSize: number;
    /**
     * EEGs per forward/backward pass; gradients of batchSize / microBatchSize passes are averaged
     * before each step, so the effective batch stays batchSize where memory cannot hold it.
     */
    microBatchSize: number;
    /** EEGs per prediction pass (validation, OOF, test; the seed: 64). Predictions do not depend on it. */
    predictBatchSize: number;
    /**
     * Processes training folds in parallel (1 = in this process). wasm computes on one thread, so
     * 2 workers use both cores of a 2-core machine; each worker holds its own copy of the data.
     */
    workers: number;
    /** Compute the validation loss after every epoch (the seed passes validation_data to fit). */
    validateEachEpoch: boolean;
    /** Optional extra from the top solutions: fine-tune on EEGs whose every train.csv row has >= minVotes votes. */
    twoStage: {
      enabled: boolean;
      minVotes: number;
      epochs: number;
      lrs: number[];
    };
  };
  ensemble: {
    /** Run ids of this solution to blend; empty = every run whose OOF matches the data. */
    runs: string[];
    /** Also blend hms-efficientnet's runs when their oof.npy covers the same eeg_ids. */
    includeEfficientnet: boolean;
  };
}

function fail(file: string, what: string): never {
  throw new DataError(file, what);
}

const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isPos = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** Check the fields whose mistakes would only surface deep inside training. */
export function validateConfig(c: HmsWavenetConfig, file: string): HmsWavenetConfig {
  if (c.maxSteps !== undefined && !(Number.isInteger(c.maxSteps) && c.maxSteps >= 1)) fail(file, `maxSteps must be an integer >= 1, got ${c.maxSteps}`);
  const { signal: s, model: m, train: t } = c;
  if (!isInt(c.data.maxEegs)) fail(file, `data.maxEegs must be an integer >= 0, got ${c.data.maxEegs}`);
  if (!isInt(s.windowRows, 1)) fail(file, `signal.windowRows must be an integer >= 1, got ${s.windowRows}`);
  // At most 1 GiB (no larger single allocation in the data path), at least one EEG window (windowRows x 8 float32).
  const rowMiB = (s.windowRows * 8 * 4) / 2 ** 20;
  if (typeof c.data.cacheShardMiB !== 'number' || !(c.data.cacheShardMiB >= rowMiB && c.data.cacheShardMiB <= 1024)) {
    fail(file, `data.cacheShardMiB must be a number from ${rowMiB} (one window of signal.windowRows x 8 float32) to 1024, got ${c.data.cacheShardMiB}`);
  }
  if (!isInt(s.downsample, 1)) fail(file, `signal.downsample must be an integer >= 1, got ${s.downsample}`);
  if (!isPos(s.clip) || !isPos(s.scale) || !isPos(s.fs)) fail(file, 'signal.clip, signal.scale and signal.fs must be > 0');
  if (!(s.lowpassHz > 0 && s.lowpassHz < s.fs / 2)) fail(file, `signal.lowpassHz must be in (0, fs/2 = ${s.fs / 2}), got ${s.lowpassHz}`);
  if (!isInt(s.filterOrder, 1)) fail(file, `signal.filterOrder must be an integer >= 1, got ${s.filterOrder}`);
  if (!Array.isArray(m.blocks) || m.blocks.length === 0) fail(file, 'model.blocks must list at least one [filters, kernelSize, dilations] block');
  m.blocks.forEach((b, i) => {
    if (!Array.isArray(b) || b.length !== 3 || !b.every((v) => isInt(v, 1))) {
      fail(file, `model.blocks[${i}] must be [filters, kernelSize, dilations] (integers >= 1), got ${JSON.stringify(b)}`);
    }
  });
  if (!isInt(m.headUnits, 1)) fail(file, `model.headUnits must be an integer >= 1, got ${m.headUnits}`);
  if (!isInt(t.folds, 2)) fail(file, `train.folds must be an integer >= 2, got ${t.folds}`);
  if (!isInt(t.foldsToTrain, 1) || t.foldsToTrain > t.folds) fail(file, `train.foldsToTrain must be in 1..train.folds (${t.folds}), got ${t.foldsToTrain}`);
  if (!isInt(t.epochs, 1)) fail(file, `train.epochs must be an integer >= 1, got ${t.epochs}`);
  if (!Array.isArray(t.lrs) || t.lrs.length === 0 || !t.lrs.every((v) => typeof v === 'number' && v >= 0)) fail(file, 'train.lrs must be a non-empty list of learning rates');
  if (!isInt(t.batchSize, 1) || !isInt(t.microBatchSize, 1) || t.batchSize % t.microBatchSize !== 0) {
    fail(file, `train.microBatchSize (${t.microBatchSize}) must divide train.batchSize (${t.batchSize}) so every step averages equal micro-batches`);
  }
  if (!isInt(t.predictBatchSize, 1)) fail(file, `train.predictBatchSize must be an integer >= 1, got ${t.predictBatchSize}`);
  if (!isInt(t.workers, 1)) fail(file, `train.workers must be an integer >= 1, got ${t.workers}`);
  if (t.twoStage.enabled) {
    if (!isInt(t.twoStage.epochs, 1)) fail(file, `train.twoStage.epochs must be an integer >= 1, got ${t.twoStage.epochs}`);
    if (!Array.isArray(t.twoStage.lrs) || t.twoStage.lrs.length === 0) fail(file, 'train.twoStage.lrs must be a non-empty list of learning rates');
  }
  return c;
}

/**
 * configs/<--config>.json resolved as every target sees it: `extends` chain, dotted overrides,
 * --data-dir, validated (recipe.test.ts holds the `kaggle` config to the write-up through this).
 */
export const resolveConfig = solutionConfigResolver<HmsWavenetConfig>(path.resolve(__dirname, '..'), validateConfig);
