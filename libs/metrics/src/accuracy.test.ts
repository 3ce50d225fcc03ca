import { accuracy } from './accuracy';
import { loadMetricsFixtures } from './__fixtures__/metricsFixtures';

const { classification } = loadMetricsFixtures();

describe('accuracy', () => {
  it.each(classification.map((c) => [c.name, c]))('equals sklearn accuracy_score exactly: %s', (_, c) => {
    expect(accuracy(c.yTrue, c.yPred)).toBe(c.accuracy);
  });

  it('is the fraction of exact matches', () => {
    expect(accuracy([1, 2, 3, 4], Int8Array.of(1, 2, 0, 0))).toBe(0.5);
  });

  it('rejects mismatched lengths, empty input and non-integer labels', () => {
    expect(() => accuracy([1], [1, 2])).toThrow(/^accuracy: yTrue has 1 values but yPred has 2/);
    expect(() => accuracy([], [])).toThrow(/^accuracy: yTrue is empty/);
    expect(() => accuracy([1.5], [1])).toThrow(/^accuracy: yTrue\[0\] is 1\.5 \(expected an integer class label\)/);
  });
});
