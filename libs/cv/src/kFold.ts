import { checkNSplits, Fold, foldsFromIds } from './fold';
import { createRng } from './random';

export interface KFoldOptions {
  /** Number of folds. @default 5 */
  nSplits?: number;
  /** Shuffle rows before cutting them into contiguous folds. @default false */
  shuffle?: boolean;
  /** Seed for the shuffle (our own RNG, not numpy's). @default 0 */
  seed?: number;
}

/**
 * scikit-learn's KFold: contiguous blocks, the first nRows % nSplits folds
 * one row larger. Without shuffle the folds equal scikit-learn 1.2's.
 */
export function kFold(nRows: number, options: KFoldOptions = {}): Fold[] {
  const { nSplits = 5, shuffle = false, seed = 0 } = options;
  checkNSplits('kFold', nSplits, nRows);
  const order = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) order[i] = i;
  if (shuffle) createRng(seed).shuffle(order);
  const ids = new Int32Array(nRows);
  const base = Math.floor(nRows / nSplits);
  let start = 0;
  for (let k = 0; k < nSplits; k++) {
    const size = base + (k < nRows % nSplits ? 1 : 0);
    for (let i = start; i < start + size; i++) ids[order[i]] = k;
    start += size;
  }
  return foldsFromIds(ids, nSplits);
}
