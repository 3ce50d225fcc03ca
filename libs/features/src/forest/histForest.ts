/**
 * HistRandomForestClassifier: a random forest (bootstrap + per-node feature
 * sampling + Gini, sklearn semantics) whose split search runs on
 * quantile-binned features (Uint8, <= 256 bins) with per-node class-count
 * histograms and the histogram subtraction trick — linear per tree level
 * instead of the sort-per-node of ml-random-forest / ml-cart.
 *
 * Trees may be grown on worker threads (nJobs > 1); each tree's RNG seed is
 * derived from (seed, tree index), so probabilities are bit-identical for any
 * nJobs. Leaves store class distributions; predictProbability averages them
 * over trees (sklearn's predict_proba).
 */
import { availableParallelism } from 'os';
import { fitBins, transformBins } from './binning';
import { deriveMixedSeed } from '@repro/cv';
import { decodeTyped, encodeTyped } from './serialize';
import { growTree, type BinnedData, type TreeArrays, type TreeConfig } from './tree';
import type { FeatureMatrix, ForestClassifier, ForestOptions, Labels, MaxFeatures } from './types';
import { checkLabels, checkMatrix, resolveMaxFeatures, resolveMaxSamples } from './validate';
import { growTreesParallel } from './workerPool';

export interface HistForestOptions extends ForestOptions {
  /**
   * Nodes with fewer rows than this use a sort-based split search instead of
   * histograms. Default: auto (about maxBins * nClasses / 8, clamped to [32, 4096]).
   */
  sortThreshold?: number;
  /** Rows used to fit the bin edges. Default 200,000. */
  binSubsample?: number;
}

export interface ResolvedHistForestOptions {
  nEstimators: number;
  maxDepth: number;
  maxFeatures: MaxFeatures;
  minSamplesLeaf: number;
  minSamplesSplit: number;
  maxBins: number;
  bootstrap: boolean;
  maxSamples: number | null;
  seed: number;
  nJobs: number;
  criterion: 'gini';
  nClasses: number | null;
  sortThreshold: number | null;
  binSubsample: number;
}

/** Flat storage of all trees: node arrays concatenated, child indices local to each tree. */
export interface ForestArrays {
  /** Tree t's nodes are [nodeOffset[t], nodeOffset[t+1]). */
  nodeOffset: Int32Array;
  /** Tree t's leaves are [leafOffset[t], leafOffset[t+1]). */
  leafOffset: Int32Array;
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  values: Float32Array;
}

export interface HistForestJSON {
  format: 'hist-random-forest';
  version: 1;
  options: ResolvedHistForestOptions;
  nClasses: number;
  nFeatures: number;
  nTrees: number;
  nodeOffset: string;
  leafOffset: string;
  feature: string;
  threshold: string;
  left: string;
  right: string;
  values: string;
}

const NAME = 'HistRandomForestClassifier';

function intOption(name: string, v: number | undefined, dflt: number, min: number, max = Infinity): number {
  const x = v ?? dflt;
  if (!Number.isInteger(x) || x < min || x > max) {
    throw new RangeError(`${NAME}: option ${name} must be an integer in [${min}, ${max}] (received ${String(v)})`);
  }
  return x;
}

export function resolveHistOptions(o: HistForestOptions = {}): ResolvedHistForestOptions {
  const maxDepth = o.maxDepth === null || o.maxDepth === Infinity ? Infinity : intOption('maxDepth', o.maxDepth ?? undefined, 19, 0);
  let nJobs = o.nJobs ?? 1;
  if (nJobs === -1) nJobs = availableParallelism();
  nJobs = intOption('nJobs', nJobs, 1, 1);
  if (o.criterion !== undefined && o.criterion !== 'gini') {
    throw new RangeError(`${NAME}: option criterion must be 'gini' (received ${String(o.criterion)})`);
  }
  if (o.nClasses !== undefined) intOption('nClasses', o.nClasses, 1, 1);
  if (o.sortThreshold !== undefined) intOption('sortThreshold', o.sortThreshold, 1, 1, 1 << 20);
  return {
    nEstimators: intOption('nEstimators', o.nEstimators, 100, 1),
    maxDepth,
    maxFeatures: o.maxFeatures ?? 'sqrt',
    minSamplesLeaf: intOption('minSamplesLeaf', o.minSamplesLeaf, 1, 1),
    minSamplesSplit: intOption('minSamplesSplit', o.minSamplesSplit, 2, 2),
    maxBins: intOption('maxBins', o.maxBins, 255, 2, 256),
    bootstrap: o.bootstrap ?? true,
    maxSamples: o.maxSamples ?? null,
    seed: intOption('seed', o.seed, 42, -(2 ** 31), 2 ** 32 - 1),
    nJobs,
    criterion: 'gini',
    nClasses: o.nClasses ?? null,
    sortThreshold: o.sortThreshold ?? null,
    binSubsample: intOption('binSubsample', o.binSubsample, 200_000, 1000),
  };
}

/** Timings of the last `train` call, in milliseconds. */
export interface TrainTimings {
  binning: number;
  trees: number;
  total: number;
}

