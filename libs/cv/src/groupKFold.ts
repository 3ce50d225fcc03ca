import { checkNSplits, Fold, foldsFromIds } from './fold';
import { encodeSorted, Labels } from './labels';
import { numpyArgsort } from './numpyArgsort';

export interface GroupKFoldOptions {
  /** Number of folds. @default 5 */
  nSplits?: number;
}

/**
 * scikit-learn 1.2's GroupKFold: groups sorted by size (largest first) go
 * one by one to the fold with the fewest rows so far (first such fold on
 * ties). Equal-sized groups are ordered exactly as numpy's unstable argsort
 * orders them, so the folds equal scikit-learn's. No group spans two folds.
 */
export function groupKFold(groups: Labels, options: GroupKFoldOptions = {}): Fold[] {
  const { nSplits = 5 } = options;
  checkNSplits('groupKFold', nSplits, groups.length);
  const { codes, nClasses: nGroups } = encodeSorted('groupKFold', 'groups', groups);
  if (nSplits > nGroups) {
    throw new RangeError(`groupKFold: nSplits must be <= the number of distinct groups (${nGroups}), received ${nSplits}`);
  }
  const sizes = new Float64Array(nGroups);
  for (const g of codes) sizes[g]++;
  const ascending = numpyArgsort(sizes);
  const foldRows = new Float64Array(nSplits);
  const groupFold = new Int32Array(nGroups);
  for (let i = nGroups - 1; i >= 0; i--) {
    const g = ascending[i];
    let lightest = 0;
    for (let k = 1; k < nSplits; k++) if (foldRows[k] < foldRows[lightest]) lightest = k;
    foldRows[lightest] += sizes[g];
    groupFold[g] = lightest;
  }
  const ids = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) ids[i] = groupFold[codes[i]];
  return foldsFromIds(ids, nSplits);
}
