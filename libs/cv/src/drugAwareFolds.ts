import { checkCount, checkNSplits, Fold, foldsFromIds } from './fold';
import { encodeSorted, Labels } from './labels';
import { iterativeStratification } from './multilabelStratifiedKFold';

export interface DrugAwareFoldsOptions {
  /** Number of folds. @default 5 */
  nSplits?: number;
  /** Seed for both multilabel stratifications. @default 0 */
  seed?: number;
  /** Drugs with at most this many rows are kept whole in one fold. @default 18 */
  threshold?: number;
}

/**
 * The MoA drug-aware split (Chris Deotte's): drugs with <= threshold rows are
 * assigned whole to folds by multilabel stratification of per-drug targets (a
 * drug is positive for a label when its mean target is non-zero), so a model
 * is never validated on a drug it trained on; rows of larger drugs (controls,
 * well-replicated compounds) are stratified row by row. Small drugs are taken
 * in sorted id order, large-drug rows in row order, as in the original.
 *
 * `Y` is row-major, nRows x nCols.
 */
export function drugAwareFolds(drugIds: Labels, Y: ArrayLike<number>, nCols: number, options: DrugAwareFoldsOptions = {}): Fold[] {
  const { nSplits = 5, seed = 0, threshold = 18 } = options;
  const fn = 'drugAwareFolds';
  checkCount(fn, 'nCols', nCols, 1);
  checkCount(fn, 'threshold', threshold, 0);
  const nRows = drugIds.length;
  if (Y.length !== nRows * nCols) {
    throw new RangeError(`${fn}: Y.length must be drugIds.length * nCols (${nRows * nCols}), received ${Y.length}`);
  }
  checkNSplits(fn, nSplits, nRows);
  const { codes, nClasses: nDrugs } = encodeSorted(fn, 'drugIds', drugIds);
  const rowsPerDrug = new Int32Array(nDrugs);
  for (const d of codes) rowsPerDrug[d]++;

  // Drug codes are in sorted id order, matching vc.index.sort_values().
  const smallCode = new Int32Array(nDrugs).fill(-1);
  let nSmall = 0;
  for (let d = 0; d < nDrugs; d++) if (rowsPerDrug[d] <= threshold) smallCode[d] = nSmall++;
  const drugY = new Float64Array(nSmall * nCols);
  const largeRows: number[] = [];
  for (let i = 0; i < nRows; i++) {
    const s = smallCode[codes[i]];
    if (s === -1) {
      largeRows.push(i);
      continue;
    }
    for (let c = 0; c < nCols; c++) {
      const v = Y[i * nCols + c];
      if (Number.isNaN(v)) throw new RangeError(`${fn}: Y must not hold NaN, received NaN at row ${i}, column ${c}`);
      drugY[s * nCols + c] += v;
    }
  }

  const ids = new Int32Array(nRows);
  if (nSmall > 0) {
    const drugFold = iterativeStratification(drugY, nSmall, nCols, nSplits, true, seed, fn);
    for (let i = 0; i < nRows; i++) {
      const s = smallCode[codes[i]];
      if (s !== -1) ids[i] = drugFold[s];
    }
  }
  if (largeRows.length > 0) {
    const largeY = new Float64Array(largeRows.length * nCols);
    largeRows.forEach((row, j) => largeY.set(Array.prototype.slice.call(Y, row * nCols, (row + 1) * nCols), j * nCols));
    // A fresh stratifier with the same seed, as the original re-creates it.
    const rowFold = iterativeStratification(largeY, largeRows.length, nCols, nSplits, true, seed, fn);
    largeRows.forEach((row, j) => (ids[row] = rowFold[j]));
  }
  return foldsFromIds(ids, nSplits);
}
