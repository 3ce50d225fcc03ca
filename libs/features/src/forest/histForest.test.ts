import { HistRandomForestClassifier } from './histForest';
import { MlRandomForestClassifier } from './mlAdapter';
import { createForest, forestFromJSON } from './create';
import { accuracy, makeNonlinearClassification, sliceRows } from './synthetic';
import type { FeatureMatrix } from './types';

const { X, y } = makeNonlinearClassification(2000, 10, 1);
const Xtr = sliceRows(X, 0, 1500);
const ytr = y.slice(0, 1500);
const Xte = sliceRows(X, 1500, 2000);
const yte = y.slice(1500);

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(a[i] !== a[i] && b[i] !== b[i])) return false;
  return true;
}

describe('HistRandomForestClassifier vs ml-random-forest adapter', () => {
  // ml-random-forest is slow (sorts per node, ~1 s per tree here) and samples
  // features once per tree (not per split), so it gets all features and 4 trees.
  const ACC_MIN = 0.8;
  let histAcc = 0;
  let mlAcc = 0;

  test(`hist forest held-out accuracy > ${ACC_MIN}`, async () => {
    const f = new HistRandomForestClassifier({ nEstimators: 30, maxFeatures: 0.5, seed: 3 });
    await f.train(Xtr, ytr);
    histAcc = accuracy(f.predict(Xte), yte);
    expect(histAcc).toBeGreaterThan(ACC_MIN);
  });

  test(`ml-random-forest adapter held-out accuracy > ${ACC_MIN} and within 0.05 of the hist forest`, async () => {
    const f = createForest({ kind: 'ml-random-forest', nEstimators: 4, maxFeatures: 'all', maxDepth: 8, seed: 3 });
    expect(f).toBeInstanceOf(MlRandomForestClassifier);
    await f.train(Xtr, ytr);
    mlAcc = accuracy(f.predict(Xte), yte);
    expect(mlAcc).toBeGreaterThan(ACC_MIN);
    expect(histAcc).toBeGreaterThan(0); // the hist test ran first
    expect(Math.abs(histAcc - mlAcc)).toBeLessThanOrEqual(0.05);
    // Vote fractions are probabilities too.
    const p = f.predictProbability(sliceRows(Xte, 0, 50));
    for (let r = 0; r < 50; r++) expect(p[r * 3] + p[r * 3 + 1] + p[r * 3 + 2]).toBeCloseTo(1, 5);
    // Round trip of the adapter.
    const g = forestFromJSON(JSON.parse(JSON.stringify(f.toJSON())));
    expect(g.kind).toBe('ml-random-forest');
    expect(sameArray(g.predictProbability(Xte), f.predictProbability(Xte))).toBe(true);
  });

  test('a constant-label forest is worse than the fitted one (accuracy test can fail)', async () => {
    const f = new HistRandomForestClassifier({ nEstimators: 5, maxDepth: 0, seed: 3 });
    await f.train(Xtr, ytr);
    expect(accuracy(f.predict(Xte), yte)).toBeLessThan(0.6);
  });
});