export class HistRandomForestClassifier implements ForestClassifier {
  readonly kind = 'hist' as const;
  readonly options: ResolvedHistForestOptions;
  nClasses = 0;
  nFeatures = 0;
  lastTrainTimings: TrainTimings | null = null;
  private forest: ForestArrays | null = null;

  constructor(options: HistForestOptions = {}) {
    this.options = resolveHistOptions(options);
  }

  get nTrees(): number {
    return this.forest ? this.forest.nodeOffset.length - 1 : 0;
  }

  /** Total number of nodes over all trees. */
  get nNodes(): number {
    return this.forest ? this.forest.feature.length : 0;
  }

  /** Fits the forest; trees are grown on `nJobs` worker threads when nJobs > 1. */
  /** `onTree(done, total)` after each tree (for a progress bar: a forest on millions of rows takes minutes). */
  async train(X: FeatureMatrix, y: Labels, options: { onTree?: (done: number, total: number) => void } = {}): Promise<void> {
    const t0 = performance.now();
    const prep = this.prepare(X, y);
    const t1 = performance.now();
    const { data, cfg, seeds, edges, edgeOffset } = prep;
    const trees =
      this.options.nJobs > 1 && seeds.length > 1
        ? await growTreesParallel(data, cfg, seeds, this.options.nJobs, options.onTree)
        : seeds.map((s, t) => {
            const tree = growTree(data, cfg, s);
            options.onTree?.(t + 1, seeds.length);
            return tree;
          });
    this.forest = packTrees(trees, edges, edgeOffset, cfg.nClasses);
    const t2 = performance.now();
    this.lastTrainTimings = { binning: t1 - t0, trees: t2 - t1, total: t2 - t0 };
  }

  /** Synchronous fit on the calling thread (ignores nJobs); same result as `train`. */
  trainSync(X: FeatureMatrix, y: Labels): void {
    const t0 = performance.now();
    const { data, cfg, seeds, edges, edgeOffset } = this.prepare(X, y);
    const t1 = performance.now();
    const trees = seeds.map((s) => growTree(data, cfg, s));
    this.forest = packTrees(trees, edges, edgeOffset, cfg.nClasses);
    const t2 = performance.now();
    this.lastTrainTimings = { binning: t1 - t0, trees: t2 - t1, total: t2 - t0 };
  }

  private prepare(X: FeatureMatrix, y: Labels) {
    const where = `${NAME}.train`;
    checkMatrix(where, X);
    const o = this.options;
    const { labels, nClasses } = checkLabels(where, X, y, o.nClasses ?? undefined);
    const mtry = resolveMaxFeatures(where, o.maxFeatures, X.cols);
    const nSamples = resolveMaxSamples(where, o.maxSamples, X.rows, o.bootstrap);
    const mapper = fitBins(X, o.maxBins, o.seed, o.binSubsample);
    const bins = transformBins(X, mapper, true);
    const ySab = labels instanceof Uint8Array
      ? new Uint8Array(new SharedArrayBuffer(labels.length))
      : new Int32Array(new SharedArrayBuffer(labels.length * 4));
    ySab.set(labels);
    let maxNb = 2;
    for (const nb of mapper.nBins) maxNb = Math.max(maxNb, nb);
    const cfg: TreeConfig = {
      nClasses,
      maxDepth: o.maxDepth,
      mtry,
      minSamplesLeaf: o.minSamplesLeaf,
      minSamplesSplit: o.minSamplesSplit,
      bootstrap: o.bootstrap,
      nSamples,
      sortThreshold: o.sortThreshold ?? Math.min(4096, Math.max(32, Math.round((maxNb * nClasses) / 8))),
    };
    const data: BinnedData = { bins, rows: X.rows, cols: X.cols, y: ySab, nBins: mapper.nBins };
    const seeds = Array.from({ length: o.nEstimators }, (_, t) => deriveMixedSeed(o.seed, t));
    this.nClasses = nClasses;
    this.nFeatures = X.cols;
    return { data, cfg, seeds, edges: mapper.edges, edgeOffset: mapper.edgeOffset };
  }

  private requireForest(where: string): ForestArrays {
    if (!this.forest) throw new Error(`${NAME}.${where}: the forest is not trained (call train() or fromJSON() first)`);
    return this.forest;
  }

  /** Mean of the trees' leaf class distributions, row-major rows x nClasses. */
  predictProbability(X: FeatureMatrix): Float32Array {
    const F = this.requireForest('predictProbability');
    checkMatrix(`${NAME}.predictProbability`, X, this.nFeatures);
    return predictForest(F, X, this.nClasses);
  }

  predict(X: FeatureMatrix): Int32Array {
    const p = this.predictProbability(X);
    return argmaxRows(p, X.rows, this.nClasses);
  }

  toJSON(): HistForestJSON {
    const F = this.requireForest('toJSON');
    return {
      format: 'hist-random-forest',
      version: 1,
      options: { ...this.options, maxDepth: this.options.maxDepth === Infinity ? (null as unknown as number) : this.options.maxDepth },
      nClasses: this.nClasses,
      nFeatures: this.nFeatures,
      nTrees: this.nTrees,
      nodeOffset: encodeTyped(F.nodeOffset),
      leafOffset: encodeTyped(F.leafOffset),
      feature: encodeTyped(F.feature),
      threshold: encodeTyped(F.threshold),
      left: encodeTyped(F.left),
      right: encodeTyped(F.right),
      values: encodeTyped(F.values),
    };
  }

