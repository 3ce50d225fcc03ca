/**
 * Step 2: features, as seed 004 (and seed 001's TabNet) build them.
 *
 *   RankGauss      QuantileTransformer(n_quantiles=100, output 'normal', random_state=42) on genes+cells
 *   PCA            of the RankGauss'd genes (seed 004 family: 600) and cells (50)
 *   variance       VarianceThreshold on [genes, cells, gene PCA, cell PCA] (drops the weak PCA tail)
 *   K-Means        cluster labels of genes, cells and of the PCA features, one-hot (pd.get_dummies)
 *   statistics     the 15 row statistics (sum, mean, std, kurt, skew of g, c, g+c) of the RankGauss'd features
 *   categorical    cp_time (24/48/72) and cp_dose (D1/D2) one-hot; cp_type is not a feature:
 *                  ctl_vehicle rows are dropped from training and predicted 0
 *
 * Every transform is unsupervised and, as in seed 004, fitted once on the
 * train+test features (`features.fitOn`): nothing here depends on the CV fold,
 * so the fitted state is computed once per run and stored as JSON in the
 * run's `features/state.json` (infer re-applies it to new test features).
 *
 * Member inputs:
 *   dense     [first pcaGenes gene PCs, first pcaCells cell PCs]  and  [872 RankGauss'd features, 15 statistics]
 *   cnn1d     the 872 features (raw, or RankGauss'd), as [872, 1]
 *   tabnet    (inputs 'seed001') seed 001's list, unfiltered: [cp_type, cp_time, cp_dose codes, 872 RankGauss'd
 *             features, every gene and cell PC, one cluster label per clustering, statistics]
 *   transfer  the full set: [variance-selected, cluster one-hots, statistics, cp_time/cp_dose one-hots]
 *             (also tabnet with inputs 'seed004')
 *
 * Seed 004's order, as its kernel: the variance threshold sees [genes, cells, PCs] only; the
 * clusters and statistics are added after it (a one-hot column's variance is at most 0.25, so a
 * 0.8 threshold after them would drop every cluster feature).
 */
import {
  KMeans,
  KMeansJSON,
  MOA_ROW_STATISTICS,
  Matrix,
  PCA,
  PCAJSON,
  QuantileTransformer,
  QuantileTransformerJSON,
  VarianceThreshold,
  VarianceThresholdJSON,
  rowStatistics,
} from '@repro/features';
import { MoaFeatures } from '@repro/io';
import type { MoaConfig } from './config';

export interface FeatureState {
  version: 1;
  /** The training features file's header (infer checks a test file against it). */
  columns: string[];
  options: MoaConfig['features'];
  fittedOnRows: number;
  rankGauss: QuantileTransformerJSON;
  pcaGenes: PCAJSON;
  pcaCells: PCAJSON;
  varianceThreshold: VarianceThresholdJSON;
  kmeans: { genes?: KMeansJSON; cells?: KMeansJSON; pca?: KMeansJSON };
  /** Width of each block of the full feature set. */
  widths: { selected: number; clusters: number; stats: number; categorical: number };
}

/** Every feature block of a set of rows, row-major float32. */
export interface FeatureSet {
  nRows: number;
  /** 872 genes+cells as read. */
  raw: Float32Array;
  /** 872 genes+cells after RankGauss. */
  rankGauss: Float32Array;
  pcaGenes: Float32Array;
  pcaCells: Float32Array;
  /** Variance-selected [genes, cells, gene PCA, cell PCA]. */
  selected: Float32Array;
  clusters: Float32Array;
  stats: Float32Array;
  categorical: Float32Array;
  /** cp_type (trt_cp 0, ctl_vehicle 1), cp_time (24/48/72 -> 0/1/2), cp_dose (D1/D2 -> 0/1) as integer codes. */
  codes: Float32Array;
  /** One K-Means label (0..k-1) per clustering (genes, cells, PCA; those that are on). */
  clusterLabels: Float32Array;
  widths: { raw: number; pcaGenes: number; pcaCells: number; selected: number; clusters: number; stats: number; categorical: number; codes: number; clusterLabels: number };
}

