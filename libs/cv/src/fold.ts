/** One cross-validation split: sorted row indices used to train and to validate. */
export interface Fold {
  train: Int32Array;
  valid: Int32Array;
}

/**
 * Each row's validation fold (0-based); -1 for rows that are in no
 * validation fold. Throws if a row is in two validation folds.
 */
export function foldIds(folds: readonly Fold[], nRows: number): Int32Array {
  checkCount('foldIds', 'nRows', nRows, 0);
  const ids = new Int32Array(nRows).fill(-1);
  folds.forEach((fold, k) => {
    for (const r of fold.valid) {
      if (!(r >= 0 && r < nRows)) {
        throw new RangeError(`foldIds: folds[${k}].valid holds row ${r}, expected a row index in [0, ${nRows})`);
      }
      if (ids[r] !== -1) {
        throw new RangeError(`foldIds: row ${r} is in the validation rows of folds ${ids[r]} and ${k}, expected at most one`);
      }
      ids[r] = k;
    }
  });
  return ids;
}

/** Turn per-row fold ids (0..nSplits-1) into folds with sorted indices. */
export function foldsFromIds(ids: ArrayLike<number>, nSplits: number): Fold[] {
  const sizes = new Int32Array(nSplits);
  for (let i = 0; i < ids.length; i++) sizes[ids[i]]++;
  const folds: Fold[] = [];
  for (let k = 0; k < nSplits; k++) {
    const valid = new Int32Array(sizes[k]);
    const train = new Int32Array(ids.length - sizes[k]);
    let v = 0;
    let t = 0;
    // Scanning rows in order keeps both lists sorted without a sort.
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === k) valid[v++] = i;
      else train[t++] = i;
    }
    folds.push({ train, valid });
  }
  return folds;
}

/** Throw unless `value` is an integer >= `min`; the message names who and which parameter. */
export function checkCount(fn: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${fn}: ${name} must be an integer >= ${min}, received ${String(value)}`);
  }
}

/** Throw unless `nSplits` is an integer in [2, nRows]. */
export function checkNSplits(fn: string, nSplits: number, nRows: number): void {
  checkCount(fn, 'nSplits', nSplits, 2);
  if (nSplits > nRows) {
    throw new RangeError(`${fn}: nSplits must be <= the number of rows (${nRows}), received ${nSplits}`);
  }
}
