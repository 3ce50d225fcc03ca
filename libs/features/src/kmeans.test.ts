import { KMeans, type KMeansJSON } from './kmeans';
import { createMatrix, type Matrix } from './matrix';
import { MULBERRY32, Rng } from '@repro/cv';

/** Adjusted Rand index (Hubert & Arabie), 1 iff the partitions agree up to relabelling. */
function adjustedRand(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const table = new Map<string, number>();
  const ra = new Map<number, number>();
  const rb = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]},${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    ra.set(a[i], (ra.get(a[i]) ?? 0) + 1);
    rb.set(b[i], (rb.get(b[i]) ?? 0) + 1);
  }
  const c2 = (x: number) => (x * (x - 1)) / 2;
  let sumIJ = 0;
  for (const v of table.values()) sumIJ += c2(v);
  let sumA = 0;
  for (const v of ra.values()) sumA += c2(v);
  let sumB = 0;
  for (const v of rb.values()) sumB += c2(v);
  const expected = (sumA * sumB) / c2(n);
  const max = (sumA + sumB) / 2;
  return (sumIJ - expected) / (max - expected);
}

/** 4 Gaussian blobs (sd 0.5) around far-apart centres in 3-D, rows shuffled. */
function blobs(nPer: number, seed: number): { X: Matrix; truth: Int32Array } {
  const centres = [
    [0, 0, 0],
    [10, 0, 0],
    [0, 10, 0],
    [0, 0, 10],
  ];
  const rng = new Rng(MULBERRY32, seed);
  const rand = () => rng.next();
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const n = nPer * centres.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(() => rand() - 0.5);
  const X = createMatrix(n, 3);
  const truth = new Int32Array(n);
  order.forEach((src, i) => {
    const c = src % centres.length;
    truth[i] = c;
    for (let j = 0; j < 3; j++) X.data[i * 3 + j] = centres[c][j] + 0.5 * gauss();
  });
  return { X, truth };
}

describe('KMeans (ml-kmeans, seeded)', () => {
  const { X, truth } = blobs(50, 7);

  it('recovers well-separated blobs (adjusted Rand index = 1)', () => {
    const km = new KMeans({ nClusters: 4, seed: 42 });
    const labels = km.fitPredict(X);
    expect(adjustedRand(labels, truth)).toBeCloseTo(1, 12);
    // the sanity check of the metric itself: a wrong partition scores well below 1
    expect(adjustedRand(labels.map((l) => (l === 0 ? 1 : l)), truth)).toBeLessThan(0.9);
    expect(km.inertia).toBeGreaterThan(0);
    expect(km.inertia).toBeLessThan(200 * 3 * 0.25 * 1.5);
  });

  it('gives identical labels for the same seed, numbered by first appearance', () => {
    const a = new KMeans({ nClusters: 6, seed: 3, nInit: 2 }).fitPredict(X);
    const b = new KMeans({ nClusters: 6, seed: 3, nInit: 2 }).fitPredict(X);
    expect(Array.from(a)).toEqual(Array.from(b));
    const firstSeen: number[] = [];
    for (const l of a) if (!firstSeen.includes(l)) firstSeen.push(l);
    expect(firstSeen).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('predicts new rows to the nearest centroid', () => {
    const km = new KMeans({ nClusters: 4, seed: 1 }).fit(X);
    const labels = km.labels!;
    const probe = createMatrix(2, 3);
    probe.data.set([0.2, -0.1, 0.1, 9.7, 0.3, -0.2]);
    const pred = km.predict(probe);
    // same cluster as a training row that belongs to the same true blob
    expect(pred[0]).toBe(labels[truth.indexOf(0)]);
    expect(pred[1]).toBe(labels[truth.indexOf(1)]);
    expect(Array.from(km.predict(X))).toEqual(Array.from(labels));
  });

  it('round-trips through toJSON/fromJSON (via JSON text)', () => {
    const km = new KMeans({ nClusters: 4, seed: 5, nInit: 3 }).fit(X);
    const back = KMeans.fromJSON(JSON.parse(JSON.stringify(km.toJSON())) as KMeansJSON);
    expect(back.centroids).toEqual(km.centroids);
    expect(back.inertia).toBe(km.inertia);
    expect(Array.from(back.predict(X))).toEqual(Array.from(km.predict(X)));
  });

  it('names the bad parameter, expected and received', () => {
    expect(() => new KMeans({ nClusters: 0 })).toThrow(/KMeans: nClusters must be a positive integer, received 0/);
    expect(() => new KMeans({ nClusters: 2, nInit: 1.5 })).toThrow(/KMeans: nInit must be a positive integer, received 1.5/);
    expect(() => new KMeans({ nClusters: 5 }).fit(createMatrix(3, 2))).toThrow(
      /KMeans\.fit: X must have at least nClusters = 5 rows, received 3/,
    );
    const km = new KMeans({ nClusters: 2, nInit: 1 }).fit(X);
    expect(() => km.predict(createMatrix(1, 2))).toThrow(/KMeans\.predict: expected 3 columns \(as fitted\), received 2/);
    expect(() => new KMeans({ nClusters: 2 }).predict(X)).toThrow(/KMeans\.predict: not fitted/);
  });
});