const N_RAW = 872;
const N_GENES = 772;
const CATEGORICAL = 5;

const mat = (data: Float32Array | Float64Array, rows: number, cols: number): Matrix => ({ data, rows, cols });

function rawMatrix(f: MoaFeatures): Float32Array {
  const out = new Float32Array(f.nRows * N_RAW);
  for (let i = 0; i < f.nRows; i++) {
    out.set(f.genes.subarray(i * N_GENES, (i + 1) * N_GENES), i * N_RAW);
    out.set(f.cells.subarray(i * 100, (i + 1) * 100), i * N_RAW + N_GENES);
  }
  return out;
}

function vstack(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function columns(M: Float32Array, rows: number, cols: number, from: number, to: number): Float32Array {
  const w = to - from;
  const out = new Float32Array(rows * w);
  for (let i = 0; i < rows; i++) out.set(M.subarray(i * cols + from, i * cols + to), i * w);
  return out;
}

function hcat(rows: number, blocks: { data: Float32Array | Float64Array; cols: number }[]): Float32Array {
  const cols = blocks.reduce((s, b) => s + b.cols, 0);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let off = i * cols;
    for (const b of blocks) {
      for (let j = 0; j < b.cols; j++) out[off + j] = b.data[i * b.cols + j];
      off += b.cols;
    }
  }
  return out;
}

function oneHot(labels: Int32Array, k: number): Float32Array {
  const out = new Float32Array(labels.length * k);
  labels.forEach((l, i) => (out[i * k + l] = 1));
  return out;
}

function codes(f: MoaFeatures): Float32Array {
  const out = new Float32Array(f.nRows * 3);
  for (let i = 0; i < f.nRows; i++) {
    out[i * 3] = f.cpType[i];
    out[i * 3 + 1] = [24, 48, 72].indexOf(f.cpTime[i]);
    out[i * 3 + 2] = f.cpDose[i];
  }
  return out;
}

function categorical(f: MoaFeatures): Float32Array {
  const out = new Float32Array(f.nRows * CATEGORICAL);
  for (let i = 0; i < f.nRows; i++) {
    out[i * CATEGORICAL + [24, 48, 72].indexOf(f.cpTime[i])] = 1;
    out[i * CATEGORICAL + 3 + f.cpDose[i]] = 1;
  }
  return out;
}

const f32 = (m: Matrix): Float32Array => (m.data instanceof Float32Array ? m.data : Float32Array.from(m.data));

