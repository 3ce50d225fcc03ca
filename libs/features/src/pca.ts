import { PCA as MlPCA } from 'ml-pca';
import { EVD, Matrix as MlMatrix } from 'ml-matrix';
import { checkMatrix, createMatrix, type Matrix } from './matrix';

/** Options of {@link PCA}. */
export interface PCAOptions {
  /** Number of principal components to keep (<= min(rows, cols) of the fitted data). */
  nComponents: number;
  /**
   * 'svd': ml-pca's SVD of the centred data (scikit-learn's 'full' solver).
   * 'covariance': eigen-decomposition of the cols x cols covariance, far cheaper when
   * rows >> cols (MoA: 27k x 772); same components up to rounding.
   * 'auto': 'covariance' when rows * cols > 2e6, else 'svd'.
   * @default 'auto'
   */
  solver?: 'auto' | 'svd' | 'covariance';
}

/** Fitted state as written by {@link PCA.toJSON}. */
export interface PCAJSON {
  kind: 'PCA';
  version: 1;
  nComponents: number;
  nFeatures: number;
  mean: number[];
  /** nComponents rows of nFeatures (sklearn's `components_`). */
  components: number[][];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
}

/**
 * Principal component analysis equal to scikit-learn's `PCA(n_components=k)` with the
 * 'full' solver: centring, no whitening, explained variance with ddof = 1, and the sign
 * of each component fixed by sklearn's `svd_flip` rule (the largest |score| of each
 * component over the training rows is positive), so outputs match sklearn exactly
 * rather than up to sign. (sklearn switches to a randomized solver for large inputs
 * with few components; this class always solves exactly.)
 */
export class PCA {
  readonly nComponents: number;
  readonly solver: 'auto' | 'svd' | 'covariance';
  private state: { mean: Float64Array; components: Float64Array[]; ev: Float64Array; evr: Float64Array } | null = null;

  constructor(options: PCAOptions) {
    const k = options?.nComponents;
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`PCA: nComponents must be a positive integer, received ${k}`);
    const solver = options.solver ?? 'auto';
    if (!['auto', 'svd', 'covariance'].includes(solver)) {
      throw new RangeError(`PCA: solver must be 'auto', 'svd' or 'covariance', received ${JSON.stringify(solver)}`);
    }
    this.nComponents = k;
    this.solver = solver;
  }

  /** Per-feature means of the fitted data (sklearn `mean_`). */
  get mean(): Float64Array {
    return this.fitted('mean').mean.slice();
  }

  /** Components as an nComponents x nFeatures matrix (sklearn `components_`). */
  get components(): Matrix {
    const { components } = this.fitted('components');
    const out = createMatrix(components.length, components[0].length);
    components.forEach((c, i) => out.data.set(c, i * c.length));
    return out;
  }

  /** Variance along each kept component, ddof = 1 (sklearn `explained_variance_`). */
  get explainedVariance(): Float64Array {
    return this.fitted('explainedVariance').ev.slice();
  }

  /** Share of the total variance per kept component (sklearn `explained_variance_ratio_`). */
  get explainedVarianceRatio(): Float64Array {
    return this.fitted('explainedVarianceRatio').evr.slice();
  }

  fit(X: Matrix): this {
    checkMatrix('PCA.fit', 'X', X);
    const { rows: n, cols: p } = X;
    const k = this.nComponents;
    if (k > Math.min(n, p)) {
      throw new RangeError(`PCA.fit: nComponents must be <= min(rows, cols) = ${Math.min(n, p)}, received ${k}`);
    }
    if (n < 2) throw new RangeError(`PCA.fit: X must have at least 2 rows, received ${n}`);
    const mean = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] += X.data[i * p + j];
    for (let j = 0; j < p; j++) mean[j] /= n;

    const useCov = this.solver === 'covariance' || (this.solver === 'auto' && n * p > 2e6);
    const { vectors, variances } = useCov ? covarianceEigen(X, mean) : svdEigen(X);
    // total variance over every component, not only the kept ones (as sklearn's ratio)
    let total = 0;
    for (const v of variances) total += v;

    // svd_flip(u_based_decision=True): the sign of the largest-|u| entry of each left
    // singular vector is made positive; u is proportional to the training scores
    const kept = vectors.slice(0, k);
    const bestAbs = new Float64Array(k).fill(-1);
    const best = new Float64Array(k);
    const centred = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) centred[j] = X.data[i * p + j] - mean[j];
      for (let c = 0; c < k; c++) {
        const v = kept[c];
        let s = 0;
        for (let j = 0; j < p; j++) s += centred[j] * v[j];
        // strict '>' keeps the first maximum, like np.argmax
        if (Math.abs(s) > bestAbs[c]) {
          bestAbs[c] = Math.abs(s);
          best[c] = s;
        }
      }
    }
    const components = kept.map((v, c) => (best[c] < 0 ? v.map((x) => -x) : v.slice()));
    const ev = new Float64Array(k);
    const evr = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      ev[c] = variances[c];
      evr[c] = variances[c] / total;
    }
    this.state = { mean, components, ev, evr };
    return this;
  }

  /** Scores (X - mean) @ components.T, float64. */
  transform(X: Matrix): Matrix {
    const { mean, components } = this.fitted('transform');
    checkMatrix('PCA.transform', 'X', X);
    const p = mean.length;
    if (X.cols !== p) throw new RangeError(`PCA.transform: expected ${p} columns (as fitted), received ${X.cols}`);
    const k = components.length;
    const out = createMatrix(X.rows, k);
    const centred = new Float64Array(p);
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < p; j++) centred[j] = X.data[i * p + j] - mean[j];
      for (let c = 0; c < k; c++) {
        const v = components[c];
        let s = 0;
        for (let j = 0; j < p; j++) s += centred[j] * v[j];
        out.data[i * k + c] = s;
      }
    }
    return out;
  }

  fitTransform(X: Matrix): Matrix {
    return this.fit(X).transform(X);
  }

  toJSON(): PCAJSON {
    const { mean, components, ev, evr } = this.fitted('toJSON');
    return {
      kind: 'PCA',
      version: 1,
      nComponents: this.nComponents,
      nFeatures: mean.length,
      mean: Array.from(mean),
      components: components.map((c) => Array.from(c)),
      explainedVariance: Array.from(ev),
      explainedVarianceRatio: Array.from(evr),
    };
  }

  static fromJSON(json: PCAJSON): PCA {
    if (json?.kind !== 'PCA') throw new TypeError(`PCA.fromJSON: expected kind 'PCA', received ${JSON.stringify(json?.kind)}`);
    if (json.version !== 1) throw new RangeError(`PCA.fromJSON: expected version 1, received ${json.version}`);
    if (json.components.length !== json.nComponents) {
      throw new RangeError(`PCA.fromJSON: expected ${json.nComponents} components, received ${json.components.length}`);
    }
    json.components.forEach((c, i) => {
      if (c.length !== json.nFeatures) {
        throw new RangeError(`PCA.fromJSON: components[${i}] has ${c.length} values, expected ${json.nFeatures} (nFeatures)`);
      }
    });
    const pca = new PCA({ nComponents: json.nComponents });
    pca.state = {
      mean: Float64Array.from(json.mean),
      components: json.components.map((c) => Float64Array.from(c)),
      ev: Float64Array.from(json.explainedVariance),
      evr: Float64Array.from(json.explainedVarianceRatio),
    };
    return pca;
  }

  private fitted(fn: string) {
    if (!this.state) throw new Error(`PCA.${fn}: not fitted (call fit first)`);
    return this.state;
  }
}

