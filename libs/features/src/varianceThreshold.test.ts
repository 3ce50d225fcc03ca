import fixture from './__fixtures__/varianceThreshold.json';
import { createMatrix, matrixFromRows } from './matrix';
import { maxAbsDiff, maxAbsDiffRows } from './testing';
import { VarianceThreshold, type VarianceThresholdJSON } from './varianceThreshold';

const X = matrixFromRows(fixture.X);
let maxErr = 0;

describe('VarianceThreshold (scikit-learn 1.2 parity)', () => {
  afterAll(() => console.log('VarianceThreshold max relative variance error', maxErr));

  // Tolerance: variances within 1e-12 relative (same summation order as numpy's axis-0
  // reduction, so 0 is expected); the support and the kept columns must be identical.
  it.each(fixture.cases.map((c) => [c.threshold, c] as const))('threshold %d: variances_, support and transform', (thr, c) => {
    const vt = new VarianceThreshold({ threshold: thr });
    const out = vt.fitTransform(X);
    const scale = Math.max(...c.variances);
    const err = maxAbsDiff(vt.variances, c.variances) / scale;
    maxErr = Math.max(maxErr, err);
    expect(err).toBeLessThan(1e-12);
    expect(vt.support).toEqual(c.support);
    expect(maxAbsDiffRows(out, c.transformed)).toBe(0);
  });

  it('treats a constant column as variance 0 at threshold 0 (peak-to-peak rule)', () => {
    // 0.1 is not exactly representable: the float mean-square of a constant column can be > 0
    const m = matrixFromRows(Array.from({ length: 7 }, (_, i) => [0.1, i]));
    const vt = new VarianceThreshold().fit(m);
    expect(vt.variances[0]).toBe(0);
    expect(vt.support).toEqual([1]);
  });

  it('ignores NaN in the variance, like np.nanvar', () => {
    const m = matrixFromRows([[1, NaN], [3, 2], [5, 4]]);
    const vt = new VarianceThreshold().fit(m);
    expect(Array.from(vt.variances)).toEqual([8 / 3, 1]);
  });

  it('round-trips through toJSON/fromJSON (via JSON text)', () => {
    const vt = new VarianceThreshold({ threshold: 0.05 }).fit(X);
    const back = VarianceThreshold.fromJSON(JSON.parse(JSON.stringify(vt.toJSON())) as VarianceThresholdJSON);
    expect(back.support).toEqual(vt.support);
    expect(Array.from(back.transform(X).data)).toEqual(Array.from(vt.transform(X).data));
  });

  it('names the bad parameter, expected and received', () => {
    expect(() => new VarianceThreshold({ threshold: -1 })).toThrow(/VarianceThreshold: threshold must be a finite number >= 0, received -1/);
    // sklearn: "No feature in X meets the variance threshold 100.00000"
    expect(fixture.refuseMessage).toMatch(/variance threshold 100\.00000/);
    expect(() => new VarianceThreshold({ threshold: fixture.refuseThreshold }).fit(X)).toThrow(
      /no feature has variance > threshold 100\.00000 \(max variance received 3\.66/,
    );
    const vt = new VarianceThreshold().fit(X);
    expect(() => vt.transform(createMatrix(2, 7))).toThrow(/VarianceThreshold\.transform: expected 8 columns \(as fitted\), received 7/);
    expect(() => new VarianceThreshold().transform(X)).toThrow(/VarianceThreshold\.transform: not fitted/);
  });
});