  static fromJSON(json: HistForestJSON | string): HistRandomForestClassifier {
    const j: HistForestJSON = typeof json === 'string' ? JSON.parse(json) : json;
    if (!j || j.format !== 'hist-random-forest' || j.version !== 1) {
      throw new RangeError(`${NAME}.fromJSON: expected format 'hist-random-forest' version 1 (received ${j && j.format} version ${j && j.version})`);
    }
    const opts = { ...j.options, maxDepth: j.options.maxDepth ?? Infinity } as HistForestOptions;
    const m = new HistRandomForestClassifier(opts);
    m.nClasses = j.nClasses;
    m.nFeatures = j.nFeatures;
    const F: ForestArrays = {
      nodeOffset: decodeTyped(j.nodeOffset, Int32Array, 'nodeOffset'),
      leafOffset: decodeTyped(j.leafOffset, Int32Array, 'leafOffset'),
      feature: decodeTyped(j.feature, Int32Array, 'feature'),
      threshold: decodeTyped(j.threshold, Float32Array, 'threshold'),
      left: decodeTyped(j.left, Int32Array, 'left'),
      right: decodeTyped(j.right, Int32Array, 'right'),
      values: decodeTyped(j.values, Float32Array, 'values'),
    };
    const nNodes = F.feature.length;
    if (F.nodeOffset.length !== j.nTrees + 1 || F.nodeOffset[j.nTrees] !== nNodes || F.threshold.length !== nNodes ||
        F.left.length !== nNodes || F.right.length !== nNodes || F.values.length !== F.leafOffset[j.nTrees] * j.nClasses) {
      throw new RangeError(`${NAME}.fromJSON: inconsistent array lengths (nTrees=${j.nTrees}, nodes=${nNodes})`);
    }
    m.forest = F;
    return m;
  }
}

/** Concatenates trees and converts split bins to float thresholds (x <= edge goes left). */
export function packTrees(trees: TreeArrays[], edges: Float32Array, edgeOffset: Int32Array, K: number): ForestArrays {
  const T = trees.length;
  const nodeOffset = new Int32Array(T + 1);
  const leafOffset = new Int32Array(T + 1);
  for (let t = 0; t < T; t++) {
    nodeOffset[t + 1] = nodeOffset[t] + trees[t].feature.length;
    leafOffset[t + 1] = leafOffset[t] + trees[t].values.length / K;
  }
  const n = nodeOffset[T];
  const feature = new Int32Array(n);
  const threshold = new Float32Array(n);
  const left = new Int32Array(n);
  const right = new Int32Array(n);
  const values = new Float32Array(leafOffset[T] * K);
  for (let t = 0; t < T; t++) {
    const tr = trees[t];
    const o = nodeOffset[t];
    feature.set(tr.feature, o);
    left.set(tr.left, o);
    right.set(tr.right, o);
    values.set(tr.values, leafOffset[t] * K);
    for (let i = 0; i < tr.feature.length; i++) {
      const f = tr.feature[i];
      if (f >= 0) threshold[o + i] = edges[edgeOffset[f] + tr.thresholdBin[i]];
    }
  }
  return { nodeOffset, leafOffset, feature, threshold, left, right, values };
}

/** Tree-major traversal over row chunks; float64 accumulation. */
export function predictForest(F: ForestArrays, X: FeatureMatrix, K: number): Float32Array {
  const { data, rows, cols } = X;
  const { nodeOffset, leafOffset, feature, threshold, left, right, values } = F;
  const T = nodeOffset.length - 1;
  const out = new Float32Array(rows * K);
  const CHUNK = 8192;
  const acc = new Float64Array(CHUNK * K);
  for (let r0 = 0; r0 < rows; r0 += CHUNK) {
    const r1 = Math.min(rows, r0 + CHUNK);
    acc.fill(0);
    for (let t = 0; t < T; t++) {
      const nb = nodeOffset[t];
      const vb = leafOffset[t] * K;
      for (let r = r0; r < r1; r++) {
        const xo = r * cols;
        let node = nb;
        let f = feature[node];
        while (f >= 0) {
          node = nb + (data[xo + f] <= threshold[node] ? left[node] : right[node]);
          f = feature[node];
        }
        const vo = vb + left[node] * K;
        const ao = (r - r0) * K;
        for (let c = 0; c < K; c++) acc[ao + c] += values[vo + c];
      }
    }
    const inv = 1 / T;
    for (let i = 0, e = (r1 - r0) * K; i < e; i++) out[r0 * K + i] = acc[i] * inv;
  }
  return out;
}

export function argmaxRows(p: Float32Array, rows: number, K: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bv = p[r * K];
    for (let c = 1; c < K; c++) {
      if (p[r * K + c] > bv) {
        bv = p[r * K + c];
        best = c;
      }
    }
    out[r] = best;
  }
  return out;
}
