import fixture from './__fixtures__/pca.json';
import { createMatrix, matrixFromRows } from './matrix';
import { PCA, type PCAJSON } from './pca';
import { maxAbs, maxAbsDiff, maxAbsDiffRows } from './testing';

const X = matrixFromRows(fixture.X);
const Xnew = matrixFromRows(fixture.Xnew);
const errors: Record<string, number> = {};

describe('PCA (scikit-learn 1.2 parity, full solver)', () => {
  afterAll(() => console.log('PCA max abs errors (relative to scale)', errors));

  // Tolerance: 1e-9 relative to the largest |value| of each compared quantity. Both
  // sides are exact float64 SVD/eigen solvers; differences are rounding (~1e-13 seen).
  it.each(['svd', 'covariance'] as const)('solver %s matches components_, variances and scores with sklearn signs', (solver) => {
    const pca = new PCA({ nComponents: fixture.nComponents, solver });
    const train = pca.fitTransform(X);
    const rel = (err: number, ref: number[] | number[][]) => err / maxAbs((ref as number[]).flat());
    const e = {
      mean: rel(maxAbsDiff(pca.mean, fixture.mean), fixture.mean),
      components: rel(maxAbsDiffRows(pca.components, fixture.components), fixture.components),
      ev: rel(maxAbsDiff(pca.explainedVariance, fixture.explainedVariance), fixture.explainedVariance),
      evr: rel(maxAbsDiff(pca.explainedVarianceRatio, fixture.explainedVarianceRatio), fixture.explainedVarianceRatio),
      train: rel(maxAbsDiffRows(train, fixture.train), fixture.train),
      new: rel(maxAbsDiffRows(pca.transform(Xnew), fixture.new), fixture.new),
    };
    for (const [k, v] of Object.entries(e)) {
      errors[`${solver}.${k}`] = v;
      expect(v).toBeLessThan(1e-9);
    }
  });

  it('fixes the sign so the largest |score| of each component is positive (svd_flip)', () => {
    const pca = new PCA({ nComponents: 3 });
    const scores = pca.fitTransform(X);
    for (let c = 0; c < 3; c++) {
      let best = 0;
      for (let i = 0; i < scores.rows; i++) {
        const s = scores.data[i * 3 + c];
        if (Math.abs(s) > Math.abs(best)) best = s;
      }
      expect(best).toBeGreaterThan(0);
    }
  });

  it('round-trips through toJSON/fromJSON (via JSON text) with identical scores', () => {
    const pca = new PCA({ nComponents: 4 }).fit(X);
    const back = PCA.fromJSON(JSON.parse(JSON.stringify(pca.toJSON())) as PCAJSON);
    expect(Array.from(back.transform(Xnew).data)).toEqual(Array.from(pca.transform(Xnew).data));
    expect(Array.from(back.explainedVarianceRatio)).toEqual(Array.from(pca.explainedVarianceRatio));
  });

  it('names the bad parameter, expected and received', () => {
    expect(() => new PCA({ nComponents: 0 })).toThrow(/PCA: nComponents must be a positive integer, received 0/);
    expect(() => new PCA({ nComponents: 13 }).fit(X)).toThrow(/PCA\.fit: nComponents must be <= min\(rows, cols\) = 12, received 13/);
    const pca = new PCA({ nComponents: 2 }).fit(X);
    expect(() => pca.transform(createMatrix(2, 11))).toThrow(/PCA\.transform: expected 12 columns \(as fitted\), received 11/);
    expect(() => new PCA({ nComponents: 2 }).transform(X)).toThrow(/PCA\.transform: not fitted/);
    const bad = { ...pca.toJSON(), components: [[1, 2]] } as PCAJSON;
    expect(() => PCA.fromJSON(bad)).toThrow(/PCA\.fromJSON: expected 2 components, received 1/);
  });
});
