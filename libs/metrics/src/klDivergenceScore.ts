import { checkPositiveInteger, checkSameLength, rowCount } from './inputChecks';
import { pairwiseMean } from './pairwiseSum';

export interface KlDivergenceOptions {
  /**
   * Submission probabilities are clipped to [epsilon, 1 - epsilon] (Kaggle's `epsilon`), so a
   * zero prediction for a voted class costs a large but finite amount.
   * @default 1e-15
   */
  epsilon?: number;
  /**
   * How far a row sum of `solution` or `submission` may be from 1. The default is what Kaggle's
   * validator accepts: `np.allclose(row_sums, 1)`, i.e. |sum - 1| <= 1e-8 + 1e-5 * 1.
   * @default 1.001e-5
   */
  rowSumTolerance?: number;
}

/**
 * The HMS metric, Kaggle's `kl_divergence` scorer with `epsilon=1e-15, micro_average=True` and no
 * sample weights: for each row, sum over classes of `t * log(t / clip(s))` (0 where the target
 * `t` is 0, following scipy's `rel_entr`), then the mean over rows.
 *
 * `solution` (targets, e.g. from {@link votesToProbabilities}) and `submission` are flat
 * row-major `rows x nClasses`. Both are validated as Kaggle does: every value a number in [0, 1]
 * and every row summing to 1 (within `rowSumTolerance`). Rows in errors are 0-based.
 */
export function klDivergenceScore(
  solution: ArrayLike<number>,
  submission: ArrayLike<number>,
  nClasses = 6,
  options: KlDivergenceOptions = {},
): number {
  const fn = 'klDivergenceScore';
  const eps = options.epsilon ?? 1e-15;
  const tol = options.rowSumTolerance ?? 1.001e-5;
  if (!(eps >= 0 && eps < 0.5)) throw new RangeError(`${fn}: options.epsilon is ${eps} (expected a number in [0, 0.5))`);
  if (!(tol >= 0)) throw new RangeError(`${fn}: options.rowSumTolerance is ${tol} (expected a number >= 0)`);
  checkPositiveInteger(fn, 'nClasses', nClasses);
  checkSameLength(fn, 'solution', solution, 'submission', submission);
  const rows = rowCount(fn, 'solution', solution, nClasses);
  checkDistributions(fn, 'solution', solution, nClasses, tol);
  checkDistributions(fn, 'submission', submission, nClasses, tol);

  const hi = 1 - eps;
  const perRow = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * nClasses;
    let sum = 0;
    for (let c = 0; c < nClasses; c++) {
      const t = solution[o + c];
      if (t === 0) continue;
      const s = Math.min(Math.max(submission[o + c], eps), hi);
      // log(t / s), not log(t) - log(s): the reference's exact expression.
      sum += t * Math.log(t / s);
    }
    perRow[r] = sum;
  }
  return pairwiseMean(perRow);
}

function checkDistributions(fn: string, name: string, a: ArrayLike<number>, nClasses: number, tol: number): void {
  for (let o = 0, r = 0; o < a.length; o += nClasses, r++) {
    let sum = 0;
    for (let c = 0; c < nClasses; c++) {
      const v = a[o + c];
      // Written so that NaN fails too.
      if (!(v >= 0 && v <= 1)) {
        throw new RangeError(`${fn}: ${name} row ${r} column ${c} is ${v} (expected a probability in [0, 1])`);
      }
      sum += v;
    }
    if (!(Math.abs(sum - 1) <= tol)) {
      // 12 significant digits: enough to see the miss, without float noise like 0.7999999999999999.
      const shown = Number(sum.toPrecision(12));
      throw new RangeError(`${fn}: ${name} row ${r} sums to ${shown} (expected 1 within ${tol.toExponential()})`);
    }
  }
}
