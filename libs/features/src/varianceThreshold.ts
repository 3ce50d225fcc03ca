import { checkMatrix, selectColumns, type Matrix } from './matrix';

/** Options of {@link VarianceThreshold}. */
export interface VarianceThresholdOptions {
  /**
   * Features with a (population) variance <= threshold are dropped.
   * @default 0
   */
  threshold?: number;
}

/** Fitted state as written by {@link VarianceThreshold.toJSON}. */
export interface VarianceThresholdJSON {
  kind: 'VarianceThreshold';
  version: 1;
  threshold: number;
  variances: number[];
}

/**
 * Drops low-variance features, equal to scikit-learn 1.2's `VarianceThreshold`:
 * variances are `np.nanvar(X, axis=0)` (ddof = 0, NaN ignored); with threshold 0 the
 * peak-to-peak range is used where smaller, so constant features count as exactly 0
 * despite rounding; a feature is kept when its variance > threshold.
 */
export class VarianceThreshold {
  readonly threshold: number;
  private vars: Float64Array | null = null;

  constructor(options: VarianceThresholdOptions = {}) {
    const t = options.threshold ?? 0;
    if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`VarianceThreshold: threshold must be a finite number >= 0, received ${t}`);
    this.threshold = t;
  }

  /** Per-feature variances (sklearn `variances_`). */
  get variances(): Float64Array {
    return this.fitted('variances').slice();
  }

  /** Indices of the kept features, ascending (sklearn `get_support(indices=True)`). */
  get support(): number[] {
    const v = this.fitted('support');
    const out: number[] = [];
    for (let j = 0; j < v.length; j++) if (v[j] > this.threshold) out.push(j);
    return out;
  }

  fit(X: Matrix): this {
    checkMatrix('VarianceThreshold.fit', 'X', X);
    const { rows: n, cols: p } = X;
    if (n < 1) throw new RangeError('VarianceThreshold.fit: X must have at least 1 row, received 0');
    // column sums in row order: the same additions numpy makes for an axis-0 reduction
    const sum = new Float64Array(p);
    const cnt = new Float64Array(p);
    const lo = new Float64Array(p).fill(Infinity);
    const hi = new Float64Array(p).fill(-Infinity);
    const hasNaN = new Uint8Array(p);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) {
        const v = X.data[i * p + j];
        if (Number.isNaN(v)) {
          hasNaN[j] = 1;
          continue;
        }
        sum[j] += v;
        cnt[j] += 1;
        if (v < lo[j]) lo[j] = v;
        if (v > hi[j]) hi[j] = v;
      }
    }
    const mean = sum.map((s, j) => s / cnt[j]);
    const ss = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) {
        const v = X.data[i * p + j];
        if (Number.isNaN(v)) continue;
        const d = v - mean[j];
        ss[j] += d * d;
      }
    }
    const vars = ss.map((s, j) => s / cnt[j]);
    if (this.threshold === 0) {
      // np.nanmin([var, ptp]); ptp is NaN for a column containing NaN, so var wins there
      for (let j = 0; j < p; j++) if (!hasNaN[j] && hi[j] - lo[j] < vars[j]) vars[j] = hi[j] - lo[j];
    }
    if (vars.every((v) => !Number.isFinite(v) || v <= this.threshold)) {
      throw new RangeError(
        `VarianceThreshold.fit: no feature has variance > threshold ${this.threshold.toFixed(5)} (max variance received ${Math.max(...vars.filter(Number.isFinite), -Infinity)})`,
      );
    }
    this.vars = vars;
    return this;
  }

  /** The kept columns, in their original order. */
  transform(X: Matrix): Matrix {
    const v = this.fitted('transform');
    checkMatrix('VarianceThreshold.transform', 'X', X);
    if (X.cols !== v.length) {
      throw new RangeError(`VarianceThreshold.transform: expected ${v.length} columns (as fitted), received ${X.cols}`);
    }
    return selectColumns(X, this.support);
  }

  fitTransform(X: Matrix): Matrix {
    return this.fit(X).transform(X);
  }

  toJSON(): VarianceThresholdJSON {
    return { kind: 'VarianceThreshold', version: 1, threshold: this.threshold, variances: Array.from(this.fitted('toJSON')) };
  }

  static fromJSON(json: VarianceThresholdJSON): VarianceThreshold {
    if (json?.kind !== 'VarianceThreshold') {
      throw new TypeError(`VarianceThreshold.fromJSON: expected kind 'VarianceThreshold', received ${JSON.stringify(json?.kind)}`);
    }
    if (json.version !== 1) throw new RangeError(`VarianceThreshold.fromJSON: expected version 1, received ${json.version}`);
    const vt = new VarianceThreshold({ threshold: json.threshold });
    // JSON has no NaN: an all-NaN feature's variance comes back as null
    vt.vars = Float64Array.from(json.variances, (v) => (v === null ? NaN : v));
    return vt;
  }

  private fitted(fn: string): Float64Array {
    if (!this.vars) throw new Error(`VarianceThreshold.${fn}: not fitted (call fit first)`);
    return this.vars;
  }
}
