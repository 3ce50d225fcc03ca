import { checkNSplits, Fold, foldsFromIds } from './fold';
import { encodeByAppearance, Labels } from './labels';
import { createRng } from './random';

export interface StratifiedKFoldOptions {
  /** Number of folds. @default 5 */
  nSplits?: number;
  /** Shuffle each class's fold slots (our own RNG, not numpy's). @default false */
  shuffle?: boolean;
  /** Seed for the shuffle. @default 0 */
  seed?: number;
}

/**
 * scikit-learn 1.2's StratifiedKFold: each class's rows, in row order, are
 * given to folds in blocks whose sizes come from dealing the sorted labels
 * round-robin. Without shuffle the folds equal scikit-learn's.
 */
export function stratifiedKFold(y: Labels, options: StratifiedKFoldOptions = {}): Fold[] {
  const { nSplits = 5, shuffle = false, seed = 0 } = options;
  const n = y.length;
  checkNSplits('stratifiedKFold', nSplits, n);
  const { codes, nClasses } = encodeByAppearance('stratifiedKFold', 'y', y);
  const counts = new Int32Array(nClasses);
  for (const c of codes) counts[c]++;
  if (counts.every((c) => c < nSplits)) {
    throw new RangeError(
      `stratifiedKFold: nSplits must be <= the size of the largest class (${Math.max(...counts)}), received ${nSplits}`,
    );
  }
  // Classes sorted by code, dealt round-robin: fold k gets the rows at
  // positions k, k+nSplits, ... of that sorted list.
  const allocation: Int32Array[] = Array.from({ length: nSplits }, () => new Int32Array(nClasses));
  let pos = 0;
  for (let c = 0; c < nClasses; c++) {
    for (let j = 0; j < counts[c]; j++, pos++) allocation[pos % nSplits][c]++;
  }
  const rng = createRng(seed);
  const ids = new Int32Array(n);
  const rowsOf: number[][] = Array.from({ length: nClasses }, () => []);
  for (let i = 0; i < n; i++) rowsOf[codes[i]].push(i);
  for (let c = 0; c < nClasses; c++) {
    const slots = new Int32Array(counts[c]);
    let s = 0;
    for (let k = 0; k < nSplits; k++) for (let j = 0; j < allocation[k][c]; j++) slots[s++] = k;
    if (shuffle) rng.shuffle(slots);
    rowsOf[c].forEach((row, j) => (ids[row] = slots[j]));
  }
  return foldsFromIds(ids, nSplits);
}
