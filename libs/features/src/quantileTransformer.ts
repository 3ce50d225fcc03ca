import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { erf } from 'mathjs';
import { checkMatrix, createMatrix, type Matrix } from './matrix';
import { MULBERRY32, Rng } from '@repro/cv';

/**
 * scikit-learn's BOUNDS_THRESHOLD: in 'normal' mode, inputs within 1e-7 of the fitted
 * extremes map to the output bounds, so they never reach ppf(0) = -inf.
 */
export const BOUNDS_THRESHOLD = 1e-7;
/** numpy's `np.spacing(1)` (float64 machine epsilon). */
const SPACING_1 = 2.220446049250313e-16;

/** Options of {@link QuantileTransformer}; names follow scikit-learn's. */
export interface QuantileTransformerOptions {
  /**
   * Number of quantiles (landmarks) per feature; clamped to the number of fitted rows.
   * @default 1000
   */
  nQuantiles?: number;
  /**
   * Marginal distribution of the output. 'normal' is "RankGauss".
   * @default 'uniform'
   */
  outputDistribution?: 'uniform' | 'normal';
  /**
   * Rows used to estimate the quantiles; when the data has more rows, each feature is
   * estimated on its own random subset of this size (as sklearn does).
   * @default 100000
   */
  subsample?: number;
  /**
   * Seed of the subsample. Our generator (mulberry32) is not numpy's RandomState, so
   * with rows > subsample the chosen rows (and quantiles) differ from sklearn's.
   * @default 0
   */
  randomState?: number;
}

/** Fitted state as written by {@link QuantileTransformer.toJSON}. */
export interface QuantileTransformerJSON {
  kind: 'QuantileTransformer';
  version: 1;
  options: Required<QuantileTransformerOptions>;
  nQuantilesFitted: number;
  references: number[];
  /** One array of `nQuantilesFitted` quantiles per feature. */
  quantiles: number[][];
}

const DEFAULTS: Required<QuantileTransformerOptions> = {
  nQuantiles: 1000,
  outputDistribution: 'uniform',
  subsample: 100000,
  randomState: 0,
};

/**
 * Maps each feature through its empirical CDF to a uniform or standard normal
 * distribution, reproducing scikit-learn 1.2's `QuantileTransformer` (dense input):
 * quantiles from `np.nanpercentile` (linear) at `np.linspace(0, 1, n)` references, the
 * two-sided interpolation that averages over ties, the bounds rules and the ppf clip.
 * NaNs are ignored in fit and passed through by transform, as in sklearn.
 */
export class QuantileTransformer {
  readonly options: Required<QuantileTransformerOptions>;
  private refs: Float64Array | null = null;
  private qs: Float64Array[] | null = null;

  constructor(options: QuantileTransformerOptions = {}) {
    const o = { ...DEFAULTS, ...options };
    if (!Number.isInteger(o.nQuantiles) || o.nQuantiles < 1) {
      throw new RangeError(`QuantileTransformer: nQuantiles must be a positive integer, received ${o.nQuantiles}`);
    }
    if (o.outputDistribution !== 'uniform' && o.outputDistribution !== 'normal') {
      throw new RangeError(
        `QuantileTransformer: outputDistribution must be 'uniform' or 'normal', received ${JSON.stringify(o.outputDistribution)}`,
      );
    }
    if (!Number.isInteger(o.subsample) || o.subsample < 1) {
      throw new RangeError(`QuantileTransformer: subsample must be a positive integer, received ${o.subsample}`);
    }
    if (o.nQuantiles > o.subsample) {
      // sklearn refuses this too: quantiles would outnumber the rows they come from
      throw new RangeError(
        `QuantileTransformer: nQuantiles (${o.nQuantiles}) must be <= subsample (${o.subsample})`,
      );
    }
    this.options = o;
  }

  /** Number of quantiles actually used: min(nQuantiles, rows seen in fit). */
  get nQuantilesFitted(): number {
    return this.fitted('nQuantilesFitted').refs.length;
  }

  /** Number of features seen in fit. */
  get nFeatures(): number {
    return this.fitted('nFeatures').qs.length;
  }

  /** The fitted references (probabilities), `linspace(0, 1, nQuantilesFitted)`. */
  get references(): Float64Array {
    return this.fitted('references').refs.slice();
  }

  /** The fitted quantiles of feature `j`. */
  quantilesOf(j: number): Float64Array {
    const { qs } = this.fitted('quantilesOf');
    if (!Number.isInteger(j) || j < 0 || j >= qs.length) {
      throw new RangeError(`QuantileTransformer.quantilesOf: j must be an integer in [0, ${qs.length - 1}], received ${j}`);
    }
    return qs[j].slice();
  }

