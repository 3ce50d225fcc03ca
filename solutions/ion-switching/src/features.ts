// Steps 2-3 of the write-up: "only lag features [-3, 3] & sig*sig" and "random forest
// classification probability as feature" from a (-20, 20) window, out of fold on train (so the
// NN never sees probabilities of a forest that trained on its own rows) and fold-averaged on test.
// Then the sequences the NN sees (the seed's 4000 samples) and the GroupKFold over them.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { groupKFold, runOutOfFold, type Fold } from '@repro/cv';
import { HistRandomForestClassifier, lagFeatures, shiftWindow, signalSquared, type FeatureMatrix } from '@repro/features';
import { allocTyped, DataError, ION_GROUPS, progressBar, setActivity, ION_N_CLASSES, loadNpy, readJson, writeJson, type IonSegment } from '@repro/io';
import { macroF1 } from '@repro/metrics';
import type { IonSwitchingConfig } from './config';
import type { IonTable } from './data';

/** Apply a per-batch feature builder segment by segment (test chunks differ in length). */
function perSegment(x: Float32Array, segments: readonly IonSegment[], cols: number, fn: (part: Float32Array) => ArrayLike<number>, what: string): Float32Array {
  const out = allocTyped(Float32Array, x.length * cols, `${what} (${x.length} rows x ${cols})`);
  for (const s of segments) out.set(fn(x.subarray(s.start, s.end)), s.start * cols);
  return out;
}

/** Rows x (2w + 1) window of the clean signal, per segment: the forest's input. */
export function forestInput(t: IonTable, window: number): FeatureMatrix {
  const cols = 2 * window + 1;
  return { data: perSegment(t.clean, t.segments, cols, (p) => shiftWindow(p, window).data, "the forest's input windows"), rows: t.nRows, cols };
}

function takeRows(m: FeatureMatrix, rows: ArrayLike<number>): FeatureMatrix {
  const out = new Float32Array(rows.length * m.cols);
  for (let i = 0; i < rows.length; i++) out.set(m.data.subarray(rows[i] * m.cols, (rows[i] + 1) * m.cols), i * m.cols);
  return { data: out, rows: rows.length, cols: m.cols };
}

export interface ForestFeatures {
  /** nTrain x 11 out-of-fold class probabilities. */
  oof: Float32Array;
  /** nTest x 11, mean over the fold forests. */
  test: Float32Array;
  /** Macro F1 of the out-of-fold argmax. */
  oofF1: number;
}

/** A hash of everything the forest probabilities depend on: cleaned signals, labels, folds, settings, seed. */
function forestCacheKey(a: { config: IonSwitchingConfig; train: IonTable & { openChannels: Int32Array }; test: IonTable; folds: Fold[]; seed: number }): string {
  const h = createHash('sha1');
  const bytes = (v: ArrayBufferView) => h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  h.update(JSON.stringify({ rfc: a.config.features.rfc, excludeOutliers: a.config.clean.excludeOutliers, seed: a.seed }));
  [a.train.clean, a.train.openChannels, a.train.group, a.train.outlier, a.test.clean, a.test.group].forEach(bytes);
  for (const f of a.folds) [f.train, f.valid].forEach(bytes);
  return h.digest('hex');
}

/**
 * RandomForestClassifier probabilities on the (-w, w) window, cached in `dir` (rfc/oof.npy,
 * rfc/test.npy; per-fold DONE markers resume an interrupted run).
 */
