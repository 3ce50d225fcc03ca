// The configuration of one ion-switching run: every field of configs/base.json, typed.
// configs/smoke.json, default.json and kaggle.json extend base and override a few fields.
import { DataError } from '@repro/io';
import { resolveWidths, type CnnGruTransformerWaveWidths } from './model';

/** One ensemble member: the seed's CnnGRUTransformerWave builder with its own widths. */
export interface MemberConfig {
  /** Width knobs of buildCnnGruTransformerWave (missing keys take the seed's value). */
  widths: Partial<CnnGruTransformerWaveWidths>;
  /** Dropout after the GRUs, the attention pooling and before the last Dense (seed: 0.2). */
  dropout: number;
}

export interface IonSwitchingConfig {
  /** `--max-steps N`: optimizer steps per training (member, fold, seed, stage), then a projection of the full recipe's time. Not in the config files. */
  maxSteps?: number;
  data: {
    /** Folder with train.csv, test.csv, sample_submission.csv (Kaggle's layout). --data-dir overrides. */
    dir: string;
  };
  clean: {
    /** Fit and remove the half-sine drifts (train batches 7..10, test rows 1.0M..1.5M) and the linear ones. */
    removeDrift: boolean;
    /**
     * Subtract the drifts' known shapes (kaggle-facts: half-sine amplitude 5, linear rise 0.3 over
     * its window) instead of least-squares fits; fits scatter by ~0.1 on short batches.
     */
    knownDrift: { enabled: boolean; halfSineAmplitude: number; linearRise: number };
    /** Test chunks (0-based) that carry a linear drift (the community's drift analysis of the real test). */
    testLinearDriftChunks: number[];
    /**
     * `segments`: the known shapes on the known segments (above; the seed's cleaned data).
     * `windows` (ours, issue 19): every batch and chunk, any smooth drift, estimated by moving
     * averages over `driftWindow` (a fraction of a train batch) -- see src/drift.ts.
     */
    driftMethod: 'segments' | 'windows';
    driftWindow: number;
    /** Subtract the per-batch cycle-averaged 50 Hz waveform (period in rows: 200 at 10 kHz). */
    removeMains: boolean;
    mainsPeriod: number;
    /** Per-group affine map of the signal onto the open_channels scale, fitted on train. */
    normalise: boolean;
    /** Leave the outlier windows out of the fits, the forest and NN training (they are still predicted). */
    excludeOutliers: boolean;
  };
  features: {
    /** Lags/leads of the clean signal (seed: [-3, 3]). */
    lags: number[];
    /** Append signal^2 (seed: sig*sig). */
    signalSquared: boolean;
    /**
     * z-score the clean signal with the train rows' mean and standard deviation before the lags and
     * signal^2 are taken (test with the same), as the public Keras WaveNet kernels' `normalize(train,
     * test)` that the seed's code comes from: the write-up's "applied normalization". The forest
     * sees the unscaled signal (its quantile bins make it indifferent to an increasing affine map).
     */
    normaliseSignal: boolean;
    /**
     * Scale every model input column (lags, signal^2 and the 11 forest probabilities) to zero mean
     * and unit variance with the train rows' statistics (test uses the same). Not in the write-up
     * (ours: it also rescales the forest probabilities); off in base/kaggle. Unscaled, the lags sit on the 0..10 channel scale, signal^2 reaches 100
     * and the rare levels' probabilities barely leave 0, and the short default training leaned on
     * the signal: z-scoring everything lifted cgtw's fold-1 macro F1 from 0.901 to 0.927, z-scoring
     * only the signal columns to 0.902 (default data, seed 42).
     */
    standardise: boolean;
    rfc: {
      /** Append random-forest class probabilities (seed: RFC proba on a (-20, 20) window). */
      enabled: boolean;
      /** Half-width of the window of lags/leads the forest sees (20 -> 41 columns). */
      window: number;
      /** Folds of the out-of-fold probabilities (the same sequence groups as the NN). */
      folds: number;
      nEstimators: number;
      maxDepth: number;
      maxFeatures: number;
      /** Fraction of the training rows drawn per tree. */
      maxSamples: number;
      minSamplesLeaf: number;
      /** Worker threads growing trees. */
      nJobs: number;
      /**
       * One forest per channel-count group instead of one for all rows: the histogram forest bins
       * each feature by quantiles of its training rows, and over all rows the rare high levels
       * (8..10 open channels, < 3 % of rows) get too few bins to be told apart.
       */
      perGroup: boolean;
    };
    /**
     * Extra (not in the write-up): a Gaussian hidden Markov model per channel-count group, fitted by
     * Baum-Welch on the cleaned train signal (hidden states = open-channel counts of the group, full
     * transition matrix), decoding every row's posterior over the 11 counts (src/hmm.ts; cached in
     * `<run>/hmm/`). Unsupervised, so its train posteriors need no folds.
     */
    hmm: {
      /** Fit the HMMs and compute the posteriors (needed by asInput and ensemble.hmm). */
      enabled: boolean;
      /** Append the 11 posteriors to the model inputs (as the forest probabilities). */
      asInput: boolean;
      /** Most Baum-Welch iterations per group. */
      iterations: number;
      /** Free emission mean per state instead of slope * k + intercept. */
      perStateMeans: boolean;
      /**
       * Hidden gating states per open-channel count (1: the counts are the states). With g > 1 each
       * count has g states (all emitting that count's level) started with different dwell times, so
       * the chain can learn kinetics whose count process is not Markov (a slow and a fast closed
       * state, inactivation); the posteriors are summed over each count's states.
       */
      statesPerCount: number;
    };
  };
  sequence: {
    /** Samples per sequence (the public kernel's GROUP_BATCH_SIZE 4000; the write-up's code takes it as shape_[0]). Must divide the train batch length. */
    length: number;
    /** Sub-sequences the GRU branch folds into the batch (seed: 8). */
    fold: number;
  };
  train: {
    /** GroupKFold splits over sequence groups (the write-up's "GKF"; 5 = the public kernel's SPLITS). */
    folds: number;
    epochs: number;
    /** Sequences per step (the public kernel's NNBATCHSIZE 16; the write-up does not state it). */
    batchSize: number;
    predictBatchSize: number;
    /** Adam learning rate (the public kernel's LR 0.0015; the write-up does not state it). */
    lr: number;
    /**
     * The dynamic schedule: lr / divisors[i] once the epoch passes boundaries[i-1] (fractions of
     * the epochs; the public kernel's lr_schedule at 110 epochs: 30, 40, ..., 90 -> lr/3, lr/5, ..., lr/13, lr/100;
     * the write-up says only "dynamic learning rate scheduling").
     */
    lrBoundaries: number[];
    lrDivisors: number[];
    /**
     * SWA around Adam: average every `everySteps` optimizer steps after `startFraction` of the steps.
     * `apply`: write the average into the model at the end (with the BatchNormalization refresh);
     * false keeps the raw weights, as the seed's `tfa.optimizers.SWA(opt)` without
     * `assign_average_vars` predicts (the averaging then has no effect on the result).
     */
    swa: { enabled: boolean; everySteps: number; startFraction: number; apply: boolean };
    /**
     * Which epoch's weights a fold keeps: 'best-f1' the epoch with the highest validation macro F1
     * (the write-up's "best choose: f1 score"; needs validateEachEpoch), 'last' the last epoch's.
     * Not with an applied SWA average (that replaces the weights).
     */
    checkpoint: 'last' | 'best-f1';
    /**
     * 'none', 'balanced' (n / (k * count_k)), 'sqrt-balanced' (its square root) or 11 explicit
     * weights (the seed: sample weights "not working" on its full-length training).
     */
    classWeights: 'none' | 'balanced' | 'sqrt-balanced' | number[];
    /** Macro F1 and accuracy on the validation fold after every epoch (the public kernel's MacroF1 callback; the write-up's metric: accuracy). */
    validateEachEpoch: boolean;
    /** Members trained by `train` (keys of `members`), in order; the first is "the model". */
    members: string[];
    /**
     * Processes training (member, fold) jobs in parallel (1: all in this process). The wasm
     * backend computes on one thread, so 2 use both cores of a 2-core machine; each worker
     * holds its own copy of the features (~40 MB at the default scale).
     */
    workers: number;
  };
  members: Record<string, MemberConfig>;
  ensemble: {
    /** Run ids to blend; empty = every run of the solution with OOF and test predictions. */
    runs: string[];
    /** Coordinate-search sweeps over the ten thresholds on the blended expected value. */
    thresholdSweeps: number;
    /**
     * Blend each run's random-forest OOF / test probabilities (rfc/) as one more member. The
     * forest is a model of its own, out of fold like the networks and different in kind (a
     * +-20-row window, no sequence context), which is what a blend profits from.
     */
    forest: boolean;
    /**
     * Rounds of tuning the blend weights and the chosen rule together on the OOF macro F1 (weights
     * moved with the rule fixed, then the rule re-searched); 0 keeps the separately tuned ones.
     */
    jointRounds: number;
    /** Blend each run's HMM posteriors (hmm/, with features.hmm.enabled) as one more member. */
    hmm: boolean;
    /**
     * After the final choice, a decision rule per channel-count group (its own thresholds or class
     * scales, groupRules.ts), kept only where the OOF macro F1 over all rows rises.
     */
    perGroupRules: boolean;
  };
}