/** Fit every transform on `fitRows` (train, or train+test) and return the state. */
export function fitFeatureState(train: MoaFeatures, test: MoaFeatures | undefined, options: MoaConfig['features'], log: (l: string) => void = () => {}): FeatureState {
  const t0 = Date.now();
  const useTest = options.fitOn === 'train+test' && test !== undefined;
  const raw = useTest ? vstack(rawMatrix(train), rawMatrix(test!)) : rawMatrix(train);
  const n = raw.length / N_RAW;
  const qt = new QuantileTransformer({ nQuantiles: options.nQuantiles, outputDistribution: 'normal', randomState: 42 });
  const rg = f32(qt.fitTransform(mat(raw, n, N_RAW)));
  const genes = columns(rg, n, N_RAW, 0, N_GENES);
  const cells = columns(rg, n, N_RAW, N_GENES, N_RAW);
  const kG = Math.min(options.pcaGenes, n, N_GENES);
  const kC = Math.min(options.pcaCells, n, 100);
  const pcaG = new PCA({ nComponents: kG });
  const pG = f32(pcaG.fitTransform(mat(genes, n, N_GENES)));
  const pcaC = new PCA({ nComponents: kC });
  const pC = f32(pcaC.fitTransform(mat(cells, n, 100)));
  log(`[features] RankGauss + PCA (${kG} gene, ${kC} cell components) fitted on ${n} rows (${options.fitOn}) in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  const toSelect = hcat(n, [
    { data: rg, cols: N_RAW },
    { data: pG, cols: kG },
    { data: pC, cols: kC },
  ]);
  const vt = new VarianceThreshold({ threshold: options.varianceThreshold }).fit(mat(toSelect, n, N_RAW + kG + kC));
  const km: FeatureState['kmeans'] = {};
  const t1 = Date.now();
  const fitKm = (k: number, data: Float32Array, cols: number, seed: number) =>
    new KMeans({ nClusters: k, seed, nInit: options.kmeans.nInit, maxIter: options.kmeans.maxIter }).fit(mat(data, n, cols)).toJSON();
  if (options.kmeans.genes) km.genes = fitKm(options.kmeans.genes, genes, N_GENES, 42);
  if (options.kmeans.cells) km.cells = fitKm(options.kmeans.cells, cells, 100, 42);
  if (options.kmeans.pca) km.pca = fitKm(options.kmeans.pca, hcat(n, [{ data: pG, cols: kG }, { data: pC, cols: kC }]), kG + kC, 42);
  log(`[features] K-Means (genes ${options.kmeans.genes}, cells ${options.kmeans.cells}, PCA ${options.kmeans.pca} clusters) in ${((Date.now() - t1) / 1000).toFixed(1)}s`);
  const state: FeatureState = {
    version: 1,
    columns: [...train.header],
    options,
    fittedOnRows: n,
    rankGauss: qt.toJSON(),
    pcaGenes: pcaG.toJSON(),
    pcaCells: pcaC.toJSON(),
    varianceThreshold: vt.toJSON(),
    kmeans: km,
    widths: {
      selected: vt.support.length,
      clusters: (options.kmeans.genes || 0) + (options.kmeans.cells || 0) + (options.kmeans.pca || 0),
      stats: 15,
      categorical: CATEGORICAL,
    },
  };
  return state;
}

/** Apply a fitted state to features (train or test rows). */
export function applyFeatureState(state: FeatureState, f: MoaFeatures): FeatureSet {
  const n = f.nRows;
  const raw = rawMatrix(f);
  const rg = f32(QuantileTransformer.fromJSON(state.rankGauss).transform(mat(raw, n, N_RAW)));
  const genes = columns(rg, n, N_RAW, 0, N_GENES);
  const cells = columns(rg, n, N_RAW, N_GENES, N_RAW);
  const pG = f32(PCA.fromJSON(state.pcaGenes).transform(mat(genes, n, N_GENES)));
  const pC = f32(PCA.fromJSON(state.pcaCells).transform(mat(cells, n, 100)));
  const kG = state.pcaGenes.nComponents;
  const kC = state.pcaCells.nComponents;
  const toSelect = hcat(n, [
    { data: rg, cols: N_RAW },
    { data: pG, cols: kG },
    { data: pC, cols: kC },
  ]);
  const selected = f32(VarianceThreshold.fromJSON(state.varianceThreshold).transform(mat(toSelect, n, N_RAW + kG + kC)));
  const blocks: { data: Float32Array; cols: number }[] = [];
  const labelBlocks: { data: Float32Array; cols: number }[] = [];
  const km = state.kmeans;
  const addClustering = (k: KMeansJSON, data: Float32Array, cols: number) => {
    const labels = KMeans.fromJSON(k).predict(mat(data, n, cols));
    blocks.push({ data: oneHot(labels, k.options.nClusters), cols: k.options.nClusters });
    labelBlocks.push({ data: Float32Array.from(labels), cols: 1 });
  };
  if (km.genes) addClustering(km.genes, genes, N_GENES);
  if (km.cells) addClustering(km.cells, cells, 100);
  if (km.pca) addClustering(km.pca, hcat(n, [{ data: pG, cols: kG }, { data: pC, cols: kC }]), kG + kC);
  const clusterCols = blocks.reduce((s, b) => s + b.cols, 0);
  const clusters = blocks.length ? hcat(n, blocks) : new Float32Array(0);
  const clusterLabels = labelBlocks.length ? hcat(n, labelBlocks) : new Float32Array(0);
  const gIdx = Array.from({ length: N_GENES }, (_, j) => j);
  const cIdx = Array.from({ length: 100 }, (_, j) => N_GENES + j);
  const stats = f32(
    rowStatistics(mat(rg, n, N_RAW), [
      { name: 'g', columns: gIdx },
      { name: 'c', columns: cIdx },
      { name: 'gc', columns: [...gIdx, ...cIdx] },
    ], { stats: MOA_ROW_STATISTICS }).matrix,
  );
  return {
    nRows: n,
    raw,
    rankGauss: rg,
    pcaGenes: pG,
    pcaCells: pC,
    selected,
    clusters,
    stats,
    categorical: categorical(f),
    codes: codes(f),
    clusterLabels,
    widths: { raw: N_RAW, pcaGenes: kG, pcaCells: kC, selected: state.widths.selected, clusters: clusterCols, stats: 15, categorical: CATEGORICAL, codes: 3, clusterLabels: labelBlocks.length },
  };
}

/** Inputs of one member for the given rows of a feature set: one array per model input and its row width(s). */
export interface MemberInputs {
  x: Float32Array[];
  /** Shape of one row of each input (e.g. [60], [887] or [872, 1]). */
  rowShapes: number[][];
}

export function memberInputs(kind: MoaConfig['members'][number], fs: FeatureSet, config: MoaConfig): MemberInputs {
  const n = fs.nRows;
  const w = fs.widths;
  if (kind === 'dense') {
    const g = config.dense.pcaGenes;
    const c = config.dense.pcaCells;
    const x1 = hcat(n, [
      { data: columns(fs.pcaGenes, n, w.pcaGenes, 0, g), cols: g },
      { data: columns(fs.pcaCells, n, w.pcaCells, 0, c), cols: c },
    ]);
    const x2 = hcat(n, [{ data: fs.rankGauss, cols: N_RAW }, { data: fs.stats, cols: 15 }]);
    return { x: [x1, x2], rowShapes: [[g + c], [N_RAW + 15]] };
  }
  if (kind === 'cnn1d') {
    return { x: [config.cnn1d.input === 'raw' ? fs.raw : fs.rankGauss], rowShapes: [[N_RAW, 1]] };
  }
  if (kind === 'tabnet' && config.tabnet.inputs === 'seed001') {
    const blocks = [
      { data: fs.codes, cols: w.codes },
      { data: fs.rankGauss, cols: N_RAW },
      { data: fs.pcaGenes, cols: w.pcaGenes },
      { data: fs.pcaCells, cols: w.pcaCells },
      { data: fs.clusterLabels, cols: w.clusterLabels },
      { data: fs.stats, cols: w.stats },
    ];
    return { x: [hcat(n, blocks)], rowShapes: [[blocks.reduce((s, b) => s + b.cols, 0)]] };
  }
  const full = hcat(n, [
    { data: fs.selected, cols: w.selected },
    { data: fs.clusters, cols: w.clusters },
    { data: fs.stats, cols: w.stats },
    { data: fs.categorical, cols: w.categorical },
  ]);
  return { x: [full], rowShapes: [[w.selected + w.clusters + w.stats + w.categorical]] };
}

/** Rows `rows` of each input. */
export function selectInputRows(inputs: MemberInputs, rows: ArrayLike<number>): MemberInputs {
  return {
    rowShapes: inputs.rowShapes,
    x: inputs.x.map((x, k) => {
      const size = inputs.rowShapes[k].reduce((a, b) => a * b, 1);
      const out = new Float32Array(rows.length * size);
      for (let i = 0; i < rows.length; i++) out.set(x.subarray(rows[i] * size, (rows[i] + 1) * size), i * size);
      return out;
    }),
  };
}
