// Step 3 of the seed: the DataGenerator. For every EEG of a batch:
//
//   sample[:, 0] = Fp1 - T3;  sample[:, 1] = T3 - O1      (LL)
//   sample[:, 2] = Fp1 - C3;  sample[:, 3] = C3 - O1      (LP)
//   sample[:, 4] = Fp2 - C4;  sample[:, 5] = C4 - O2      (RP)
//   sample[:, 6] = Fp2 - T4;  sample[:, 7] = T4 - O2      (RR)
//   sample = np.clip(sample, -1024, 1024); sample = np.nan_to_num(sample, nan=0) / 32.0
//   sample = butter_lowpass_filter(sample)   # butter(4, 20 / 100, 'low'); lfilter(b, a, axis=0)
//   X[j] = sample  (float32);  batch X[:, ::5, :]  -> [B, 2000, 8]
//
// with the row order reshuffled at every epoch end for training (shuffle=True) and kept for
// validation and test; Keras' fit (shuffle=True by default) also visits a Sequence's batches in
// a random order every epoch. The transform has no randomness, so each EEG is transformed once and
// the batches are gathered from those arrays: the batches are the seed's.
import { bipolarMontage, butter, clip, downsample, lfilter } from '@repro/dsp';
import { normalizeHmsRows } from '@repro/io';
import { checkDeviceLimits, hashSeed, nextTurn, permutation, SeededRng, tf, type Batch, type IndexedBatchSource } from '@repro/layers';
import type { HmsWavenetConfig } from './config';
import { EEG_FEATURES, type EegWindows } from './eegCache';

/** The seed's 8 bipolar differences, in its order (pairs of the LL, LP, RP, RR chains). */
export const BIPOLAR_PAIRS = [
  ['Fp1', 'T3'],
  ['T3', 'O1'],
  ['Fp1', 'C3'],
  ['C3', 'O1'],
  ['Fp2', 'C4'],
  ['C4', 'O2'],
  ['Fp2', 'T4'],
  ['T4', 'O2'],
] as const;

export type SignalConfig = HmsWavenetConfig['signal'];

/** Time steps the model sees: ceil(windowRows / downsample) (numpy's [::5]). */
export function modelSteps(s: SignalConfig): number {
  return Math.ceil(s.windowRows / s.downsample);
}

/** A transform for one EEG: raw [windowRows, 8] (EEG_FEATURES order) -> [steps, 8] model input. */
export function makeTransform(s: SignalConfig): (raw: Float32Array) => Float32Array {
  // butter_lowpass_filter: normal_cutoff = cutoff / (0.5 fs); butter(order, normal_cutoff, 'low').
  const { b, a } = butter(s.filterOrder, s.lowpassHz / (0.5 * s.fs), { btype: 'low' });
  const nF = EEG_FEATURES.length;
  const steps = modelSteps(s);
  return (raw) => {
    const rows = raw.length / nF;
    if (rows !== s.windowRows) throw new RangeError(`transform: expected ${s.windowRows} x ${nF} values, got ${raw.length}`);
    const electrodes: Record<string, Float64Array> = {};
    EEG_FEATURES.forEach((name, j) => {
      const x = new Float64Array(rows);
      for (let t = 0; t < rows; t++) x[t] = raw[t * nF + j];
      electrodes[name] = x;
    });
    const diffs = bipolarMontage(electrodes, BIPOLAR_PAIRS);
    const out = new Float32Array(steps * BIPOLAR_PAIRS.length);
    BIPOLAR_PAIRS.forEach(([p, q], c) => {
      const clipped = clip(diffs[`${p}-${q}`], -s.clip, s.clip);
      for (let t = 0; t < rows; t++) clipped[t] = (Number.isNaN(clipped[t]) ? 0 : clipped[t]) / s.scale;
      const filtered = lfilter(b, a, clipped);
      const kept = downsample(filtered, s.downsample);
      for (let t = 0; t < steps; t++) out[t * BIPOLAR_PAIRS.length + c] = kept[t];
    });
    return out;
  };
}

