import { checkCount, checkNSplits, Fold, foldsFromIds } from './fold';
import { createRng } from './random';

export interface MultilabelStratifiedKFoldOptions {
  /** Number of folds. @default 5 */
  nSplits?: number;
  /** Shuffle row order before stratifying (changes which rows win ties). @default true */
  shuffle?: boolean;
  /** Seed for the shuffle and tie-breaking (our own RNG, not numpy's). @default 0 */
  seed?: number;
}

/**
 * Multilabel stratified k-fold by iterative stratification (Sechidis et al.
 * 2011), following iterstrat's MultilabelStratifiedKFold: repeatedly take the
 * label with the fewest (but some) unassigned positive rows and hand each of
 * those rows to the fold that most needs that label, breaking ties by the fold
 * that most needs rows, then at random. Rows with no positive label go last,
 * each to the fold that most needs rows.
 *
 * `Y` is row-major, nRows x nCols; any non-zero value is a positive.
 */
export function multilabelStratifiedKFold(
  Y: ArrayLike<number>,
  nCols: number,
  options: MultilabelStratifiedKFoldOptions = {},
): Fold[] {
  const { nSplits = 5, shuffle = true, seed = 0 } = options;
  const fn = 'multilabelStratifiedKFold';
  checkCount(fn, 'nCols', nCols, 1);
  if (Y.length % nCols !== 0) {
    throw new RangeError(`${fn}: Y.length must be a multiple of nCols (${nCols}), received ${Y.length}`);
  }
  const nRows = Y.length / nCols;
  checkNSplits(fn, nSplits, nRows);
  return foldsFromIds(iterativeStratification(Y, nRows, nCols, nSplits, shuffle, seed, fn), nSplits);
}

/** Per-row fold ids by iterative stratification; see multilabelStratifiedKFold. */
export function iterativeStratification(
  Y: ArrayLike<number>,
  nRows: number,
  nCols: number,
  nSplits: number,
  shuffle: boolean,
  seed: number,
  fn: string,
): Int32Array {
  const rng = createRng(seed);
  // order[p] = original row at position p; iterstrat permutes the rows first
  // and then walks positions in order.
  const order = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) order[i] = i;
  if (shuffle) rng.shuffle(order);

  // Sparse view: each row's positive labels and each label's rows (by position).
  const rowLabels: number[][] = [];
  const labelRows: number[][] = Array.from({ length: nCols }, () => []);
  const remaining = new Int32Array(nCols);
  for (let p = 0; p < nRows; p++) {
    const row = order[p];
    const labels: number[] = [];
    for (let c = 0; c < nCols; c++) {
      const v = Y[row * nCols + c];
      if (Number.isNaN(v)) throw new RangeError(`${fn}: Y must not hold NaN, received NaN at row ${row}, column ${c}`);
      if (v !== 0) {
        labels.push(c);
        labelRows[c].push(p);
        remaining[c]++;
      }
    }
    rowLabels.push(labels);
  }

  // With equal fold ratios, "needs the most" is "has taken the fewest".
  const takenRows = new Float64Array(nSplits);
  const takenLabel: Int32Array[] = Array.from({ length: nSplits }, () => new Int32Array(nCols));
  const foldAt = new Int32Array(nRows).fill(-1);
  const ties: number[] = [];
  const pickRandom = (xs: number[]): number => (xs.length > 1 ? xs[rng.int(xs.length)] : xs[0]);

  for (;;) {
    let min = Infinity;
    for (let c = 0; c < nCols; c++) if (remaining[c] > 0 && remaining[c] < min) min = remaining[c];
    if (min === Infinity) break;
    ties.length = 0;
    for (let c = 0; c < nCols; c++) if (remaining[c] === min) ties.push(c);
    const label = pickRandom(ties);

    for (const p of labelRows[label]) {
      if (foldAt[p] !== -1) continue;
      let best = Infinity;
      for (let k = 0; k < nSplits; k++) best = Math.min(best, takenLabel[k][label]);
      let bestRows = Infinity;
      for (let k = 0; k < nSplits; k++) if (takenLabel[k][label] === best) bestRows = Math.min(bestRows, takenRows[k]);
      ties.length = 0;
      for (let k = 0; k < nSplits; k++) if (takenLabel[k][label] === best && takenRows[k] === bestRows) ties.push(k);
      const fold = pickRandom(ties);
      foldAt[p] = fold;
      takenRows[fold]++;
      for (const c of rowLabels[p]) {
        takenLabel[fold][c]++;
        remaining[c]--;
      }
    }
  }

  // Rows without any positive label balance the fold sizes.
  for (let p = 0; p < nRows; p++) {
    if (foldAt[p] !== -1) continue;
    let bestRows = Infinity;
    for (let k = 0; k < nSplits; k++) bestRows = Math.min(bestRows, takenRows[k]);
    ties.length = 0;
    for (let k = 0; k < nSplits; k++) if (takenRows[k] === bestRows) ties.push(k);
    const fold = pickRandom(ties);
    foldAt[p] = fold;
    takenRows[fold]++;
  }

  const ids = new Int32Array(nRows);
  for (let p = 0; p < nRows; p++) ids[order[p]] = foldAt[p];
  return ids;
}
