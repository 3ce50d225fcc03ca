// The "max f1 score" half of step 7: rules that turn 11 probabilities per row into a label, and the
// searches that tune them on the OOF macro F1. Macro F1 is a function of the confusion counts
// only, so every search moves a few rows between labels and rescores from the counts
// (macroF1FromCounts: bit-identical to relabelling every row and calling macroF1). Each search
// can run on a subset of the rows with the others' labels held (the per-group rules of
// groupRules.ts); the score is always the macro F1 over all rows.
import { ION_N_CLASSES } from '@repro/io';
import { macroF1, macroF1FromCounts } from '@repro/metrics';

const K = ION_N_CLASSES;

/** Expected open channels per row: sum_k k * p_k. */
export function expectedValue(p: ArrayLike<number>): Float32Array {
  const n = p.length / K;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let z = 0;
    for (let k = 0; k < K; k++) {
      s += k * p[i * K + k];
      z += p[i * K + k];
    }
    out[i] = s / z;
  }
  return out;
}

/** Label = number of thresholds below the value (thresholds ascending, K - 1 of them). */
export function applyThresholds(ev: ArrayLike<number>, th: ArrayLike<number>): Int32Array {
  const out = new Int32Array(ev.length);
  for (let i = 0; i < ev.length; i++) out[i] = thresholdLabel(ev[i], th);
  return out;
}

/** The label of one value under ascending thresholds. */
export function thresholdLabel(v: number, th: ArrayLike<number>): number {
  let k = 0;
  while (k < th.length && v > th[k]) k++;
  return k;
}

/** Argmax of p_k * scales[k] per row. */
export function scaledArgmax(p: ArrayLike<number>, scales: readonly number[]): Int32Array {
  const n = p.length / K;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = scaledArgmaxRow(p, i, scales);
  return out;
}

/** The class-scaled argmax of row i. */
export function scaledArgmaxRow(p: ArrayLike<number>, i: number, scales: readonly number[]): number {
  let best = 0;
  let bv = -Infinity;
  for (let k = 0; k < K; k++) {
    const v = p[i * K + k] * scales[k];
    if (v > bv) {
      bv = v;
      best = k;
    }
  }
  return best;
}

export type Rule = 'argmax' | 'thresholds' | 'class-scaled argmax';

/** Labels of blended probabilities under a rule (argmax is the class-scaled rule with all scales 1). */
export function applyRule(p: Float32Array, rule: Rule, thresholds: readonly number[], scales: readonly number[]): Int32Array {
  return rule === 'thresholds' ? applyThresholds(expectedValue(p), thresholds) : scaledArgmax(p, rule === 'argmax' ? new Array<number>(K).fill(1) : scales);
}

/** Confusion counts of labels against y: true positives, true and predicted rows per class. */
export interface Counts {
  tp: Float64Array;
  trueCount: Float64Array;
  predCount: Float64Array;
}

export function countsOf(y: ArrayLike<number>, labels: ArrayLike<number>): Counts {
  const c: Counts = { tp: new Float64Array(K), trueCount: new Float64Array(K), predCount: new Float64Array(K) };
  for (let i = 0; i < y.length; i++) {
    c.trueCount[y[i]]++;
    c.predCount[labels[i]]++;
    if (labels[i] === y[i]) c.tp[labels[i]]++;
  }
  return c;
}

/** Rows to search: a subset (ascending indices), or all n rows. */
type Rows = Int32Array | null;
const rowCount = (rows: Rows, n: number) => (rows ? rows.length : n);
const rowAt = (rows: Rows, j: number) => (rows ? rows[j] : j);

/**
 * Coordinate search of the thresholds over `rows` (all rows when null), from `th` (ascending; `labels`
 * must be its labels on those rows, `counts` those of `labels` over all rows). Moving threshold k
 * between its neighbours relabels only the rows in (lo, hi], to k or k + 1. Updates th, labels and
 * counts in place; returns the best macro F1 (only strict improvements on `best` are taken).
 */