function fail(file: string, what: string): never {
  throw new DataError(file, what);
}

const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isPos = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** Check the fields whose mistakes would only surface deep inside a run. */
export function validateConfig(c: IonSwitchingConfig, file: string): IonSwitchingConfig {
  if (c.maxSteps !== undefined && !(Number.isInteger(c.maxSteps) && c.maxSteps >= 1)) fail(file, `maxSteps must be an integer >= 1, got ${c.maxSteps}`);
  const { clean, features: f, sequence: s, train: t } = c;
  if (!isInt(clean.mainsPeriod, 2)) fail(file, `clean.mainsPeriod must be an integer >= 2, got ${clean.mainsPeriod}`);
  if (clean.driftMethod !== 'segments' && clean.driftMethod !== 'windows') fail(file, `clean.driftMethod must be 'segments' or 'windows', got '${String(clean.driftMethod)}'`);
  if (!(typeof clean.driftWindow === 'number' && clean.driftWindow > 0 && clean.driftWindow <= 1)) fail(file, `clean.driftWindow must be a fraction of a train batch in (0, 1], got ${clean.driftWindow}`);
  if (!Array.isArray(clean.testLinearDriftChunks) || !clean.testLinearDriftChunks.every((k) => isInt(k) && k < 12)) {
    fail(file, 'clean.testLinearDriftChunks must list test chunk indices 0..11');
  }
  if (!Array.isArray(f.lags) || f.lags.length === 0 || !f.lags.every((k) => Number.isInteger(k))) fail(file, 'features.lags must list integer shifts');
  if (!f.lags.includes(0)) fail(file, 'features.lags must include 0 (the signal itself)');
  const r = f.rfc;
  if (!isInt(r.window, 0)) fail(file, `features.rfc.window must be an integer >= 0, got ${r.window}`);
  if (!isInt(r.folds, 2)) fail(file, `features.rfc.folds must be an integer >= 2, got ${r.folds}`);
  if (!isInt(r.nEstimators, 1) || !isInt(r.maxDepth, 1) || !isInt(r.maxFeatures, 1) || !isInt(r.minSamplesLeaf, 1) || !isInt(r.nJobs, 1)) {
    fail(file, 'features.rfc.nEstimators, maxDepth, maxFeatures, minSamplesLeaf and nJobs must be integers >= 1');
  }
  if (!(r.maxSamples > 0 && r.maxSamples <= 1)) fail(file, `features.rfc.maxSamples must be a fraction in (0, 1], got ${r.maxSamples}`);
  const hm = f.hmm;
  if (!hm || typeof hm.enabled !== 'boolean' || typeof hm.asInput !== 'boolean' || typeof hm.perStateMeans !== 'boolean') fail(file, 'features.hmm needs enabled, asInput and perStateMeans (true or false)');
  if (!isInt(hm.iterations, 1)) fail(file, `features.hmm.iterations must be an integer >= 1, got ${hm.iterations}`);
  if (!isInt(hm.statesPerCount, 1) || hm.statesPerCount > 4) fail(file, `features.hmm.statesPerCount must be an integer from 1 to 4 (the 10-channel group has 11 x that many states), got ${hm.statesPerCount}`);
  if (hm.asInput && !hm.enabled) fail(file, 'features.hmm.asInput needs features.hmm.enabled true');
  if (hm.enabled && !clean.normalise) fail(file, 'features.hmm needs clean.normalise true (the HMM starts from the signal on the 0..10 open-channel scale)');
  if (!isInt(s.length, 1) || !isInt(s.fold, 1) || s.length % s.fold !== 0) fail(file, `sequence.length (${s.length}) must be a positive multiple of sequence.fold (${s.fold})`);
  if (!isInt(t.folds, 2)) fail(file, `train.folds must be an integer >= 2, got ${t.folds}`);
  if (!isInt(t.epochs, 1) || !isInt(t.batchSize, 1) || !isInt(t.predictBatchSize, 1)) fail(file, 'train.epochs, batchSize and predictBatchSize must be integers >= 1');
  if (!isPos(t.lr)) fail(file, `train.lr must be > 0, got ${t.lr}`);
  if (!Array.isArray(t.lrDivisors) || t.lrDivisors.length !== t.lrBoundaries.length + 1 || !t.lrDivisors.every(isPos)) {
    fail(file, `train.lrDivisors must hold one positive divisor more than train.lrBoundaries (${t.lrBoundaries.length})`);
  }
  if (!t.lrBoundaries.every((b, i) => b > 0 && b < 1 && (i === 0 || b > t.lrBoundaries[i - 1]))) fail(file, 'train.lrBoundaries must be increasing fractions in (0, 1)');
  if (!isInt(t.swa.everySteps, 1) || !(t.swa.startFraction >= 0 && t.swa.startFraction < 1)) fail(file, 'train.swa.everySteps must be >= 1 and train.swa.startFraction in [0, 1)');
  if (typeof t.swa.apply !== 'boolean') fail(file, `train.swa.apply must be true or false, got ${JSON.stringify(t.swa.apply)}`);
  if (t.checkpoint !== 'last' && t.checkpoint !== 'best-f1') fail(file, `train.checkpoint must be 'last' or 'best-f1', got ${JSON.stringify(t.checkpoint)}`);
  if (t.checkpoint === 'best-f1' && !t.validateEachEpoch) fail(file, "train.checkpoint 'best-f1' needs train.validateEachEpoch true (the F1 is measured on the validation fold after every epoch)");
  if (t.checkpoint === 'best-f1' && t.swa.enabled && t.swa.apply) fail(file, "train.checkpoint 'best-f1' cannot be used with an applied SWA average (train.swa.apply true replaces the weights); set one of them off");
  if (typeof f.normaliseSignal !== 'boolean') fail(file, `features.normaliseSignal must be true or false, got ${JSON.stringify(f.normaliseSignal)}`);
  if (Array.isArray(t.classWeights)) {
    if (t.classWeights.length !== 11 || !t.classWeights.every((w) => typeof w === 'number' && w >= 0)) fail(file, 'train.classWeights as a list needs 11 non-negative weights');
  } else if (!['none', 'balanced', 'sqrt-balanced'].includes(t.classWeights)) {
    fail(file, `train.classWeights must be 'none', 'balanced', 'sqrt-balanced' or 11 weights, got ${JSON.stringify(t.classWeights)}`);
  }
  if (!isInt(t.workers, 1)) fail(file, `train.workers must be an integer >= 1, got ${t.workers}`);
  if (!Array.isArray(t.members) || t.members.length === 0) fail(file, 'train.members must name at least one member of `members`');
  for (const name of t.members) {
    const m = c.members[name];
    if (!m) fail(file, `train.members names '${name}', which is not in members (${Object.keys(c.members).join(', ')})`);
    if (!/^[A-Za-z0-9_-]+$/.test(name)) fail(file, `member name '${name}' may hold only letters, digits, '_' and '-'`);
    try {
      resolveWidths(m.widths);
    } catch (err) {
      fail(file, `members.${name}.widths: ${(err as Error).message}`);
    }
    if (!(m.dropout >= 0 && m.dropout < 1)) fail(file, `members.${name}.dropout must be in [0, 1), got ${m.dropout}`);
  }
  if (!isInt(c.ensemble.thresholdSweeps, 0)) fail(file, `ensemble.thresholdSweeps must be an integer >= 0, got ${c.ensemble.thresholdSweeps}`);
  if (typeof c.ensemble.forest !== 'boolean') fail(file, `ensemble.forest must be true or false, got ${JSON.stringify(c.ensemble.forest)}`);
  if (typeof c.ensemble.hmm !== 'boolean') fail(file, `ensemble.hmm must be true or false, got ${JSON.stringify(c.ensemble.hmm)}`);
  if (typeof c.ensemble.perGroupRules !== 'boolean') fail(file, `ensemble.perGroupRules must be true or false, got ${JSON.stringify(c.ensemble.perGroupRules)}`);
  if (!isInt(c.ensemble.jointRounds, 0)) fail(file, `ensemble.jointRounds must be an integer >= 0, got ${c.ensemble.jointRounds}`);
  return c;
}

/** Number of model input features: lags, signal^2, 11 forest probabilities, 11 HMM posteriors. */
export function featureCount(c: IonSwitchingConfig): number {
  return c.features.lags.length + (c.features.signalSquared ? 1 : 0) + (c.features.rfc.enabled ? 11 : 0) + (c.features.hmm.asInput ? 11 : 0);
}