  fit(X: Matrix): this {
    checkMatrix('QuantileTransformer.fit', 'X', X);
    if (X.rows < 1) throw new RangeError('QuantileTransformer.fit: X must have at least 1 row, received 0');
    const n = X.rows;
    const nq = Math.max(1, Math.min(this.options.nQuantiles, n));
    const refs = linspace01(nq);
    // sklearn computes nanpercentile(col, refs * 100), which divides by 100 again;
    // keep the round trip so the interpolation weights are bit-identical
    const qFrac = refs.map((r) => (r * 100) / 100);
    const rng = new Rng(MULBERRY32, this.options.randomState);
    const qs: Float64Array[] = [];
    const col = new Float64Array(n);
    for (let j = 0; j < X.cols; j++) {
      for (let i = 0; i < n; i++) col[i] = X.data[i * X.cols + j];
      let values: Float64Array = col;
      if (this.options.subsample < n) {
        const idx = rng.choice(n, this.options.subsample);
        values = new Float64Array(idx.length);
        for (let k = 0; k < idx.length; k++) values[k] = col[idx[k]];
      }
      const sorted = sortedFinite(values);
      const q = new Float64Array(nq);
      for (let k = 0; k < nq; k++) q[k] = percentileLinear(sorted, qFrac[k]);
      // np.maximum.accumulate: interpolation rounding can make quantiles dip
      for (let k = 1; k < nq; k++) if (q[k] < q[k - 1]) q[k] = q[k - 1];
      qs.push(q);
    }
    this.refs = refs;
    this.qs = qs;
    return this;
  }

  transform(X: Matrix): Matrix {
    return this.apply('transform', X, false);
  }

  fitTransform(X: Matrix): Matrix {
    return this.fit(X).transform(X);
  }

  /** Maps outputs back to the input scale (exact only between the fitted quantiles). */
  inverseTransform(X: Matrix): Matrix {
    return this.apply('inverseTransform', X, true);
  }

  toJSON(): QuantileTransformerJSON {
    const { refs, qs } = this.fitted('toJSON');
    return {
      kind: 'QuantileTransformer',
      version: 1,
      options: { ...this.options },
      nQuantilesFitted: refs.length,
      references: Array.from(refs),
      quantiles: qs.map((q) => Array.from(q)),
    };
  }

  static fromJSON(json: QuantileTransformerJSON): QuantileTransformer {
    if (json?.kind !== 'QuantileTransformer') {
      throw new TypeError(`QuantileTransformer.fromJSON: expected kind 'QuantileTransformer', received ${JSON.stringify(json?.kind)}`);
    }
    if (json.version !== 1) throw new RangeError(`QuantileTransformer.fromJSON: expected version 1, received ${json.version}`);
    const t = new QuantileTransformer(json.options);
    json.quantiles.forEach((q, j) => {
      if (q.length !== json.references.length) {
        throw new RangeError(
          `QuantileTransformer.fromJSON: quantiles[${j}] has ${q.length} values, expected ${json.references.length} (references)`,
        );
      }
    });
    t.refs = Float64Array.from(json.references);
    t.qs = json.quantiles.map((q) => Float64Array.from(q));
    return t;
  }

  private fitted(fn: string): { refs: Float64Array; qs: Float64Array[] } {
    if (!this.refs || !this.qs) throw new Error(`QuantileTransformer.${fn}: not fitted (call fit first)`);
    return { refs: this.refs, qs: this.qs };
  }

  private apply(fn: string, X: Matrix, inverse: boolean): Matrix {
    const { refs, qs } = this.fitted(fn);
    checkMatrix(`QuantileTransformer.${fn}`, 'X', X);
    if (X.cols !== qs.length) {
      throw new RangeError(`QuantileTransformer.${fn}: expected ${qs.length} columns (as fitted), received ${X.cols}`);
    }
    const out = createMatrix(X.rows, X.cols);
    const col = new Float64Array(X.rows);
    const normal = this.options.outputDistribution === 'normal';
    const negRevRefs = negReversed(refs);
    for (let j = 0; j < X.cols; j++) {
      for (let i = 0; i < X.rows; i++) col[i] = X.data[i * X.cols + j];
      const res = inverse ? inverseCol(col, qs[j], refs, normal) : forwardCol(col, qs[j], refs, negRevRefs, normal);
      for (let i = 0; i < X.rows; i++) out.data[i * X.cols + j] = res[i];
    }
    return out;
  }
}