interface Eigen {
  /** Unit eigenvectors, largest variance first. */
  vectors: Float64Array[];
  /** Variances (eigenvalues of the ddof=1 covariance), descending. */
  variances: number[];
}

function toMl(X: Matrix): MlMatrix {
  const m = new MlMatrix(X.rows, X.cols);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) m.set(i, j, X.data[i * X.cols + j]);
  return m;
}

function svdEigen(X: Matrix): Eigen {
  const model = new MlPCA(toMl(X), { method: 'SVD', center: true, scale: false });
  const U = model.getEigenvectors();
  const variances = model.getEigenvalues();
  const vectors: Float64Array[] = [];
  for (let c = 0; c < U.columns; c++) vectors.push(Float64Array.from(U.getColumn(c)));
  return { vectors, variances };
}

/**
 * Eigen-decomposition of the covariance accumulated in one pass over the rows.
 * (ml-pca's own 'covarianceMatrix' method reverses the eigenvector rows rather than
 * their order, so it is not used.)
 */
function covarianceEigen(X: Matrix, mean: Float64Array): Eigen {
  const { rows: n, cols: p } = X;
  const cov = new Float64Array(p * p);
  const centred = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) centred[j] = X.data[i * p + j] - mean[j];
    for (let a = 0; a < p; a++) {
      const ca = centred[a];
      if (ca === 0) continue;
      const off = a * p;
      for (let b = a; b < p; b++) cov[off + b] += ca * centred[b];
    }
  }
  const C = new MlMatrix(p, p);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      const v = cov[a * p + b] / (n - 1);
      C.set(a, b, v);
      C.set(b, a, v);
    }
  }
  const evd = new EVD(C, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  // only min(n - 1, p) eigenvalues are non-zero; clamp rounding negatives
  return {
    vectors: order.map((i) => Float64Array.from(vecs.getColumn(i))),
    variances: order.map((i) => Math.max(0, values[i])),
  };
}
