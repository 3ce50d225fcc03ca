import { createMatrix, type Matrix } from './matrix';

/** Options of {@link lagFeatures}. */
export interface LagFeaturesOptions {
  /** Shifts in pandas' convention: lag k puts `signal[i - k]` in row i (k < 0 looks ahead). */
  lags: number[];
  /**
   * Length of the independent batches (Ion Switching: 500,000 rows of 50 s); shifts never
   * cross a batch edge. Omit to treat the whole signal as one batch.
   */
  groupLength?: number;
  /**
   * Value where the shifted position falls outside the batch (pandas' `.fillna(fill)`).
   * @default 0
   */
  fill?: number;
}

/**
 * Lagged copies of a signal, one column per lag in `lags` order (seed 000's lag features
 * [-3, 3], computed per 500k batch like `df.groupby(batch)['signal'].shift(k)`).
 */
export function lagFeatures(signal: ArrayLike<number>, options: LagFeaturesOptions): Matrix {
  const { lags, fill = 0 } = options;
  const n = signal.length;
  const g = checkGroupLength('lagFeatures', options.groupLength, n);
  if (!Array.isArray(lags) || lags.length === 0) throw new RangeError('lagFeatures: lags must list at least one shift, received none');
  for (const k of lags) if (!Number.isInteger(k)) throw new RangeError(`lagFeatures: lags must be integers, received ${k}`);
  const m = lags.length;
  const out = createMatrix(n, m);
  for (let i = 0; i < n; i++) {
    const start = i - (i % g);
    const end = Math.min(start + g, n);
    for (let c = 0; c < m; c++) {
      const src = i - lags[c];
      out.data[i * m + c] = src >= start && src < end ? signal[src] : fill;
    }
  }
  return out;
}

/** Column names for {@link lagFeatures}' output: `${prefix}_shift_${k}`. */
export function lagFeatureNames(lags: number[], prefix = 'signal'): string[] {
  return lags.map((k) => `${prefix}_shift_${k}`);
}

/** Element-wise square (seed 000's `sig*sig` feature). */
export function signalSquared(signal: ArrayLike<number>): Float64Array {
  const out = new Float64Array(signal.length);
  for (let i = 0; i < signal.length; i++) out[i] = signal[i] * signal[i];
  return out;
}

/**
 * The (-halfWidth, +halfWidth) window around every sample, for the random-forest
 * features: rows x (2 * halfWidth + 1), column j holding `signal[i + j - halfWidth]`
 * (past to future), `fill` outside the sample's batch. Float32 because at 5M rows x 41
 * columns a float64 copy would need 1.6 GB.
 */
export function shiftWindow(signal: ArrayLike<number>, halfWidth: number, groupLength?: number, fill = 0): Matrix {
  if (!Number.isInteger(halfWidth) || halfWidth < 0) {
    throw new RangeError(`shiftWindow: halfWidth must be a non-negative integer, received ${halfWidth}`);
  }
  const n = signal.length;
  const g = checkGroupLength('shiftWindow', groupLength, n);
  const w = 2 * halfWidth + 1;
  const out = createMatrix(n, w, 'float32');
  for (let i = 0; i < n; i++) {
    const start = i - (i % g);
    const end = Math.min(start + g, n);
    const row = i * w;
    for (let j = 0; j < w; j++) {
      const src = i + j - halfWidth;
      out.data[row + j] = src >= start && src < end ? signal[src] : fill;
    }
  }
  return out;
}

function checkGroupLength(fn: string, groupLength: number | undefined, n: number): number {
  if (groupLength === undefined) return Math.max(n, 1);
  if (!Number.isInteger(groupLength) || groupLength < 1) {
    throw new RangeError(`${fn}: groupLength must be a positive integer, received ${groupLength}`);
  }
  return groupLength;
}