/** sklearn `_transform_col(..., inverse=False)`. */
function forwardCol(x: Float64Array, q: Float64Array, refs: Float64Array, negRevRefs: Float64Array, normal: boolean): Float64Array {
  const n = x.length;
  const lo = q[0];
  const hi = q[q.length - 1];
  const negRevQ = negReversed(q);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (Number.isNaN(v)) {
      out[i] = NaN;
      continue;
    }
    // average of the ascending and descending interpolation: ties map to their middle rank
    let y = 0.5 * (npInterp(v, q, refs) - npInterp(-v, negRevQ, negRevRefs));
    const atLo = normal ? v - BOUNDS_THRESHOLD < lo : v === lo;
    const atHi = normal ? v + BOUNDS_THRESHOLD > hi : v === hi;
    if (atHi) y = 1; // sklearn assigns the upper bound first, so the lower one wins on a constant feature
    if (atLo) y = 0;
    out[i] = y;
  }
  if (normal) {
    const clipMin = normalQuantile(BOUNDS_THRESHOLD - SPACING_1, 0, 1);
    const clipMax = normalQuantile(1 - (BOUNDS_THRESHOLD - SPACING_1), 0, 1);
    for (let i = 0; i < n; i++) {
      const v = out[i];
      if (Number.isNaN(v)) continue;
      const z = normalQuantile(v, 0, 1);
      out[i] = z < clipMin ? clipMin : z > clipMax ? clipMax : z;
    }
  }
  return out;
}

/** sklearn `_transform_col(..., inverse=True)`. */
function inverseCol(x: Float64Array, q: Float64Array, refs: Float64Array, normal: boolean): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = x[i];
    if (Number.isNaN(v)) {
      out[i] = NaN;
      continue;
    }
    if (normal) v = normalCdf(v);
    let y = npInterp(v, refs, q);
    const atLo = normal ? v - BOUNDS_THRESHOLD < 0 : v === 0;
    const atHi = normal ? v + BOUNDS_THRESHOLD > 1 : v === 1;
    if (atHi) y = q[q.length - 1];
    if (atLo) y = q[0];
    out[i] = y;
  }
  return out;
}

/** Standard normal CDF (scipy's ndtr form: erf near 0, complement in the tails). */
function normalCdf(z: number): number {
  const x = z * Math.SQRT1_2;
  if (Math.abs(x) < Math.SQRT1_2) return 0.5 + 0.5 * erf(x);
  const tail = 0.5 * (1 - erf(Math.abs(x)));
  return x > 0 ? 1 - tail : tail;
}

/** `np.linspace(0, 1, n)`: i * (1 / (n - 1)) with the last value exactly 1. */
function linspace01(n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) return out;
  const step = 1 / (n - 1);
  for (let i = 0; i < n; i++) out[i] = i * step;
  out[n - 1] = 1;
  return out;
}

function negReversed(a: Float64Array): Float64Array {
  const n = a.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = -a[n - 1 - i];
  return out;
}

function sortedFinite(values: Float64Array): Float64Array {
  let m = 0;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) out[m++] = values[i];
  return out.subarray(0, m).sort();
}

/**
 * numpy's 'linear' percentile of sorted data at fraction q, including its lerp, which
 * interpolates from the upper neighbour when the weight is >= 0.5.
 */
function percentileLinear(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN; // all-NaN feature: np.nanpercentile returns NaN
  const v = (n - 1) * q;
  if (v >= n - 1) return sorted[n - 1];
  if (v < 0) return sorted[0];
  const prev = Math.floor(v);
  const t = v - prev;
  const a = sorted[prev];
  const b = sorted[prev + 1];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * `np.interp(x, xp, fp)` for one value, as numpy's C loop computes it: the last j with
 * xp[j] <= x, slope from the neighbours, and the same fallbacks for non-finite slopes.
 */
function npInterp(x: number, xp: Float64Array, fp: Float64Array): number {
  const n = xp.length;
  if (n === 1) return fp[0]; // left, right and exact values all map to fp[0]
  if (x > xp[n - 1]) return fp[n - 1];
  if (x < xp[0]) return fp[0];
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    if (x >= xp[mid]) lo = mid + 1;
    else hi = mid;
  }
  const j = lo - 1;
  if (j === n - 1) return fp[j];
  if (xp[j] === x) return fp[j];
  const slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
  let r = slope * (x - xp[j]) + fp[j];
  if (Number.isNaN(r)) {
    r = slope * (x - xp[j + 1]) + fp[j + 1];
    if (Number.isNaN(r) && fp[j] === fp[j + 1]) r = fp[j];
  }
  return r;
}
