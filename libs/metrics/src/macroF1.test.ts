import { loadMetricsFixtures } from './__fixtures__/metricsFixtures';
import { macroF1, macroF1FromCounts } from './macroF1';

const { classification } = loadMetricsFixtures();

describe('macroF1', () => {
  // Exact equality: counts and the sklearn expression/summation order leave nothing to round differently.
  it.each(classification.map((c) => [c.name, c]))('equals sklearn f1_score(average="macro") exactly: %s', (_, c) => {
    expect(macroF1(c.yTrue, c.yPred)).toBe(c.macroF1);
  });

  // Integer typed arrays take the counting path (no Set/Map): the same bits.
  it.each(classification.filter((c) => [...c.yTrue, ...c.yPred].every((v) => Number.isInteger(v))).map((c) => [c.name, c]))(
    'Int32Array inputs give the same bits: %s',
    (_, c) => {
      expect(macroF1(Int32Array.from(c.yTrue), Int32Array.from(c.yPred))).toBe(c.macroF1);
    },
  );

  it('macroF1FromCounts equals macroF1 on the rows the counts come from', () => {
    for (const c of classification.filter((x) => [...x.yTrue, ...x.yPred].every((v) => Number.isInteger(v) && v >= 0 && v < 64))) {
      const tp = new Float64Array(64);
      const t = new Float64Array(64);
      const p = new Float64Array(64);
      c.yTrue.forEach((y, i) => {
        t[y]++;
        p[c.yPred[i]]++;
        if (y === c.yPred[i]) tp[y]++;
      });
      expect(macroF1FromCounts(tp, t, p)).toBe(c.macroF1);
    }
  });

  it('fixtures cover a label only in yPred and labels missing from one side', () => {
    const c = classification.find((x) => x.name === 'labels_missing_one_side')!;
    const inTrue = new Set(c.yTrue);
    const inPred = new Set(c.yPred);
    expect(c.macroLabels.filter((l) => !inTrue.has(l))).toEqual([3, 10]);
    expect(c.macroLabels.filter((l) => !inPred.has(l))).toEqual([9]);
  });

  it('counts a label only in yPred as F1 0 in the mean (hand-checked)', () => {
    // Labels 0, 1, 2, 5: F1 = 2/3, 4/5, 2/3, 0 -> mean 8/15.
    expect(macroF1([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 5])).toBeCloseTo(8 / 15, 15);
    // Without the stray 5 the mean is over three labels only.
    expect(macroF1([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 2])).toBeCloseTo((2 / 3 + 4 / 5 + 1) / 3, 15);
  });

  it('accepts typed arrays', () => {
    expect(macroF1(Int32Array.of(0, 1, 1), Float64Array.of(0, 1, 0))).toBeCloseTo((2 / 3 + 2 / 3) / 2, 15);
  });

  it('rejects mismatched lengths, empty input and non-integer labels', () => {
    expect(() => macroF1([0, 1], [0])).toThrow(/^macroF1: yTrue has 2 values but yPred has 1/);
    expect(() => macroF1([], [])).toThrow(/^macroF1: yTrue is empty/);
    expect(() => macroF1([0, 1], [0, 0.6])).toThrow(/^macroF1: yPred\[1\] is 0\.6 \(expected an integer class label\)/);
    expect(() => macroF1([0, NaN], [0, 1])).toThrow(/^macroF1: yTrue\[1\] is NaN/);
  });
});