/** Transform every EEG of `raw` ([n, windowRows, 8]) into one [n, steps, 8] array. */
export function transformAll(raw: Float32Array, n: number, s: SignalConfig): Float32Array {
  const transform = makeTransform(s);
  const inSize = s.windowRows * EEG_FEATURES.length;
  const outSize = modelSteps(s) * BIPOLAR_PAIRS.length;
  const out = new Float32Array(n * outSize);
  for (let i = 0; i < n; i++) out.set(transform(raw.subarray(i * inSize, (i + 1) * inSize)), i * outSize);
  return out;
}

/** The model input of each EEG, [steps, 8], by row. */
export interface ModelInputs {
  n: number;
  steps: number;
  /** Row i's input (the caller must not modify it). */
  row(i: number): Float32Array;
  /** True when rows are transformed as they are asked for (from the cache store), not held. */
  perRow: boolean;
}

/** Inputs held in one [n, steps, 8] array. */
export function inputsInMemory(x: Float32Array, n: number, steps: number): ModelInputs {
  const size = steps * BIPOLAR_PAIRS.length;
  if (x.length !== n * size) throw new RangeError(`inputsInMemory: ${x.length} values are not ${n} rows of ${size}`);
  return { n, steps, perRow: false, row: (i) => x.subarray(i * size, (i + 1) * size) };
}

/** Largest array of all EEGs' inputs built from a cache store (the data path's 1 GiB allocation limit). */
export const MAX_INPUTS_BYTES = 2 ** 30;

/**
 * The generator's inputs for `windows`. Windows in memory (no cache): transformed once, as
 * before. Windows in a cache store: read one at a time and transformed once into one array when
 * all inputs fit in maxInputsBytes (the default data set: 300 x 2000 x 8 float32), else transformed
 * per row as a batch asks for it (Kaggle's 17,089 EEGs need 1.02 GiB; ~13 ms per EEG on 1 core).
 * The transform has no state or randomness, so all three give the same bits.
 */
export function modelInputs(windows: EegWindows, s: SignalConfig, maxInputsBytes = MAX_INPUTS_BYTES): ModelInputs {
  const steps = modelSteps(s);
  if (windows.data) return inputsInMemory(transformAll(windows.data, windows.n, s), windows.n, steps);
  const transform = makeTransform(s);
  const size = steps * BIPOLAR_PAIRS.length;
  if (windows.n * size * 4 <= maxInputsBytes) {
    const x = new Float32Array(windows.n * size);
    for (let i = 0; i < windows.n; i++) x.set(transform(windows.row(i)), i * size);
    return inputsInMemory(x, windows.n, steps);
  }
  return { n: windows.n, steps, perRow: true, row: (i) => transform(windows.row(i)) };
}

export interface EegBatchesOptions {
  /** The model inputs of all nAll rows. */
  x: ModelInputs;
  steps: number;
  /** nAll x 6 targets (optional for test). */
  y?: Float64Array | Float32Array;
  /** Rows of x/y this source draws from. */
  rows: ArrayLike<number>;
  /** EEGs per optimizer step (the seed's batch_size). */
  batchSize: number;
  /** EEGs per forward/backward pass; batchSize must be a multiple (the last batch may be short). */
  microBatchSize?: number;
  /** Reshuffle the rows every epoch (on_epoch_end with shuffle=True). */
  shuffle: boolean;
  seed?: number;
}

/**
 * The rows of each micro-batch of one epoch: batches of batchSize, each cut into micro-batches.
 * With shuffle, as the seed's `model.fit(train_gen)`: the generator's on_epoch_end reshuffles the
 * rows (batch k = rows k*batchSize.. of that order) and Keras' fit (shuffle=True by default) also
 * visits the batches of a Sequence in a random order, so the short last batch falls anywhere.
 * Exception: when a batch is cut into several micro-batches (microBatchSize < batchSize), the
 * batches keep their order and the short batch stays last: trainModel groups every
 * batchSize / microBatchSize micro-batches into one optimizer step by count, so a short batch
 * anywhere else would straddle two steps.
 */
