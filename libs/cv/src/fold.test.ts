import { foldIds, foldsFromIds } from './fold';

describe('foldIds / foldsFromIds', () => {
  it('round-trips per-row fold ids and leaves unvalidated rows at -1', () => {
    const folds = foldsFromIds([1, 0, 1, 2, 0], 3);
    expect(Array.from(folds[0].valid)).toEqual([1, 4]);
    expect(Array.from(folds[0].train)).toEqual([0, 2, 3]);
    expect(Array.from(foldIds(folds, 5))).toEqual([1, 0, 1, 2, 0]);
    expect(Array.from(foldIds([folds[2]], 5))).toEqual([-1, -1, -1, 0, -1]);
  });

  it('rejects a row in two validation folds and rows out of range', () => {
    const f = { train: new Int32Array([0]), valid: new Int32Array([1, 2]) };
    expect(() => foldIds([f, f], 3)).toThrow(/row 1 is in the validation rows of folds 0 and 1/);
    expect(() => foldIds([f], 2)).toThrow(/folds\[0\]\.valid holds row 2, expected a row index in \[0, 2\)/);
    expect(() => foldIds([f], -1)).toThrow(/nRows must be an integer >= 0, received -1/);
  });
});
