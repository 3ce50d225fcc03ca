import fixture from './__fixtures__/rowStatistics.json';
import { matrixFromRows } from './matrix';
import { MOA_ROW_STATISTICS, rowStatistics, type RowStatistic } from './rowStatistics';
import { maxAbs } from './testing';

const X = matrixFromRows(fixture.X);
const expected = fixture.stats as Record<string, number[]>;

describe('rowStatistics (pandas parity)', () => {
  it('produces the 15 MoA features g/c/gc x sum, mean, std, kurt, skew by default', () => {
    const { names, matrix } = rowStatistics(X, fixture.groups);
    expect(MOA_ROW_STATISTICS).toEqual(['sum', 'mean', 'std', 'kurt', 'skew']);
    expect(names).toEqual(['g', 'c', 'gc'].flatMap((g) => ['sum', 'mean', 'std', 'kurt', 'skew'].map((s) => `${g}_${s}`)));
    expect(matrix.cols).toBe(15);
    expect(matrix.rows).toBe(40);
  });

  // Tolerance: 1e-9 relative to each statistic's largest |value| (pandas sums in numpy's
  // pairwise order; differences are rounding, ~1e-15 seen).
  it('matches pandas for every statistic and group', () => {
    const stats: RowStatistic[] = ['sum', 'mean', 'std', 'kurt', 'skew', 'min', 'max', 'median', 'q25', 'q75'];
    const { names, matrix } = rowStatistics(X, fixture.groups, { stats });
    const errors: Record<string, number> = {};
    names.forEach((name, k) => {
      const ref = expected[name];
      const scale = Math.max(1e-300, maxAbs(ref));
      let err = 0;
      for (let i = 0; i < matrix.rows; i++) err = Math.max(err, Math.abs(matrix.data[i * matrix.cols + k] - ref[i]) / scale);
      errors[name] = err;
    });
    console.log('rowStatistics max relative errors', Math.max(...Object.values(errors)));
    for (const [name, err] of Object.entries(errors)) expect([name, err < 1e-9]).toEqual([name, true]);
  });

  it('gives kurt = skew = 0 for a constant row (pandas zeroes sums of squares < 1e-14)', () => {
    const { names, matrix } = rowStatistics(X, fixture.groups);
    expect(matrix.data[names.indexOf('g_kurt')]).toBe(0);
    expect(matrix.data[names.indexOf('g_skew')]).toBe(0);
    expect(expected.g_kurt[0]).toBe(0);
    expect(matrix.data[names.indexOf('gc_kurt')]).not.toBe(0);
  });

  it('skips NaN like pandas skipna', () => {
    const m = matrixFromRows([[1, NaN, 3, 5, 7]]);
    const { matrix } = rowStatistics(m, [{ name: 'a', columns: [0, 1, 2, 3, 4] }], { stats: ['sum', 'mean', 'std', 'median'] });
    expect(Array.from(matrix.data)).toEqual([16, 4, Math.sqrt(20 / 3), 4]);
  });

  it('names the bad parameter, expected and received', () => {
    expect(() => rowStatistics(X, [{ name: 'g', columns: [0, 30] }])).toThrow(
      /rowStatistics: groups\[0\] \(g\) column must be an integer in \[0, 29\], received 30/,
    );
    expect(() => rowStatistics(X, [{ name: 'g', columns: [0] }], { stats: ['var' as RowStatistic] })).toThrow(
      /rowStatistics: unknown statistic "var"/,
    );
    expect(() => rowStatistics(X, [])).toThrow(/groups must name at least one group, received 0/);
  });
});
