/** Synthetic classification problems for forest tests and benchmarks. */
import { Rng, SFC32_MIXSEED } from '@repro/cv';
import type { FeatureMatrix } from './types';

function gauss(rng: Rng): number {
  let u = rng.next();
  while (u === 0) u = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * `rows` x `cols` (>= 3) uniform features in [-1, 1]; 3 classes with a
 * nonlinear boundary on the first three features (the rest are noise):
 * inside the circle x0^2 + x1^2 < 0.4 -> 0, else above x2 = sin(3 x0) / 2 -> 1, else 2;
 * `flip` of the labels are replaced by random classes.
 */
export function makeNonlinearClassification(rows: number, cols: number, seed: number, flip = 0.05): { X: FeatureMatrix; y: Int32Array } {
  const rng = new Rng(SFC32_MIXSEED, seed);
  const data = new Float32Array(rows * cols);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) data[r * cols + c] = rng.next() * 2 - 1;
    const x0 = data[r * cols];
    const x1 = data[r * cols + 1];
    const x2 = data[r * cols + 2];
    let cls = x0 * x0 + x1 * x1 < 0.4 ? 0 : x2 > Math.sin(3 * x0) / 2 ? 1 : 2;
    if (rng.next() < flip) cls = rng.int(3);
    y[r] = cls;
  }
  return { X: { data, rows, cols }, y };
}

/**
 * Ion-Switching-like problem: a sticky random walk over 11 "open channel"
 * levels, signal = 1.23 * level - 2.7 + N(0, noise), and features = the
 * signal and its lags/leads -lags..+lags (edge-clamped): 2 * lags + 1 columns.
 */
export function makeIonLike(rows: number, seed: number, lags = 20, noise = 0.4): { X: FeatureMatrix; y: Int32Array; signal: Float32Array } {
  const rng = new Rng(SFC32_MIXSEED, seed);
  const K = 11;
  const y = new Int32Array(rows);
  const signal = new Float32Array(rows);
  let level = rng.int(K);
  for (let t = 0; t < rows; t++) {
    const u = rng.next();
    if (u < 0.0005) level = rng.int(K); // regime jump
    else if (u < 0.08) level = Math.min(K - 1, Math.max(0, level + (rng.next() < 0.5 ? -1 : 1)));
    y[t] = level;
    signal[t] = 1.23 * level - 2.7 + noise * gauss(rng);
  }
  const cols = 2 * lags + 1;
  const data = new Float32Array(rows * cols);
  for (let t = 0; t < rows; t++) {
    const o = t * cols;
    for (let k = -lags; k <= lags; k++) {
      const s = Math.min(rows - 1, Math.max(0, t + k));
      data[o + k + lags] = signal[s];
    }
  }
  return { X: { data, rows, cols }, y, signal };
}

/** Rows [from, to) of a matrix (copy). */
export function sliceRows(X: FeatureMatrix, from: number, to: number): FeatureMatrix {
  return { data: X.data.slice(from * X.cols, to * X.cols), rows: to - from, cols: X.cols };
}

export function accuracy(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return ok / y.length;
}
