// The configuration of one hms-efficientnet run: every field of configs/base.json, typed.
// configs/smoke.json, default.json and kaggle.json extend base and override a few fields.
import * as path from 'path';
import { DataError, solutionConfigResolver } from '@repro/io';
import { EFFICIENTNET_VARIANTS, type EfficientNetVariant } from '@repro/layers';

/** The three input modalities of the seed, in the order their tiles are placed left to right. */
export const MODALITIES = ['kaggle', 'eeg', 'wavelet'] as const;
export type Modality = (typeof MODALITIES)[number];

/** [useKaggleSpectrograms, useEegSpectrograms, useWaveletSpectrograms], as the seed's table columns. */
export type Combination = [boolean, boolean, boolean];

export interface HmsEfficientnetConfig {
  /** `--max-steps N`: optimizer steps per training (member, fold, seed, stage), then a projection of the full recipe's time. Not in the config files. */
  maxSteps?: number;
  data: {
    /** HMS data folder in Kaggle's layout. --data-dir overrides. */
    dir: string;
    /** Use only the first N eeg_ids (ascending, as the seed's groupby); 0 = all. */
    maxEegs: number;
    /** The seed's "small dataset": N eeg_ids per expert_consensus class, sampled without replacement. */
    balanced: { enabled: boolean; perClass: number };
    /** Keep the computed input tiles in <runs>/hms-efficientnet/cache (keyed by data set and settings). */
    cache: boolean;
    /**
     * Data MiB per tile-cache shard (each modality's cache is .npy shards read row by row; Node
     * cannot hold Kaggle's ~9 GB of tiles per modality in one buffer). Operational: results do not depend on it.
     */
    cacheShardMiB: number;
  };
  inputs: {
    /** The seed's USE_KAGGLE_SPECTROGRAMS / USE_EEG_SPECTROGRAMS / USE_WAVELET_SPECTROGRAMS. */
    useKaggleSpectrograms: boolean;
    useEegSpectrograms: boolean;
    useWaveletSpectrograms: boolean;
    /** Every modality image is resized to tiles of this size (the seed: 128 x 256). */
    tileHeight: number;
    tileWidth: number;
    /** Frames cut from each side of the 300-frame (10-min) Kaggle window (the seed's img[:, 22:-22]). */
    kaggleCropFrames: number;
    /**
     * true: the kernel's `X[14:-14, :, k] = img[:, 22:-22] / 2.0`, the 100 frequency rows in the
     * middle 100 of 128 tile rows (scaled to tileHeight), halved, zero rows around. false: the
     * 100 rows resized to the whole tile (not in the seed; the configs before this option).
     */
    kagglePad: boolean;
    /** Seconds of raw EEG (the middle of the file) for the EEG and wavelet spectrograms (the seed: 50). */
    eegSeconds: number;
    /**
     * EEG spectrogram per chain: librosa-style mel (the kernel's spectrogram_from_eeg: n_fft, win_length,
     * n_mels, fmax, hop = samples // frames) or Kaggle-style STFT (hmsSpectrogram). `logStandardize`:
     * the write-up's log_and_Standarize applied to the chain image (its code does so before the resize).
     */
    eegSpectrogram: { method: 'mel' | 'stft'; frames: number; nMels: number; nfft: number; winLength: number; fmax: number; logStandardize: boolean };
    /** The write-up's wavelet features: wavedec(wavelet, level) of each Kaggle spectrogram column, mean and std per level. */
    wavelet: { wavelet: 'db1'; level: number };
    /** 3: the image in three identical channels (the kernel's torch.cat([x, x, x]), the RGB stem); 1: once. */
    imageChannels: 1 | 3;
    /**
     * Add a second input channel holding each pixel's row position (-1 at the top, 1 at the
     * bottom). Not in the seed: a CNN with global pooling learns *which frequency* from padding
     * cues only, which ImageNet weights and 17k EEGs make up for and a from-scratch CPU model on
     * a few hundred EEGs does not.
     */
    positionChannel: boolean;
    /** Probability of flipping each tile along time in training (the seed's horizontal flip); 0 = off. */
    hflip: number;
  };
  model: {
    variant: EfficientNetVariant;
    /** Extra width multiplier on top of the variant's (1 = the real B0/B4). */
    widthScale: number;
    dropRate: number;
    dropConnectRate: number;
    /** BatchNormalization momentum, Keras convention (tf_efficientnet_b0: 0.99; PyTorch's default 0.1 = 0.9 here). */
    bnMomentum: number;
    /** Local TF.js/Keras weight file (model.json) of the variant; '' = random init. Never downloaded. */
    weights: string;
    /**
     * Start the classifier at the training rows' mean vote distribution: kernel 0, bias log(prior),
     * so the first predictions are the train-mean baseline and training moves away from it only
     * where the images say so (not in the seed, whose head starts random; it has ImageNet weights
     * and 17k EEGs to make up for it).
     */
    priorHead: boolean;
    /**
     * 'avg': the seed's global average pooling. 'width': average over time only, keeping the
     * frequency rows of the merged image for the classifier (a from-scratch CNN otherwise has to
     * recover the frequency position from padding cues; see the README).
     */
    pooling: 'avg' | 'width';
  };
  train: {
    /** GroupKFold splits by patient_id (the seed: 5). */
    folds: number;
    foldsToTrain: number;
    epochs: number;
    batchSize: number;
    /** Rows per forward/backward pass; gradients averaged over batchSize / microBatchSize passes. */
    microBatchSize: number;
    predictBatchSize: number;
    /** OneCycleLR(max_lr, pct_start, div_factor, final_div_factor, anneal 'cos'), stepped per batch. */
    maxLr: number;
    pctStart: number;
    divFactor: number;
    finalDivFactor: number;
    /** AdamW weight decay (decoupled, PyTorch semantics). */
    weightDecay: number;
    /** Gradient-norm clipping (the seed's MAX_GRAD_NORM). */
    clipNorm: number;
    /** Shuffle the training rows every epoch (the kernel's and the write-up's code: DataLoader(shuffle=False)). */
    shuffle: boolean;
    /** Drop the last incomplete batch of every epoch (the kernel's DataLoader(drop_last=True)). */
    dropLast: boolean;
    /** Fold worker processes (wasm computes on one thread; 2 workers use 2 cores). */
    workers: number;
    /**
     * Each training step shows an EEG at one of its train.csv label windows drawn at random (that
     * row's 10-min spectrogram window and 50-s EEG window), with the eeg_id's grouped target;
     * validation, OOF and the baseline stay on the grouped window. Not in the seed's notebook (one
     * window per eeg_id): on a few hundred EEGs the from-scratch CNN memorises the fixed images.
     */
    randomWindows: boolean;
    /**
     * Stage 2: continue from the stage-1 best weights on eeg_ids whose every row has >= minVotes votes.
     * Our reading of "two stages" (the write-up shows only the OneCycle LR picture): an option, off in kaggle.
     */
    twoStage: { enabled: boolean; minVotes: number; epochs: number; maxLr: number };
  };
  experiment: {
    /** The seed's grid: these combinations x these variants. */
    combinations: Combination[];
    variants: EfficientNetVariant[];
    folds: number;
    epochs: number;
    /** > 0: each grid run uses the seed's balanced subset with this many train.csv rows per class. */
    balancedPerClass: number;
    workers: number;
  };
  ensemble: {
    /** Run ids of this solution to blend; empty = every finished run. */
    runs: string[];
    /** Also blend hms-wavenet runs (runs/hms-wavenet/<id>/oof.npy, oof_eeg_ids.npy, submission.csv). */
    includeWavenet: boolean;
  };
}