export function epochMicroBatches(o: Pick<EegBatchesOptions, 'rows' | 'batchSize' | 'microBatchSize' | 'shuffle' | 'seed'>, epoch: number): Int32Array[] {
  const n = o.rows.length;
  const micro = o.microBatchSize ?? o.batchSize;
  const nBatches = Math.ceil(n / o.batchSize);
  const identity = (m: number) => Int32Array.from({ length: m }, (_, i) => i);
  const rng = o.shuffle ? new SeededRng(hashSeed(o.seed ?? 0, epoch)) : undefined;
  const order = rng ? permutation(n, rng) : identity(n);
  // The rows are already a uniform permutation, so permuting whole batches matters only for
  // where the short batch falls.
  const batchOrder = rng && micro >= o.batchSize ? permutation(nBatches, rng) : identity(nBatches);
  const out: Int32Array[] = [];
  for (const b of batchOrder) {
    const start = b * o.batchSize;
    const end = Math.min(n, start + o.batchSize);
    for (let m = start; m < end; m += micro) {
      out.push(Int32Array.from({ length: Math.min(end, m + micro) - m }, (_, k) => o.rows[order[m + k]]));
    }
  }
  return out;
}

/** Gather rows of x into a [rows.length, steps, 8] tensor. */
export function gatherInputs(x: ModelInputs, rows: ArrayLike<number>, steps: number): tf.Tensor3D {
  const size = steps * BIPOLAR_PAIRS.length;
  const buf = new Float32Array(rows.length * size);
  for (let k = 0; k < rows.length; k++) buf.set(x.row(rows[k]), k * size);
  return tf.tensor3d(buf, [rows.length, steps, BIPOLAR_PAIRS.length]);
}

/** The DataGenerator as a trainModel batch source (one batch = one micro-batch). */
export function eegBatches(o: EegBatchesOptions): IndexedBatchSource & { microBatches(epoch: number): Int32Array[] } {
  let cached: { epoch: number; list: Int32Array[] } | undefined;
  const list = (epoch: number) => {
    if (cached?.epoch !== epoch) cached = { epoch, list: epochMicroBatches(o, epoch) };
    return cached.list;
  };
  return {
    microBatches: list,
    numBatches: (epoch = 0) => list(epoch).length,
    batch(i: number, epoch: number): Batch {
      const rows = list(epoch)[i];
      const x = gatherInputs(o.x, rows, o.steps);
      const yData = new Float32Array(rows.length * 6);
      if (o.y) for (let k = 0; k < rows.length; k++) for (let c = 0; c < 6; c++) yData[k * 6 + c] = o.y[rows[k] * 6 + c];
      return { x, y: tf.tensor2d(yData, [rows.length, 6]) };
    },
  };
}

/**
 * model.predict over `rows` in chunks of `batchSize` EEGs; rows renormalised to sum to 1 in
 * float64 (softmax in float32 can be 1e-7 off) so the scorer and the submission check accept them.
 */
export async function predictRows(model: tf.LayersModel, x: ModelInputs, rows: ArrayLike<number>, steps: number, batchSize: number): Promise<Float32Array> {
  const out = new Float32Array(rows.length * 6);
  checkDeviceLimits(model, Math.min(batchSize, rows.length), 'predicting');
  for (let start = 0; start < rows.length; start += batchSize) {
    await nextTurn(); // a signal is handled between batches, not after the whole prediction
    const chunk = Array.from({ length: Math.min(rows.length, start + batchSize) - start }, (_, k) => rows[start + k]);
    const input = gatherInputs(x, chunk, steps);
    const pred = tf.tidy(() => model.predict(input, { batchSize: chunk.length }) as tf.Tensor);
    out.set((await pred.data()) as Float32Array, start * 6);
    tf.dispose([input, pred]);
  }
  return normalizeHmsRows(out);
}
