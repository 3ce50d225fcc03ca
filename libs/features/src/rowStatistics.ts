import { checkMatrix, createMatrix, type Matrix } from './matrix';

/** A named set of columns whose row-wise statistics are computed together. */
export interface RowStatisticsGroup {
  name: string;
  columns: number[];
}

/** Statistics {@link rowStatistics} can compute, each equal to the pandas row-wise method. */
export type RowStatistic = 'sum' | 'mean' | 'std' | 'kurt' | 'skew' | 'min' | 'max' | 'median' | 'q25' | 'q75';

/**
 * The MoA write-up's row statistics: `sum, mean, std, kurtosis, skew` per group, as in the
 * public MoA kernels' `fe_stats` (`g_sum ... gc_skew`). With the groups g, c and g+c this
 * gives the 15 features that make 872 + 15 = 887 second-head inputs.
 */
export const MOA_ROW_STATISTICS: readonly RowStatistic[] = ['sum', 'mean', 'std', 'kurt', 'skew'];

/** Options of {@link rowStatistics}. */
export interface RowStatisticsOptions {
  /**
   * Which statistics, in output order within each group.
   * @default MOA_ROW_STATISTICS
   */
  stats?: readonly RowStatistic[];
}

/** Output of {@link rowStatistics}: one column per (group, statistic), group-major. */
export interface RowStatisticsResult {
  /** `${group}_${stat}`, e.g. `g_kurt`. */
  names: string[];
  matrix: Matrix;
}

const ALL: readonly RowStatistic[] = ['sum', 'mean', 'std', 'kurt', 'skew', 'min', 'max', 'median', 'q25', 'q75'];

/**
 * Row-wise statistics per group of columns, equal to pandas' `df[cols].sum(axis=1)`,
 * `.mean`, `.std` (ddof = 1), `.kurtosis` (unbiased Fisher), `.skew` (unbiased),
 * `.min`, `.max`, `.median`, `.quantile(0.25 / 0.75)` (linear). NaNs are skipped like
 * pandas' skipna; pandas' rule that sums of squares below 1e-14 count as 0 (so a
 * constant row has kurt = skew = 0) is kept.
 */
export function rowStatistics(X: Matrix, groups: RowStatisticsGroup[], options: RowStatisticsOptions = {}): RowStatisticsResult {
  checkMatrix('rowStatistics', 'X', X);
  const stats = options.stats ?? MOA_ROW_STATISTICS;
  for (const s of stats) {
    if (!ALL.includes(s)) throw new RangeError(`rowStatistics: unknown statistic ${JSON.stringify(s)} (expected one of ${ALL.join(', ')})`);
  }
  if (groups.length === 0) throw new RangeError('rowStatistics: groups must name at least one group, received 0');
  groups.forEach((g, k) => {
    if (g.columns.length === 0) throw new RangeError(`rowStatistics: groups[${k}] (${g.name}) has no columns`);
    for (const c of g.columns) {
      if (!Number.isInteger(c) || c < 0 || c >= X.cols) {
        throw new RangeError(`rowStatistics: groups[${k}] (${g.name}) column must be an integer in [0, ${X.cols - 1}], received ${c}`);
      }
    }
  });
  const names = groups.flatMap((g) => stats.map((s) => `${g.name}_${s}`));
  const nOut = names.length;
  const out = createMatrix(X.rows, nOut);
  const needSorted = stats.some((s) => s === 'median' || s === 'q25' || s === 'q75');
  let o = 0;
  for (const g of groups) {
    const buf = new Float64Array(g.columns.length);
    for (let i = 0; i < X.rows; i++) {
      let m = 0;
      for (const c of g.columns) {
        const v = X.data[i * X.cols + c];
        if (!Number.isNaN(v)) buf[m++] = v;
      }
      const vals = buf.subarray(0, m);
      const sorted = needSorted ? vals.slice().sort() : vals;
      for (let s = 0; s < stats.length; s++) out.data[i * nOut + o + s] = statistic(stats[s], vals, sorted);
    }
    o += stats.length;
  }
  return { names, matrix: out };
}

function statistic(s: RowStatistic, v: Float64Array, sorted: Float64Array): number {
  const n = v.length;
  switch (s) {
    case 'sum':
      return sum(v); // pandas: an all-NaN row sums to 0
    case 'mean':
      return n === 0 ? NaN : sum(v) / n;
    case 'std': {
      if (n < 2) return NaN;
      const mean = sum(v) / n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (mean - v[i]) ** 2;
      return Math.sqrt(ss / (n - 1));
    }
    case 'kurt':
      return kurt(v);
    case 'skew':
      return skew(v);
    case 'min':
      return n === 0 ? NaN : extreme(v, -1);
    case 'max':
      return n === 0 ? NaN : extreme(v, 1);
    case 'median':
      return quantileLinear(sorted, 0.5);
    case 'q25':
      return quantileLinear(sorted, 0.25);
    case 'q75':
      return quantileLinear(sorted, 0.75);
  }
}

/** Largest (dir = 1) or smallest (dir = -1) value. */
function extreme(v: Float64Array, dir: 1 | -1): number {
  let m = v[0];
  for (let i = 1; i < v.length; i++) if ((v[i] - m) * dir > 0) m = v[i];
  return m;
}

function sum(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

/** pandas `_zero_out_fperr`: |x| < 1e-14 counts as 0. */
function zeroOut(x: number): number {
  return Math.abs(x) < 1e-14 ? 0 : x;
}

/** pandas `nanops.nankurt` (bias-corrected excess kurtosis). */
function kurt(v: Float64Array): number {
  const n = v.length;
  if (n < 4) return NaN;
  const mean = sum(v) / n;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const a2 = (v[i] - mean) ** 2;
    m2 += a2;
    m4 += a2 * a2;
  }
  const adj = (3 * (n - 1) ** 2) / ((n - 2) * (n - 3));
  const numerator = zeroOut(n * (n + 1) * (n - 1) * m4);
  const denominator = zeroOut((n - 2) * (n - 3) * m2 * m2);
  if (denominator === 0) return 0;
  return numerator / denominator - adj;
}

/** pandas `nanops.nanskew` (adjusted Fisher-Pearson skewness). */
function skew(v: Float64Array): number {
  const n = v.length;
  if (n < 3) return NaN;
  const mean = sum(v) / n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const a = v[i] - mean;
    const a2 = a * a;
    m2 += a2;
    m3 += a2 * a;
  }
  m2 = zeroOut(m2);
  m3 = zeroOut(m3);
  if (m2 === 0) return 0;
  return ((n * (n - 1) ** 0.5) / (n - 2)) * (m3 / m2 ** 1.5);
}

/** numpy/pandas 'linear' quantile of sorted values. */
function quantileLinear(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  if (lo >= n - 1) return sorted[n - 1];
  const t = pos - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}
