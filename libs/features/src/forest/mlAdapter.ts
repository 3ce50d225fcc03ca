/**
 * `ForestClassifier` adapter over `ml-random-forest` (mljs). Only sensible for
 * small data: its CART trees sort per node and it copies the data per tree.
 * Notes on semantics vs the hist forest / sklearn:
 * - ml-random-forest samples `maxFeatures` features once per tree (not per split);
 * - probabilities are the fraction of trees voting for each class (its trees
 *   only expose the arg-max class);
 * - OOB bookkeeping is disabled (`noOOB: true`): it crashes on small data.
 */
import { RandomForestClassifier } from 'ml-random-forest';
import type { FeatureMatrix, ForestClassifier, ForestOptions, Labels } from './types';
import { checkLabels, checkMatrix, resolveMaxFeatures, resolveMaxSamples } from './validate';

const NAME = 'MlRandomForestClassifier';

export interface MlForestOptions extends ForestOptions {
  /** Sample the per-tree feature subset with replacement (ml-random-forest option). Default false. */
  replacement?: boolean;
}

export interface MlForestJSON {
  format: 'ml-random-forest';
  nClasses: number;
  nFeatures: number;
  model: unknown;
}

function toRows(X: FeatureMatrix): number[][] {
  const out: number[][] = new Array(X.rows);
  for (let r = 0; r < X.rows; r++) out[r] = Array.from(X.data.subarray(r * X.cols, (r + 1) * X.cols));
  return out;
}

export class MlRandomForestClassifier implements ForestClassifier {
  readonly kind = 'ml-random-forest' as const;
  readonly options: MlForestOptions;
  nClasses = 0;
  nFeatures = 0;
  private rf: RandomForestClassifier | null = null;

  constructor(options: MlForestOptions = {}) {
    if (options.criterion !== undefined && options.criterion !== 'gini') {
      throw new RangeError(`${NAME}: option criterion must be 'gini' (received ${String(options.criterion)})`);
    }
    this.options = { ...options };
  }

  async train(X: FeatureMatrix, y: Labels): Promise<void> {
    this.trainSync(X, y);
  }

  trainSync(X: FeatureMatrix, y: Labels): void {
    const where = `${NAME}.train`;
    checkMatrix(where, X);
    const o = this.options;
    const { labels, nClasses } = checkLabels(where, X, y, o.nClasses);
    const mtry = resolveMaxFeatures(where, o.maxFeatures, X.cols);
    const bootstrap = o.bootstrap ?? true;
    const nSamples = resolveMaxSamples(where, o.maxSamples, X.rows, bootstrap);
    const maxDepth = o.maxDepth === null || o.maxDepth === undefined ? 19 : o.maxDepth;
    const rfOptions: Record<string, unknown> = {
      nEstimators: o.nEstimators ?? 100,
      maxFeatures: mtry,
      replacement: o.replacement ?? false,
      seed: o.seed ?? 42,
      useSampleBagging: bootstrap,
      noOOB: true,
      treeOptions: {
        gainFunction: 'gini',
        maxDepth,
        minNumSamples: Math.max(o.minSamplesSplit ?? 2, 2 * (o.minSamplesLeaf ?? 1)),
      },
    };
    if (nSamples !== X.rows) rfOptions.maxSamples = nSamples;
    const rf = new RandomForestClassifier(rfOptions);
    rf.train(toRows(X), Array.from(labels));
    this.rf = rf;
    this.nClasses = nClasses;
    this.nFeatures = X.cols;
  }

  private requireModel(where: string): RandomForestClassifier {
    if (!this.rf) throw new Error(`${NAME}.${where}: the forest is not trained (call train() or fromJSON() first)`);
    return this.rf;
  }

  /** Fraction of trees voting for each class, rows x nClasses. */
  predictProbability(X: FeatureMatrix): Float32Array {
    const rf = this.requireModel('predictProbability');
    checkMatrix(`${NAME}.predictProbability`, X, this.nFeatures);
    const votes = rf.predictionValues(toRows(X));
    const K = this.nClasses;
    const T = votes.columns;
    const out = new Float32Array(X.rows * K);
    for (let r = 0; r < X.rows; r++) {
      for (let t = 0; t < T; t++) {
        const c = votes.get(r, t);
        if (c >= 0 && c < K) out[r * K + c] += 1 / T;
      }
    }
    return out;
  }

  predict(X: FeatureMatrix): Int32Array {
    const p = this.predictProbability(X);
    const K = this.nClasses;
    const out = new Int32Array(X.rows);
    for (let r = 0; r < X.rows; r++) {
      let best = 0;
      for (let c = 1; c < K; c++) if (p[r * K + c] > p[r * K + best]) best = c;
      out[r] = best;
    }
    return out;
  }

  toJSON(): MlForestJSON {
    const rf = this.requireModel('toJSON');
    return { format: 'ml-random-forest', nClasses: this.nClasses, nFeatures: this.nFeatures, model: rf.toJSON() };
  }

  static fromJSON(json: MlForestJSON | string, options: MlForestOptions = {}): MlRandomForestClassifier {
    const j: MlForestJSON = typeof json === 'string' ? JSON.parse(json) : json;
    if (!j || j.format !== 'ml-random-forest') {
      throw new RangeError(`${NAME}.fromJSON: expected format 'ml-random-forest' (received ${j && j.format})`);
    }
    const m = new MlRandomForestClassifier(options);
    m.rf = RandomForestClassifier.load(JSON.parse(JSON.stringify(j.model)));
    m.nClasses = j.nClasses;
    m.nFeatures = j.nFeatures;
    return m;
  }
}