function thresholdSearch(ev: ArrayLike<number>, y: ArrayLike<number>, rows: Rows, th: number[], labels: Int32Array, counts: Counts, best: number, sweeps: number, grid: number): number {
  const { tp, trueCount, predCount } = counts;
  const m0 = rowCount(rows, ev.length);
  const moved = new Int32Array(m0);
  const candTp = new Float64Array(K);
  const candPred = new Float64Array(K);
  for (let s = 0; s < sweeps; s++) {
    const before = best;
    for (let k = 0; k < th.length; k++) {
      const lo = k === 0 ? th[0] - 0.5 : th[k - 1];
      const hi = k === th.length - 1 ? th[k] + 0.5 : th[k + 1];
      let m = 0;
      for (let j = 0; j < m0; j++) {
        const i = rowAt(rows, j);
        if (ev[i] > lo && ev[i] <= hi) {
          moved[m++] = i;
          predCount[labels[i]]--;
          if (labels[i] === y[i]) tp[labels[i]]--;
        }
      }
      let bestV = th[k];
      for (let g = 1; g < grid; g++) {
        const v = lo + ((hi - lo) * g) / grid;
        candTp.set(tp);
        candPred.set(predCount);
        for (let r = 0; r < m; r++) {
          const i = moved[r];
          const l = ev[i] > v ? k + 1 : k;
          candPred[l]++;
          if (l === y[i]) candTp[l]++;
        }
        const f = macroF1FromCounts(candTp, trueCount, candPred);
        if (f > best) {
          best = f;
          bestV = v;
        }
      }
      th[k] = bestV;
      for (let r = 0; r < m; r++) {
        const i = moved[r];
        const l = ev[i] > bestV ? k + 1 : k;
        labels[i] = l;
        predCount[l]++;
        if (l === y[i]) tp[l]++;
      }
    }
    if (best - before < 1e-7) break;
  }
  return best;
}

/** The K - 1 thresholds of plain rounding, k + 0.5. */
export const roundingThresholds = (): number[] => Array.from({ length: K - 1 }, (_, k) => k + 0.5);

function checkThresholds(fn: string, th: readonly number[]): void {
  if (th.length !== K - 1 || th.some((v, k) => k > 0 && v < th[k - 1])) throw new Error(`${fn}: start must be ${K - 1} ascending thresholds`);
}

/**
 * Coordinate search of the K - 1 thresholds maximising macro F1 (the OptimizedRounder of the Ion
 * Switching notebooks, deterministic): start at k + 0.5 (plain rounding of the expected value), or
 * at `start` (ascending), then for each threshold try a grid between its neighbours and keep the best.
 */
export function searchThresholds(
  ev: Float32Array,
  y: ArrayLike<number>,
  sweeps: number,
  grid = 24,
  start?: readonly number[],
): { thresholds: number[]; f1: number; roundingF1: number } {
  const roundingF1 = macroF1(y, applyThresholds(ev, roundingThresholds()));
  const th = start ? start.slice() : roundingThresholds();
  checkThresholds('searchThresholds', th);
  const labels = applyThresholds(ev, th);
  const best = start ? macroF1(y, labels) : roundingF1;
  if (sweeps <= 0) return { thresholds: th, f1: best, roundingF1 };
  return { thresholds: th, f1: thresholdSearch(ev, y, null, th, labels, countsOf(y, labels), best, sweeps, grid), roundingF1 };
}

/**
 * {@link searchThresholds} on a subset of the rows, the other rows keeping their `labels`: the
 * thresholds that maximise the macro F1 over all rows when only `rows` are relabelled by them.
 * Returns the thresholds, the labels of all rows and their macro F1.
 */
export function searchThresholdsOnRows(
  ev: Float32Array,
  y: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: Int32Array,
  sweeps: number,
  start: readonly number[],
  grid = 24,
): { thresholds: number[]; labels: Int32Array; f1: number } {
  const th = start.slice();
  checkThresholds('searchThresholdsOnRows', th);
  const out = Int32Array.from(labels);
  for (const i of rows) out[i] = thresholdLabel(ev[i], th);
  const counts = countsOf(y, out);
  const f0 = macroF1FromCounts(counts.tp, counts.trueCount, counts.predCount);
  const f1 = sweeps > 0 ? thresholdSearch(ev, y, rows, th, out, counts, f0, sweeps, grid) : f0;
  return { thresholds: th, labels: out, f1 };
}

/**
 * Coordinate search of one multiplier per class over `rows` (all when null), from `scales`; `base`
 * holds the counts of the rows outside `rows` (zeros for all rows). With the other classes' scales
 * held, a row's label is k when p_k * scale beats the best other scaled value (on a tie the lower
 * index, as scaledArgmax), else that other class: one pass per class finds the best other, then
 * each factor is a pass of comparisons. Updates scales in place; returns the best macro F1.
 */
