import { binaryLogLoss } from './binaryLogLoss';
import { columnwiseLogLoss } from './columnwiseLogLoss';
import { expectClose } from './__fixtures__/expectClose';
import { loadMetricsFixtures } from './__fixtures__/metricsFixtures';
import { perColumnLogLoss } from './perColumnLogLoss';

const { logLoss } = loadMetricsFixtures();

describe('columnwiseLogLoss', () => {
  it.each(logLoss.map((c) => [c.name, c]))('matches the mean of sklearn log_loss(eps=1e-15) per column (rtol 1e-12): %s', (_, c) => {
    expectClose(columnwiseLogLoss(c.yTrue, Float64Array.from(c.yPred), c.nCols), c.columnwiseLogLoss);
    const per = perColumnLogLoss(c.yTrue, c.yPred, c.nCols);
    expect(per).toHaveLength(c.nCols);
    per.forEach((v, j) => expectClose(v, c.perColumn[j]));
  });

  it('binaryLogLoss equals each fixture column on its own', () => {
    const c = logLoss.find((x) => x.name === 'moa_206_cols')!;
    expect(c.nCols).toBe(206);
    for (const j of [0, 1, 2, 205]) {
      const col = (a: number[]) => a.filter((_, i) => i % c.nCols === j);
      expectClose(binaryLogLoss(col(c.yTrue), col(c.yPred)), c.perColumn[j]);
    }
  });

  it('clips exact 0/1 predictions to [1e-15, 1 - 1e-15]', () => {
    // A confident miss costs -log(1e-15), not Infinity; a confident hit costs ~1e-15, not 0.
    expect(binaryLogLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 12);
    expect(binaryLogLoss([0], [1])).toBeCloseTo(-Math.log(1 - (1 - 1e-15)), 12);
    expect(binaryLogLoss([1, 0], [1, 0])).toBeGreaterThan(0);
    expect(binaryLogLoss([1], [0], { epsilon: 1e-7 })).toBeCloseTo(-Math.log(1e-7), 12);
  });

  it('weighs every column the same, whatever its positives', () => {
    // Column 0 costs -log(0.5), column 1 costs -log(0.9): the score is their plain mean.
    const got = columnwiseLogLoss([1, 0, 0, 0], [0.5, 0.1, 0.5, 0.1], 2);
    expect(got).toBeCloseTo((-Math.log(0.5) - Math.log(0.9)) / 2, 15);
  });

  it('rejects bad shapes and values', () => {
    expect(() => columnwiseLogLoss([0, 1], [0.5], 1)).toThrow(/^columnwiseLogLoss: yTrue has 2 values but yPred has 1/);
    expect(() => columnwiseLogLoss([0, 1, 0], [0.5, 0.5, 0.5], 2)).toThrow(/^columnwiseLogLoss: yTrue has 3 values, not a multiple of 2 columns/);
    expect(() => columnwiseLogLoss([0, 1], [0.5, 0.5], 0)).toThrow(/^columnwiseLogLoss: nCols must be a positive integer \(received 0\)/);
    expect(() => columnwiseLogLoss([0, 1, 0, 1], [0.5, 0.5, NaN, 0.5], 2)).toThrow(
      /^columnwiseLogLoss: yPred row 1 column 0 is NaN \(expected a probability in \[0, 1\]\)/,
    );
    expect(() => columnwiseLogLoss([0, 2], [0.5, 0.5], 2)).toThrow(/^columnwiseLogLoss: yTrue row 0 column 1 is 2/);
    expect(() => binaryLogLoss([0, 1], [0.5, 1.2])).toThrow(/^binaryLogLoss: yPred\[1\] is 1\.2 \(expected a probability in \[0, 1\]\)/);
    expect(() => binaryLogLoss([0], [0.5], { epsilon: -1 })).toThrow(/^binaryLogLoss: options\.epsilon is -1/);
  });
});
