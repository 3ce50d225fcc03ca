import fixture from './__fixtures__/quantileTransformer.json';
import { createMatrix, matrixFromRows } from './matrix';
import { BOUNDS_THRESHOLD, QuantileTransformer, type QuantileTransformerJSON } from './quantileTransformer';
import { maxAbsDiff, maxAbsDiffRows } from './testing';

const X = matrixFromRows(fixture.X);
const Xnew = matrixFromRows(fixture.Xnew);
const errors: Record<string, number> = {};

describe('QuantileTransformer (scikit-learn 1.2 parity)', () => {
  afterAll(() => {
    // visible in the test log: the largest deviations seen per case
    console.log('QuantileTransformer max abs errors', errors);
  });

  // Tolerances: quantiles and uniform outputs are computed with numpy's exact float
  // operations (expected bit-identical, checked < 1e-12); the normal outputs go through
  // @stdlib's ppf, which agrees with scipy's to ~5e-12 absolute on |z| <= 5.2: < 1e-9.
  // The inverse of 'normal' uses erf from mathjs instead of scipy's ndtr: < 1e-9 relative
  // to the feature's scale.
  it.each(fixture.cases.map((c) => [c.outputDistribution, c.nQuantiles, c] as const))(
    '%s with nQuantiles=%i matches quantiles_, fit_transform, transform and inverse_transform',
    (dist, nq, c) => {
      const qt = new QuantileTransformer({ nQuantiles: nq, outputDistribution: dist as 'normal' | 'uniform' });
      const train = qt.fitTransform(X);
      expect(qt.nQuantilesFitted).toBe(c.nQuantilesFitted);
      expect(maxAbsDiff(qt.references, c.references)).toBe(0);
      const qErr = Math.max(...c.quantiles[0].map((_, j) => maxAbsDiff(qt.quantilesOf(j), c.quantiles.map((r) => r[j]))));
      expect(qErr).toBe(0);

      const tol = dist === 'normal' ? 1e-9 : 1e-12;
      const trainErr = maxAbsDiffRows(train, c.train);
      const newOut = qt.transform(Xnew);
      const newErr = maxAbsDiffRows(newOut, c.new);
      expect(trainErr).toBeLessThan(tol);
      expect(newErr).toBeLessThan(tol);

      // inverse of sklearn's own output, compared per column relative to the column's range
      const inv = qt.inverseTransform(matrixFromRows(c.new));
      let invErr = 0;
      for (let j = 0; j < X.cols; j++) {
        const q = qt.quantilesOf(j);
        const scale = Math.max(1, Math.abs(q[0]), Math.abs(q[q.length - 1]));
        for (let i = 0; i < inv.rows; i++) {
          invErr = Math.max(invErr, Math.abs(inv.data[i * inv.cols + j] - c.inverseNew[i][j]) / scale);
        }
      }
      expect(invErr).toBeLessThan(dist === 'normal' ? 1e-9 : 1e-12);
      errors[`${dist}/${nq}`] = Math.max(trainErr, newErr, invErr);
    },
  );

  it('maps ties to the middle of their rank range and out-of-range values to the bounds', () => {
    const qt = new QuantileTransformer({ nQuantiles: 5 }).fit(matrixFromRows([[0], [1], [1], [1], [2]]));
    expect(Array.from(qt.quantilesOf(0))).toEqual([0, 1, 1, 1, 2]);
    const out = qt.transform(matrixFromRows([[1], [-5], [9], [0.5]]));
    expect(Array.from(out.data)).toEqual([0.5, 0, 1, 0.125]);
  });

  it("clips 'normal' outputs to ppf(BOUNDS_THRESHOLD - eps) instead of infinity", () => {
    const qt = new QuantileTransformer({ nQuantiles: 3, outputDistribution: 'normal' }).fit(matrixFromRows([[0], [1], [2]]));
    const out = qt.transform(matrixFromRows([[-1], [3], [1]]));
    expect(out.data[0]).toBeCloseTo(-5.199337582605575, 9);
    expect(out.data[1]).toBeCloseTo(5.199337582605575, 9);
    expect(out.data[2]).toBeCloseTo(0, 12);
    expect(BOUNDS_THRESHOLD).toBe(1e-7);
  });

  it('ignores NaN in fit and passes it through transform', () => {
    const withNaN = matrixFromRows([[NaN], [0], [1], [2], [NaN]]);
    const qt = new QuantileTransformer({ nQuantiles: 3 }).fit(withNaN);
    // rows = 5 so nQuantiles stays 3, but quantiles come from the 3 finite values
    expect(Array.from(qt.quantilesOf(0))).toEqual([0, 1, 2]);
    const out = qt.transform(withNaN);
    expect(Number.isNaN(out.data[0])).toBe(true);
    expect(Array.from(out.data.subarray(1, 4))).toEqual([0, 0.5, 1]);
  });

  it('subsamples deterministically per randomState when rows > subsample', () => {
    const big = createMatrix(500, 2);
    for (let i = 0; i < big.data.length; i++) big.data[i] = Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453);
    const a = new QuantileTransformer({ nQuantiles: 10, subsample: 50, randomState: 1 }).fit(big);
    const b = new QuantileTransformer({ nQuantiles: 10, subsample: 50, randomState: 1 }).fit(big);
    const c = new QuantileTransformer({ nQuantiles: 10, subsample: 50, randomState: 2 }).fit(big);
    const full = new QuantileTransformer({ nQuantiles: 10 }).fit(big);
    expect(Array.from(a.quantilesOf(0))).toEqual(Array.from(b.quantilesOf(0)));
    expect(Array.from(a.quantilesOf(1))).toEqual(Array.from(b.quantilesOf(1)));
    expect(Array.from(a.quantilesOf(0))).not.toEqual(Array.from(c.quantilesOf(0)));
    expect(Array.from(a.quantilesOf(0))).not.toEqual(Array.from(full.quantilesOf(0)));
  });

  it('round-trips through toJSON/fromJSON (via JSON text) with identical outputs', () => {
    const qt = new QuantileTransformer({ nQuantiles: 100, outputDistribution: 'normal' }).fit(X);
    const json = JSON.parse(JSON.stringify(qt.toJSON())) as QuantileTransformerJSON;
    const back = QuantileTransformer.fromJSON(json);
    expect(back.options).toEqual(qt.options);
    expect(Array.from(back.transform(Xnew).data)).toEqual(Array.from(qt.transform(Xnew).data));
    expect(Array.from(back.inverseTransform(Xnew).data)).toEqual(Array.from(qt.inverseTransform(Xnew).data));
  });

  it('names the bad parameter, expected and received', () => {
    const qt = new QuantileTransformer({ nQuantiles: 10 }).fit(X);
    expect(() => qt.transform(createMatrix(3, 4))).toThrow(
      /QuantileTransformer\.transform: expected 5 columns \(as fitted\), received 4/,
    );
    expect(() => new QuantileTransformer().transform(X)).toThrow(/QuantileTransformer\.transform: not fitted/);
    expect(() => new QuantileTransformer({ nQuantiles: 0 })).toThrow(/nQuantiles must be a positive integer, received 0/);
    expect(() => new QuantileTransformer({ nQuantiles: 200, subsample: 100 })).toThrow(
      /nQuantiles \(200\) must be <= subsample \(100\)/,
    );
    expect(() => new QuantileTransformer({ outputDistribution: 'gauss' as 'normal' })).toThrow(
      /outputDistribution must be 'uniform' or 'normal', received "gauss"/,
    );
    expect(() => qt.transform({ data: new Float64Array(5), rows: 2, cols: 5 })).toThrow(/X has 5 values, expected rows \* cols/);
    const bad = { ...qt.toJSON(), kind: 'PCA' } as unknown as QuantileTransformerJSON;
    expect(() => QuantileTransformer.fromJSON(bad)).toThrow(/expected kind 'QuantileTransformer', received "PCA"/);
  });
});
