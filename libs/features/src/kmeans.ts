import { kmeans } from 'ml-kmeans';
import { checkMatrix, matrixToRows, type Matrix } from './matrix';

/** Options of {@link KMeans}. */
export interface KMeansOptions {
  /** Number of clusters. */
  nClusters: number;
  /**
   * Seed of the k-means++ initialisation; run `r` of `nInit` uses `seed + r`.
   * @default 0
   */
  seed?: number;
  /**
   * Independent initialisations; the run with the lowest inertia is kept (as sklearn's n_init).
   * @default 10
   */
  nInit?: number;
  /**
   * Lloyd iterations per run.
   * @default 300
   */
  maxIter?: number;
  /**
   * Convergence tolerance on centroid movement (ml-kmeans' `tolerance`).
   * @default 1e-6
   */
  tol?: number;
}

/** Fitted state as written by {@link KMeans.toJSON}. */
export interface KMeansJSON {
  kind: 'KMeans';
  version: 1;
  options: Required<KMeansOptions>;
  centroids: number[][];
  inertia: number;
}

const DEFAULTS = { seed: 0, nInit: 10, maxIter: 300, tol: 1e-6 };

/**
 * K-means clustering on ml-kmeans (k-means++ init, Lloyd iterations), seeded so that the
 * same data and seed give the same labels. Labels are renumbered by first appearance in
 * the training rows, so they do not depend on which initial centre came first.
 * Not label-identical to scikit-learn's KMeans (different RNG and init sampling); the
 * partition agrees on well-separated data.
 */
export class KMeans {
  readonly options: Required<KMeansOptions>;
  private state: { centroids: Float64Array[]; inertia: number; labels: Int32Array | null } | null = null;

  constructor(options: KMeansOptions) {
    const o = { ...DEFAULTS, ...options };
    for (const key of ['nClusters', 'nInit', 'maxIter'] as const) {
      if (!Number.isInteger(o[key]) || o[key] < 1) throw new RangeError(`KMeans: ${key} must be a positive integer, received ${o[key]}`);
    }
    if (!Number.isInteger(o.seed)) throw new RangeError(`KMeans: seed must be an integer, received ${o.seed}`);
    if (!(o.tol >= 0)) throw new RangeError(`KMeans: tol must be >= 0, received ${o.tol}`);
    this.options = o;
  }

  /** Centroids as nClusters x nFeatures rows (sklearn `cluster_centers_`). */
  get centroids(): number[][] {
    return this.fitted('centroids').centroids.map((c) => Array.from(c));
  }

  /** Sum of squared distances of the training rows to their centroid (sklearn `inertia_`). */
  get inertia(): number {
    return this.fitted('inertia').inertia;
  }

  /** Training labels (sklearn `labels_`); null after fromJSON. */
  get labels(): Int32Array | null {
    return this.fitted('labels').labels?.slice() ?? null;
  }

  fit(X: Matrix): this {
    checkMatrix('KMeans.fit', 'X', X);
    const k = this.options.nClusters;
    if (X.rows < k) throw new RangeError(`KMeans.fit: X must have at least nClusters = ${k} rows, received ${X.rows}`);
    const rows = matrixToRows(X);
    let best: { centroids: Float64Array[]; inertia: number; labels: Int32Array } | null = null;
    for (let r = 0; r < this.options.nInit; r++) {
      const res = kmeans(rows, k, {
        seed: this.options.seed + r,
        maxIterations: this.options.maxIter,
        tolerance: this.options.tol,
        initialization: 'kmeans++',
      });
      const centroids = res.centroids.map((c) => Float64Array.from(c));
      // labels and inertia recomputed against the final centroids (ml-kmeans' ids
      // come from the step before the last centre update)
      const { labels, inertia } = assign(X, centroids);
      if (!best || inertia < best.inertia) best = { centroids, inertia, labels };
    }
    const { centroids, labels, inertia } = relabel(best!);
    this.state = { centroids, labels, inertia };
    return this;
  }

  /** Index of the nearest centroid (squared Euclidean; ties go to the lower index). */
  predict(X: Matrix): Int32Array {
    const { centroids } = this.fitted('predict');
    checkMatrix('KMeans.predict', 'X', X);
    const p = centroids[0].length;
    if (X.cols !== p) throw new RangeError(`KMeans.predict: expected ${p} columns (as fitted), received ${X.cols}`);
    return assign(X, centroids).labels;
  }

  fitPredict(X: Matrix): Int32Array {
    this.fit(X);
    return this.state!.labels!.slice();
  }

  toJSON(): KMeansJSON {
    const { centroids, inertia } = this.fitted('toJSON');
    return { kind: 'KMeans', version: 1, options: { ...this.options }, centroids: centroids.map((c) => Array.from(c)), inertia };
  }

  static fromJSON(json: KMeansJSON): KMeans {
    if (json?.kind !== 'KMeans') throw new TypeError(`KMeans.fromJSON: expected kind 'KMeans', received ${JSON.stringify(json?.kind)}`);
    if (json.version !== 1) throw new RangeError(`KMeans.fromJSON: expected version 1, received ${json.version}`);
    if (json.centroids.length !== json.options.nClusters) {
      throw new RangeError(`KMeans.fromJSON: expected ${json.options.nClusters} centroids, received ${json.centroids.length}`);
    }
    const km = new KMeans(json.options);
    km.state = { centroids: json.centroids.map((c) => Float64Array.from(c)), inertia: json.inertia, labels: null };
    return km;
  }

  private fitted(fn: string) {
    if (!this.state) throw new Error(`KMeans.${fn}: not fitted (call fit first)`);
    return this.state;
  }
}

function assign(X: Matrix, centroids: Float64Array[]): { labels: Int32Array; inertia: number } {
  const { rows: n, cols: p } = X;
  const labels = new Int32Array(n);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let bestD = Infinity;
    let bestC = 0;
    for (let c = 0; c < centroids.length; c++) {
      const ctr = centroids[c];
      let d = 0;
      for (let j = 0; j < p; j++) {
        const diff = X.data[i * p + j] - ctr[j];
        d += diff * diff;
      }
      if (d < bestD) {
        bestD = d;
        bestC = c;
      }
    }
    labels[i] = bestC;
    inertia += bestD;
  }
  return { labels, inertia };
}

/** Renumber clusters by first appearance; clusters left empty keep the trailing ids. */
function relabel(fit: { centroids: Float64Array[]; inertia: number; labels: Int32Array }) {
  const k = fit.centroids.length;
  const map = new Int32Array(k).fill(-1);
  let next = 0;
  for (const l of fit.labels) if (map[l] < 0) map[l] = next++;
  for (let c = 0; c < k; c++) if (map[c] < 0) map[c] = next++;
  const centroids: Float64Array[] = new Array(k);
  for (let c = 0; c < k; c++) centroids[map[c]] = fit.centroids[c];
  const labels = fit.labels.map((l) => map[l]);
  return { centroids, labels, inertia: fit.inertia };
}