export async function forestFeatures(args: {
  config: IonSwitchingConfig;
  train: IonTable & { openChannels: Int32Array };
  test: IonTable;
  folds: Fold[];
  dir: string;
  seed: number;
  log: (l: string) => void;
}): Promise<ForestFeatures> {
  const { config, train, test, folds, dir, log } = args;
  const r = config.features.rfc;
  const oofFile = path.join(dir, 'oof.npy');
  const testFile = path.join(dir, 'test.npy');
  const score = (rows: ArrayLike<number>, p: ArrayLike<number>) =>
    macroF1(Int32Array.from(rows, (i) => train.openChannels[i]), argmaxRows(p, ION_N_CLASSES));
  // The cache is valid for these rows, labels, folds and forest settings only: `infer` on a new
  // test.csv (or a run whose data was replaced) must not reuse forest probabilities of other rows.
  const key = forestCacheKey(args);
  const keyFile = path.join(dir, 'inputs.json');
  if (fs.existsSync(dir) && (!fs.existsSync(keyFile) || readJson<{ key: string }>(keyFile).key !== key)) {
    if (fs.readdirSync(dir).length > 0) log(`RFC proba features: the cache in ${dir} was made from other rows or settings; recomputing`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (!fs.existsSync(keyFile)) writeJson(keyFile, { key });
  if (fs.existsSync(oofFile) && fs.existsSync(testFile)) {
    const oof = loadNpy(oofFile).data as Float32Array;
    const te = loadNpy(testFile).data as Float32Array;
    if (oof.length !== train.nRows * ION_N_CLASSES || te.length !== test.nRows * ION_N_CLASSES) {
      throw new DataError(dir, `cached forest features do not match the data (${oof.length / ION_N_CLASSES} / ${te.length / ION_N_CLASSES} rows); delete the folder to recompute`);
    }
    const f1 = score(Int32Array.from({ length: train.nRows }, (_, i) => i), oof);
    log(`RFC proba features: reloaded from ${dir} (OOF macro F1 ${f1.toFixed(5)})`);
    return { oof, test: te, oofF1: f1 };
  }
  const t0 = performance.now();
  const X = forestInput(train, r.window);
  const Xtest = forestInput(test, r.window);
  log(
    `RFC proba features: window (-${r.window}, ${r.window}) -> ${X.cols} columns, ${folds.length} folds, ${r.perGroup ? 'one forest per channel-count group' : 'one forest'}, ` +
      `${r.nEstimators} trees, max_depth ${r.maxDepth}, max_features ${r.maxFeatures}, max_samples ${r.maxSamples} (${((X.data.byteLength + Xtest.data.byteLength) / 2 ** 20).toFixed(0)} MB of windows)`,
  );
  const res = await runOutOfFold({
    folds,
    nRows: train.nRows,
    nOutputs: ION_N_CLASSES,
    dir,
    logger: (l) => log(`[rfc] ${l}`),
    score: (rows, p) => score(rows, p),
    fitFold: async ({ fold, train: tr, valid }) => {
      const fit = config.clean.excludeOutliers ? tr.filter((i) => !train.outlier[i]) : tr;
      const validP = new Float32Array(valid.length * ION_N_CLASSES);
      const testP = new Float32Array(test.nRows * ION_N_CLASSES);
      // One forest per channel-count group, or one for all rows (groups = [null]).
      const groups: (number | null)[] = r.perGroup ? ION_GROUPS.map((g) => g.id) : [null];
      let trainMs = 0;
      for (const g of groups) {
        const inG = (t: IonTable, i: number) => g === null || t.group[i] === g;
        const fitG = fit.filter((i) => inG(train, i));
        const validG = valid.map((_, k) => k).filter((k) => inG(train, valid[k]));
        const testG = Int32Array.from({ length: test.nRows }, (_, i) => i).filter((i) => inG(test, i));
        if (fitG.length === 0) continue;
        const forest = new HistRandomForestClassifier({
          nEstimators: r.nEstimators,
          maxDepth: r.maxDepth,
          maxFeatures: r.maxFeatures,
          maxSamples: r.maxSamples,
          minSamplesLeaf: r.minSamplesLeaf,
          nJobs: r.nJobs,
          nClasses: ION_N_CLASSES,
          seed: args.seed * 7919 + fold * 31 + (g ?? 0),
        });
        setActivity(`fitting the forest of fold ${fold + 1}/${folds.length} on ${fitG.length} rows x ${X.cols} (${r.nEstimators} trees)`);
        const bar = fitG.length >= 200_000 ? progressBar(`forest fold ${fold + 1}/${folds.length}${g === null ? '' : ` group ${g}`} trees`, r.nEstimators) : undefined;
        try {
          await forest.train(takeRows(X, fitG), Int32Array.from(fitG, (i) => train.openChannels[i]), { onTree: (done) => bar?.update(done) });
        } finally {
          bar?.stop();
        }
        setActivity(undefined);
        trainMs += forest.lastTrainTimings?.total ?? 0;
        const pv = forest.predictProbability(takeRows(X, validG.map((k) => valid[k])));
        validG.forEach((k, j) => validP.set(pv.subarray(j * ION_N_CLASSES, (j + 1) * ION_N_CLASSES), k * ION_N_CLASSES));
        if (testG.length) {
          const pt = forest.predictProbability(takeRows(Xtest, testG));
          testG.forEach((i, j) => testP.set(pt.subarray(j * ION_N_CLASSES, (j + 1) * ION_N_CLASSES), i * ION_N_CLASSES));
        }
      }
      return { valid: validP, test: testP, metrics: { fitRows: fit.length, trainMs } };
    },
  });
  log(`RFC proba features: OOF macro F1 ${res.score!.toFixed(5)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { oof: res.oof, test: res.test!, oofF1: res.score! };
}

/** Argmax of each row of a row-major rows x k array. */
export function argmaxRows(p: ArrayLike<number>, k: number): Int32Array {
  const n = p.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}

/**
 * The model's input per row: signal shifted by each lag (per segment, 0 outside it), signal^2,
 * then the 11 forest probabilities, then (features.hmm.asInput) the 11 HMM posteriors. Row-major rows x featureCount.
 */
export function modelFeatures(
  config: IonSwitchingConfig,
  t: IonTable,
  rfc?: Float32Array,
  signalStats?: SignalStats,
  hmm?: Float32Array,
): { x: Float32Array; cols: number; names: string[] } {
  const f = config.features;
  const lags = f.lags;
  const names = lags.map((k) => `signal_shift_${k}`);
  if (f.normaliseSignal && !signalStats) throw new Error('modelFeatures: features.normaliseSignal needs the train signal statistics');
  const sig = f.normaliseSignal && signalStats ? normaliseSignal(t.clean, signalStats) : t.clean;
  const parts: { data: ArrayLike<number>; cols: number }[] = [{ data: perSegment(sig, t.segments, lags.length, (p) => lagFeatures(p, { lags }).data, 'the lag features'), cols: lags.length }];
  if (f.signalSquared) {
    parts.push({ data: signalSquared(sig), cols: 1 });
    names.push('signal_sq');
  }
  if (f.rfc.enabled) {
    if (!rfc || rfc.length !== t.nRows * ION_N_CLASSES) throw new Error(`modelFeatures: expected ${t.nRows} x 11 forest probabilities`);
    parts.push({ data: rfc, cols: ION_N_CLASSES });
    for (let k = 0; k < ION_N_CLASSES; k++) names.push(`rfc_proba_${k}`);
  }
  if (f.hmm.asInput) {
    if (!hmm || hmm.length !== t.nRows * ION_N_CLASSES) throw new Error(`modelFeatures: expected ${t.nRows} x 11 HMM posteriors`);
    parts.push({ data: hmm, cols: ION_N_CLASSES });
    for (let k = 0; k < ION_N_CLASSES; k++) names.push(`hmm_proba_${k}`);
  }
  const cols = parts.reduce((a, p) => a + p.cols, 0);
  const x = allocTyped(Float32Array, t.nRows * cols, `the model inputs (${t.nRows} rows x ${cols})`);
  let off = 0;
  for (const p of parts) {
    for (let i = 0; i < t.nRows; i++) for (let j = 0; j < p.cols; j++) x[i * cols + off + j] = p.data[i * p.cols + j];
    off += p.cols;
  }
  return { x, cols, names };
}

export interface SignalStats {
  mean: number;
  std: number;
}

/** Mean and sample standard deviation (pandas' ddof 1) of a signal, as the public kernels' `train.signal.mean()/std()`. */
export function signalStats(x: ArrayLike<number>): SignalStats {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const mean = s / x.length;
  let q = 0;
  for (let i = 0; i < x.length; i++) q += (x[i] - mean) ** 2;
  return { mean, std: Math.sqrt(q / Math.max(1, x.length - 1)) };
}

/** (x - mean) / std: the kernels' `normalize(train, test)`, with the train statistics for both. */
export function normaliseSignal(x: ArrayLike<number>, st: SignalStats): Float32Array {
  if (!(st.std > 0)) throw new Error(`normaliseSignal: the train signal's standard deviation is ${st.std}`);
  return Float32Array.from(x, (v) => (v - st.mean) / st.std);
}

/** Sequences of `len` rows tiling a table: start row of each, in row order. */
export interface Sequences {
  len: number;
  starts: Int32Array;
}

/**
 * Train: consecutive non-overlapping sequences inside each batch (the batch length must be a
 * multiple of `len`, so every row is in exactly one sequence and the OOF covers every row).
 */
export function trainSequences(file: string, segments: readonly IonSegment[], len: number): Sequences {
  const starts: number[] = [];
  for (const s of segments) {
    if ((s.end - s.start) % len !== 0) {
      throw new DataError(file, `train batch ${s.index} has ${s.end - s.start} rows, not a multiple of sequence.length ${len}; pick a sequence length dividing the batch length`);
    }
    for (let a = s.start; a < s.end; a += len) starts.push(a);
  }
  return { len, starts: Int32Array.from(starts) };
}

/**
 * Test: the same tiling per chunk; a chunk whose length is not a multiple of `len` gets one last
 * sequence aligned to its end (its overlapping rows take that sequence's predictions).
 */
export function testSequences(file: string, segments: readonly IonSegment[], len: number): Sequences {
  const starts: number[] = [];
  for (const s of segments) {
    if (s.end - s.start < len) throw new DataError(file, `test chunk ${s.index} has ${s.end - s.start} rows, fewer than sequence.length ${len}`);
    let a = s.start;
    for (; a + len <= s.end; a += len) starts.push(a);
    if (a < s.end) starts.push(s.end - len);
  }
  return { len, starts: Int32Array.from(starts) };
}

/** GroupKFold over sequence groups: folds of sequence indices. */
export function sequenceFolds(nSequences: number, nSplits: number): Fold[] {
  return groupKFold(Int32Array.from({ length: nSequences }, (_, i) => i), { nSplits });
}

/** Sequence folds expanded to the rows they cover (the forest's folds). */
export function rowFolds(seqFolds: readonly Fold[], seq: Sequences): Fold[] {
  const expand = (ids: Int32Array) => {
    const out = new Int32Array(ids.length * seq.len);
    ids.forEach((s, i) => {
      for (let j = 0; j < seq.len; j++) out[i * seq.len + j] = seq.starts[s] + j;
    });
    return out.sort();
  };
  return seqFolds.map((f) => ({ ...f, train: expand(f.train), valid: expand(f.valid) }));
}

/** Per-column mean and standard deviation of a row-major rows x cols array (std 1 for a constant column). */
export function columnStats(x: Float32Array, cols: number): { mean: Float64Array; std: Float64Array } {
  const rows = x.length / cols;
  const mean = new Float64Array(cols);
  const sq = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j] += x[i * cols + j];
  for (let j = 0; j < cols; j++) mean[j] /= Math.max(rows, 1);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) sq[j] += (x[i * cols + j] - mean[j]) ** 2;
  const std = sq.map((v) => Math.sqrt(v / Math.max(rows, 1)) || 1);
  return { mean, std };
}

/** In place: (x - mean) / std for the first `n` columns (all when omitted). */
export function standardiseColumns(x: Float32Array, cols: number, stats: { mean: ArrayLike<number>; std: ArrayLike<number> }, n = cols): void {
  for (let i = 0; i < x.length; i += cols) for (let j = 0; j < n; j++) x[i + j] = (x[i + j] - stats.mean[j]) / stats.std[j];
}