function fail(file: string, what: string): never {
  throw new DataError(file, what);
}

const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isPos = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

export function enabledModalities(i: HmsEfficientnetConfig['inputs']): Modality[] {
  const on = [i.useKaggleSpectrograms, i.useEegSpectrograms, i.useWaveletSpectrograms];
  return MODALITIES.filter((_, k) => on[k]);
}

/** Check the fields whose mistakes would only surface deep inside training. */
export function validateConfig(c: HmsEfficientnetConfig, file: string): HmsEfficientnetConfig {
  if (c.maxSteps !== undefined && !(Number.isInteger(c.maxSteps) && c.maxSteps >= 1)) fail(file, `maxSteps must be an integer >= 1, got ${c.maxSteps}`);
  const { inputs: i, model: m, train: t, experiment: e } = c;
  if (!isInt(c.data.maxEegs)) fail(file, `data.maxEegs must be an integer >= 0, got ${c.data.maxEegs}`);
  if (c.data.balanced.enabled && !isInt(c.data.balanced.perClass, 1)) fail(file, `data.balanced.perClass must be an integer >= 1, got ${c.data.balanced.perClass}`);
  if (enabledModalities(i).length === 0) fail(file, 'inputs: at least one of useKaggleSpectrograms, useEegSpectrograms, useWaveletSpectrograms must be true');
  if (!isInt(i.tileHeight, 8) || !isInt(i.tileWidth, 8)) fail(file, `inputs.tileHeight/tileWidth must be integers >= 8, got ${i.tileHeight} x ${i.tileWidth}`);
  // At most 1 GiB (no larger single allocation in the data path), at least one item's tiles (4 tileHeight x tileWidth float32).
  const rowMiB = (4 * i.tileHeight * i.tileWidth * 4) / 2 ** 20;
  if (typeof c.data.cacheShardMiB !== 'number' || !(c.data.cacheShardMiB >= rowMiB && c.data.cacheShardMiB <= 1024)) {
    fail(file, `data.cacheShardMiB must be a number from ${rowMiB} (one item's tiles: 4 x inputs.tileHeight x inputs.tileWidth float32) to 1024, got ${c.data.cacheShardMiB}`);
  }
  if (!isInt(i.kaggleCropFrames) || i.kaggleCropFrames * 2 >= 300) fail(file, `inputs.kaggleCropFrames must be an integer in 0..149, got ${i.kaggleCropFrames}`);
  if (!isPos(i.eegSeconds) || i.eegSeconds * 200 < 1024) fail(file, `inputs.eegSeconds must be >= 5.12 (1024 samples), got ${i.eegSeconds}`);
  if (!['mel', 'stft'].includes(i.eegSpectrogram.method)) fail(file, `inputs.eegSpectrogram.method must be 'mel' or 'stft', got '${i.eegSpectrogram.method}'`);
  if (!isInt(i.eegSpectrogram.frames, 2) || !isInt(i.eegSpectrogram.nMels, 2) || !isInt(i.eegSpectrogram.nfft, 16)) fail(file, 'inputs.eegSpectrogram.frames, nMels, nfft must be integers >= 2');
  if (!isInt(i.eegSpectrogram.winLength, 1) || i.eegSpectrogram.winLength > i.eegSpectrogram.nfft) fail(file, `inputs.eegSpectrogram.winLength must be an integer in 1..nfft (${i.eegSpectrogram.nfft}), got ${i.eegSpectrogram.winLength}`);
  if (typeof i.eegSpectrogram.logStandardize !== 'boolean') fail(file, `inputs.eegSpectrogram.logStandardize must be true or false, got ${i.eegSpectrogram.logStandardize}`);
  if (typeof i.kagglePad !== 'boolean') fail(file, `inputs.kagglePad must be true or false, got ${i.kagglePad}`);
  if (i.imageChannels !== 1 && i.imageChannels !== 3) fail(file, `inputs.imageChannels must be 1 or 3, got ${i.imageChannels}`);
  if (!(i.eegSpectrogram.fmax > 0 && i.eegSpectrogram.fmax <= 100)) fail(file, `inputs.eegSpectrogram.fmax must be in (0, 100] Hz, got ${i.eegSpectrogram.fmax}`);
  if (i.wavelet.wavelet !== 'db1') fail(file, `inputs.wavelet.wavelet: the seed uses 'db1', got '${i.wavelet.wavelet}'`);
  if (!isInt(i.wavelet.level, 1)) fail(file, `inputs.wavelet.level must be an integer >= 1, got ${i.wavelet.level}`);
  if (typeof i.positionChannel !== 'boolean') fail(file, `inputs.positionChannel must be true or false, got ${i.positionChannel}`);
  if (!(i.hflip >= 0 && i.hflip <= 1)) fail(file, `inputs.hflip must be a probability in [0, 1], got ${i.hflip}`);
  if (!EFFICIENTNET_VARIANTS.includes(m.variant)) fail(file, `model.variant must be one of ${EFFICIENTNET_VARIANTS.join(', ')}, got '${m.variant}'`);
  if (!isPos(m.widthScale)) fail(file, `model.widthScale must be > 0, got ${m.widthScale}`);
  if (!(m.dropRate >= 0 && m.dropRate < 1) || !(m.dropConnectRate >= 0 && m.dropConnectRate < 1)) fail(file, 'model.dropRate and dropConnectRate must be in [0, 1)');
  if (!(m.bnMomentum >= 0 && m.bnMomentum < 1)) fail(file, `model.bnMomentum must be in [0, 1), got ${m.bnMomentum}`);
  if (m.pooling !== 'avg' && m.pooling !== 'width') fail(file, `model.pooling must be 'avg' or 'width', got ${m.pooling}`);
  if (typeof m.priorHead !== 'boolean') fail(file, `model.priorHead must be true or false, got ${m.priorHead}`);
  if (typeof m.weights !== 'string') fail(file, 'model.weights must be a path (or "" for random initialisation)');
  if (!isInt(t.folds, 2)) fail(file, `train.folds must be an integer >= 2, got ${t.folds}`);
  if (!isInt(t.foldsToTrain, 1) || t.foldsToTrain > t.folds) fail(file, `train.foldsToTrain must be in 1..train.folds (${t.folds}), got ${t.foldsToTrain}`);
  if (!isInt(t.epochs, 1)) fail(file, `train.epochs must be an integer >= 1, got ${t.epochs}`);
  if (!isInt(t.batchSize, 1) || !isInt(t.microBatchSize, 1) || t.batchSize % t.microBatchSize !== 0) {
    fail(file, `train.microBatchSize (${t.microBatchSize}) must divide train.batchSize (${t.batchSize})`);
  }
  if (!isInt(t.predictBatchSize, 1)) fail(file, `train.predictBatchSize must be an integer >= 1, got ${t.predictBatchSize}`);
  if (!isPos(t.maxLr) || !(t.pctStart > 0 && t.pctStart < 1) || !isPos(t.divFactor) || !isPos(t.finalDivFactor)) fail(file, 'train.maxLr, divFactor, finalDivFactor must be > 0 and pctStart in (0, 1)');
  if (!(t.weightDecay >= 0) || !isPos(t.clipNorm)) fail(file, 'train.weightDecay must be >= 0 and train.clipNorm > 0');
  if (typeof t.shuffle !== 'boolean' || typeof t.dropLast !== 'boolean') fail(file, `train.shuffle and train.dropLast must be true or false, got ${t.shuffle}, ${t.dropLast}`);
  if (typeof t.randomWindows !== 'boolean') fail(file, `train.randomWindows must be true or false, got ${t.randomWindows}`);
  if (!isInt(t.workers, 1)) fail(file, `train.workers must be an integer >= 1, got ${t.workers}`);
  if (t.twoStage.enabled && (!isInt(t.twoStage.epochs, 1) || !isPos(t.twoStage.maxLr))) fail(file, 'train.twoStage.epochs must be >= 1 and maxLr > 0');
  if (!Array.isArray(e.combinations) || e.combinations.length === 0) fail(file, 'experiment.combinations must list [kaggle, eeg, wavelet] switches');
  e.combinations.forEach((k, j) => {
    if (!Array.isArray(k) || k.length !== 3 || !k.every((v) => typeof v === 'boolean') || !k.some(Boolean)) {
      fail(file, `experiment.combinations[${j}] must be three booleans with at least one true, got ${JSON.stringify(k)}`);
    }
  });
  if (!Array.isArray(e.variants) || e.variants.length === 0 || !e.variants.every((v) => EFFICIENTNET_VARIANTS.includes(v))) fail(file, `experiment.variants must list variants of ${EFFICIENTNET_VARIANTS.join(', ')}`);
  if (!isInt(e.balancedPerClass)) fail(file, `experiment.balancedPerClass must be an integer >= 0, got ${e.balancedPerClass}`);
  if (!isInt(e.folds, 2) || !isInt(e.epochs, 1) || !isInt(e.workers, 1)) fail(file, 'experiment.folds >= 2, experiment.epochs >= 1 and experiment.workers >= 1 (integers)');
  return c;
}

/** The config a command runs with: configs/<--config>.json through its `extends`, the overrides, --data-dir, validated. */
export const resolveConfig = solutionConfigResolver<HmsEfficientnetConfig>(path.resolve(__dirname, '..'), validateConfig);
