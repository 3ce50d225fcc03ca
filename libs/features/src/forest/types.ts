/**
 * Shared types of the forest module: the dense feature matrix layout and the
 * `ForestClassifier` interface implemented by both the histogram forest and
 * the `ml-random-forest` adapter (so callers can swap them).
 */

/** Dense row-major float matrix: element (r, c) is `data[r * cols + c]`. */
export interface FeatureMatrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** Class labels 0..K-1; Int32Array preferred, any numeric array accepted. */
export type Labels = Int32Array | Uint8Array | Uint16Array | Float32Array | Float64Array | ArrayLike<number>;

/**
 * `'sqrt'` (floor(sqrt(cols)), sklearn's classifier default), `'log2'`,
 * `'all'`, an integer >= 1 (that many features), or a fraction in (0, 1)
 * (max(1, floor(fraction * cols))).
 */
export type MaxFeatures = 'sqrt' | 'log2' | 'all' | number;

export type ForestKind = 'hist' | 'ml-random-forest';

export interface ForestOptions {
  /** Number of trees. Default 100. */
  nEstimators?: number;
  /** Maximum depth (root = depth 0). Default 19; `Infinity`/`null` = unlimited. */
  maxDepth?: number | null;
  /** Features sampled per split (per tree for ml-random-forest). Default 'sqrt'. */
  maxFeatures?: MaxFeatures;
  /** Minimum (bootstrap-weighted) samples in a leaf. Default 1. */
  minSamplesLeaf?: number;
  /** Minimum (bootstrap-weighted) samples to split a node. Default 2. */
  minSamplesSplit?: number;
  /** Histogram bins per feature, 2..256. Default 255. (hist only) */
  maxBins?: number;
  /** Sample rows with replacement per tree. Default true. */
  bootstrap?: boolean;
  /**
   * Rows drawn per tree: a fraction in (0, 1] of the rows or an integer
   * count > 1. Default: all rows (n draws with replacement when bootstrap).
   */
  maxSamples?: number | null;
  /** Forest seed (32-bit integer). Default 42. */
  seed?: number;
  /** Worker threads used to grow trees; -1 = all cores. Default 1. (hist only) */
  nJobs?: number;
  /** Split criterion; only Gini is implemented. */
  criterion?: 'gini';
  /** Number of classes; inferred as max(y) + 1 when omitted. */
  nClasses?: number;
}

/** Common surface of the random-forest classifiers. */
export interface ForestClassifier {
  readonly kind: ForestKind;
  /** Number of classes (0 before training). */
  readonly nClasses: number;
  /** Fits the forest. Async because nJobs > 1 runs on worker threads. */
  train(X: FeatureMatrix, y: Labels): Promise<void>;
  /** Class probabilities, row-major `rows x nClasses`; each row sums to 1. */
  predictProbability(X: FeatureMatrix): Float32Array;
  /** Arg-max class per row. */
  predict(X: FeatureMatrix): Int32Array;
  /** JSON-serialisable model (restore with the class's static `fromJSON`). */
  toJSON(): unknown;
}