describe('HistRandomForestClassifier', () => {
  test('probabilities have shape rows x nClasses, lie in [0, 1] and sum to 1', async () => {
    const f = new HistRandomForestClassifier({ nEstimators: 20, seed: 1 });
    await f.train(Xtr, ytr);
    expect(f.nClasses).toBe(3);
    expect(f.nTrees).toBe(20);
    const p = f.predictProbability(Xte);
    expect(p).toBeInstanceOf(Float32Array);
    expect(p.length).toBe(Xte.rows * 3);
    let maxErr = 0;
    for (let r = 0; r < Xte.rows; r++) {
      let s = 0;
      for (let c = 0; c < 3; c++) {
        expect(p[r * 3 + c]).toBeGreaterThanOrEqual(0);
        expect(p[r * 3 + c]).toBeLessThanOrEqual(1);
        s += p[r * 3 + c];
      }
      maxErr = Math.max(maxErr, Math.abs(s - 1));
    }
    expect(maxErr).toBeLessThan(1e-5);
    // predict is the arg-max of the probabilities.
    const pred = f.predict(Xte);
    for (let r = 0; r < Xte.rows; r++) {
      expect(p[r * 3 + pred[r]]).toBe(Math.max(p[r * 3], p[r * 3 + 1], p[r * 3 + 2]));
    }
  });

  test('nClasses given explicitly: unseen classes get probability 0', async () => {
    const f = new HistRandomForestClassifier({ nEstimators: 5, seed: 1, nClasses: 5 });
    await f.train(Xtr, ytr);
    const p = f.predictProbability(Xte);
    expect(p.length).toBe(Xte.rows * 5);
    for (let r = 0; r < Xte.rows; r++) expect(p[r * 5 + 3] + p[r * 5 + 4]).toBe(0);
  });

  test('same seed gives identical probabilities; a different seed does not', async () => {
    const a = new HistRandomForestClassifier({ nEstimators: 10, seed: 7 });
    const b = new HistRandomForestClassifier({ nEstimators: 10, seed: 7 });
    const c = new HistRandomForestClassifier({ nEstimators: 10, seed: 8 });
    await a.train(Xtr, ytr);
    await b.train(Xtr, ytr);
    await c.train(Xtr, ytr);
    const pa = a.predictProbability(Xte);
    expect(sameArray(pa, b.predictProbability(Xte))).toBe(true);
    expect(sameArray(pa, c.predictProbability(Xte))).toBe(false);
  });

  test('trainSync equals train', async () => {
    const a = new HistRandomForestClassifier({ nEstimators: 5, seed: 7 });
    const b = new HistRandomForestClassifier({ nEstimators: 5, seed: 7 });
    await a.train(Xtr, ytr);
    b.trainSync(Xtr, ytr);
    expect(sameArray(a.predictProbability(Xte), b.predictProbability(Xte))).toBe(true);
  });

  test('toJSON -> JSON string -> fromJSON gives identical predictions', async () => {
    const f = new HistRandomForestClassifier({ nEstimators: 10, seed: 5, maxDepth: null });
    await f.train(Xtr, ytr);
    const text = JSON.stringify(f.toJSON());
    const g = HistRandomForestClassifier.fromJSON(text);
    expect(g.nTrees).toBe(10);
    expect(g.options.maxDepth).toBe(Infinity);
    expect(sameArray(g.predictProbability(Xte), f.predictProbability(Xte))).toBe(true);
    const h = forestFromJSON(JSON.parse(text));
    expect(h.kind).toBe('hist');
    expect(sameArray(h.predict(Xte), f.predict(Xte))).toBe(true);
    // A corrupted model is rejected.
    const bad = { ...JSON.parse(text), nTrees: 9 };
    expect(() => HistRandomForestClassifier.fromJSON(bad)).toThrow(/inconsistent array lengths/);
  });

  test('fully grown trees without bootstrap fit the training set exactly', async () => {
    // Distinct continuous features and < 256 rows -> every row has its own bins.
    const { X: Xs, y: ys } = makeNonlinearClassification(200, 4, 9, 0.2);
    const f = new HistRandomForestClassifier({ nEstimators: 3, bootstrap: false, maxFeatures: 'all', maxDepth: null, seed: 1 });
    await f.train(Xs, ys);
    expect(accuracy(f.predict(Xs), ys)).toBe(1);
    // ...while depth-limited trees do not (so the check above can fail).
    const g = new HistRandomForestClassifier({ nEstimators: 3, bootstrap: false, maxFeatures: 'all', maxDepth: 2, seed: 1 });
    await g.train(Xs, ys);
    expect(accuracy(g.predict(Xs), ys)).toBeLessThan(1);
  });

  test('maxDepth, minSamplesLeaf and maxSamples bound the trees', async () => {
    const d1 = new HistRandomForestClassifier({ nEstimators: 4, maxDepth: 1, seed: 1 });
    await d1.train(Xtr, ytr);
    expect(d1.nNodes).toBe(4 * 3);
    const deep = new HistRandomForestClassifier({ nEstimators: 4, seed: 1 });
    const leafy = new HistRandomForestClassifier({ nEstimators: 4, seed: 1, minSamplesLeaf: 50 });
    const small = new HistRandomForestClassifier({ nEstimators: 4, seed: 1, maxSamples: 0.1 });
    await deep.train(Xtr, ytr);
    await leafy.train(Xtr, ytr);
    await small.train(Xtr, ytr);
    // With >= 50 bootstrap samples per leaf, a tree of 1,500 samples has <= 30 leaves.
    expect(leafy.nNodes).toBeLessThanOrEqual(4 * (2 * 30 - 1));
    expect(leafy.nNodes).toBeLessThan(deep.nNodes);
    expect(small.nNodes).toBeLessThan(deep.nNodes / 3);
  });

  test('errors name the parameter and the expected/received values', async () => {
    const f = new HistRandomForestClassifier({ nEstimators: 2 });
    await expect(f.train(Xtr, ytr.slice(0, 1499))).rejects.toThrow(
      'HistRandomForestClassifier.train: parameter y has length 1499, expected 1500 (X.rows)',
    );
    const yNaN = Float64Array.from(ytr);
    yNaN[3] = NaN;
    await expect(f.train(Xtr, yNaN)).rejects.toThrow('parameter y[3] = NaN; expected an integer class label');
    const yNeg = Array.from(ytr);
    yNeg[10] = -1;
    await expect(f.train(Xtr, yNeg)).rejects.toThrow('parameter y[10] = -1');
    const badX: FeatureMatrix = { data: new Float32Array(10), rows: 3, cols: 4 };
    await expect(f.train(badX, new Int32Array(3))).rejects.toThrow(
      'parameter X.data has length 10, expected rows*cols = 3*4 = 12',
    );
    const big = new HistRandomForestClassifier({ nEstimators: 2, nClasses: 2 });
    await expect(big.train(Xtr, ytr)).rejects.toThrow(/parameter y\[\d+\] = 2; expected an integer class label in \[0, 1\]/);
    const mf = new HistRandomForestClassifier({ nEstimators: 2, maxFeatures: 11 });
    await expect(mf.train(Xtr, ytr)).rejects.toThrow('parameter maxFeatures must be');
    expect(() => new HistRandomForestClassifier({ maxBins: 300 })).toThrow('option maxBins must be an integer in [2, 256] (received 300)');
    expect(() => f.predictProbability(Xte)).toThrow('not trained');
    await f.train(Xtr, ytr);
    expect(() => f.predict({ data: new Float32Array(9), rows: 1, cols: 9 })).toThrow('parameter X has 9 columns, expected 10');
    expect(() => createForest({ kind: 'nope' as 'hist' })).toThrow("option kind must be one of hist, ml-random-forest (received nope)");
  });

  test('NaN features go to the right child consistently (no crash, valid probabilities)', async () => {
    const Xn: FeatureMatrix = { data: Xtr.data.slice(), rows: Xtr.rows, cols: Xtr.cols };
    for (let i = 0; i < Xn.data.length; i += 7) Xn.data[i] = NaN;
    const f = new HistRandomForestClassifier({ nEstimators: 5, seed: 2 });
    await f.train(Xn, ytr);
    const p = f.predictProbability(Xn);
    for (let r = 0; r < 20; r++) expect(p[r * 3] + p[r * 3 + 1] + p[r * 3 + 2]).toBeCloseTo(1, 5);
    expect(accuracy(f.predict(Xn), ytr)).toBeGreaterThan(0.8);
  });
});