function classScaleSearch(p: ArrayLike<number>, y: ArrayLike<number>, rows: Rows, scales: number[], base: Counts, best: number, sweeps: number): number {
  const factors = Array.from({ length: 12 }, (_, g) => 2 ** ((g < 6 ? g - 6 : g - 5) / 4));
  const m = rowCount(rows, p.length / K);
  const otherValue = new Float64Array(m);
  const otherIndex = new Int32Array(m);
  const tp = new Float64Array(K);
  const predCount = new Float64Array(K);
  for (let s = 0; s < sweeps; s++) {
    const before = best;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < m; j++) {
        const i = rowAt(rows, j);
        let bi = -1;
        let bv = -Infinity;
        for (let c = 0; c < K; c++) {
          if (c === k) continue;
          const v = p[i * K + c] * scales[c];
          if (v > bv) {
            bv = v;
            bi = c;
          }
        }
        otherValue[j] = bv;
        otherIndex[j] = bi;
      }
      let bestV = scales[k];
      for (const f of factors) {
        const sk = scales[k] * f;
        tp.set(base.tp);
        predCount.set(base.predCount);
        for (let j = 0; j < m; j++) {
          const i = rowAt(rows, j);
          const v = p[i * K + k] * sk;
          const l = v > otherValue[j] || (v === otherValue[j] && k < otherIndex[j]) ? k : otherIndex[j];
          predCount[l]++;
          if (l === y[i]) tp[l]++;
        }
        const v = macroF1FromCounts(tp, base.trueCount, predCount);
        if (v > best) {
          best = v;
          bestV = sk;
        }
      }
      scales[k] = bestV;
    }
    if (best - before < 1e-7) break;
  }
  return best;
}

function checkScales(fn: string, scales: readonly number[]): void {
  if (scales.length !== K || scales.some((v) => !(v > 0))) throw new Error(`${fn}: start must be ${K} positive scales`);
}

/**
 * The other "max F1" rule: one multiplier per class on the probabilities before the argmax,
 * coordinate search from all ones (or `start`) over factors 2^(-1.5) .. 2^(1.5) of the current value, keeping
 * only improvements of the macro F1 (so never below the plain argmax). Rare classes, which the
 * argmax under-predicts, get multipliers above 1.
 */
export function searchClassScales(p: Float32Array, y: ArrayLike<number>, sweeps: number, start?: readonly number[]): { scales: number[]; f1: number } {
  if (start) checkScales('searchClassScales', start);
  const scales = start ? start.slice() : new Array<number>(K).fill(1);
  const best = macroF1(y, scaledArgmax(p, scales));
  const base: Counts = { tp: new Float64Array(K), trueCount: countsOf(y, y).trueCount, predCount: new Float64Array(K) };
  return { scales, f1: classScaleSearch(p, y, null, scales, base, best, sweeps) };
}

/**
 * {@link searchClassScales} on a subset of the rows, the other rows keeping their `labels`.
 * Returns the scales, the labels of all rows and their macro F1.
 */
export function searchClassScalesOnRows(
  p: Float32Array,
  y: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: Int32Array,
  sweeps: number,
  start: readonly number[],
): { scales: number[]; labels: Int32Array; f1: number } {
  checkScales('searchClassScalesOnRows', start);
  const scales = start.slice();
  const inRows = new Uint8Array(y.length);
  for (const i of rows) inRows[i] = 1;
  const base: Counts = { tp: new Float64Array(K), trueCount: new Float64Array(K), predCount: new Float64Array(K) };
  for (let i = 0; i < y.length; i++) {
    base.trueCount[y[i]]++;
    if (inRows[i]) continue;
    base.predCount[labels[i]]++;
    if (labels[i] === y[i]) base.tp[labels[i]]++;
  }
  const out = Int32Array.from(labels);
  for (const i of rows) out[i] = scaledArgmaxRow(p, i, scales);
  const c = countsOf(y, out);
  const f0 = macroF1FromCounts(c.tp, c.trueCount, c.predCount);
  const f1 = sweeps > 0 ? classScaleSearch(p, y, rows, scales, base, f0, sweeps) : f0;
  for (const i of rows) out[i] = scaledArgmaxRow(p, i, scales);
  return { scales, labels: out, f1 };
}
