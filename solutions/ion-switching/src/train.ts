// Steps 4-6 of the write-up: per ensemble member (CBR / GRU / Transformer / WaveNet variants of
// CnnGRUTransformerWave), GroupKFold over the sequences, categorical cross-entropy, Adam wrapped in
// SWA, the dynamic learning-rate schedule, optional class weights; out-of-fold predictions ("OOF as
// target" of the ensemble), scored with macro F1 next to the rounding baseline and the Bayes ceiling.
//
// Resumable at three levels: the forest features are cached in rfc/, runOutOfFold skips finished
// folds (DONE markers), and trainModel's checkpointDir resumes an unfinished fold after its last epoch.
import * as fs from 'fs';
import * as path from 'path';
import { ChildProcess, fork } from 'child_process';
import { fitFoldInPool, runOutOfFold, saveWorkerFold, WorkerPool, withWorkerPool, type Fold } from '@repro/cv';
import { createTrainRun, heatmapSvg, ION_GROUPS, ION_N_CLASSES, loadNpy, modelDirHandler, openRun, readJson, writeSvg, type Run } from '@repro/io';
import {
  checkDeviceLimits,
  arrayBatchSource,
  categoricalCrossentropy,
  epochListSchedule,
  kerasAdam,
  peakRssGiB,
  summarizeTiming,
  tf,
  timingReport,
  trainModel,
  nextTurn,
  type BackendChoice,
  type BackendInfo,
  type EpochRecord,
} from '@repro/layers';
import { confusionMatrix, macroF1, perClassF1 } from '@repro/metrics';
import { featureCount, type IonSwitchingConfig } from './config';
import { loadAndClean, roundLabels, type LoadedData } from './data';
import { argmaxRows, columnStats, forestFeatures, modelFeatures, signalStats, standardiseColumns, rowFolds, sequenceFolds, testSequences, trainSequences, type Sequences } from './features';
import { hmmFeatures } from './hmm';
import { buildCnnGruTransformerWave, trainableParamCount } from './model';

export const SOLUTION = 'ion-switching';
const K = ION_N_CLASSES;

/** Everything the NN needs, shared by train and infer. */
export interface Prepared {
  data: LoadedData;
  trainSeq: Sequences;
  testSeq: Sequences;
  /** GroupKFold over sequences, for the NN (train.folds) and the forest (features.rfc.folds). */
  seqFolds: Fold[];
  xTrain: Float32Array;
  xTest: Float32Array;
  nFeatures: number;
  rfcOofF1?: number;
  /** Train macro F1 of the HMM posteriors' argmax (features.hmm.enabled). */
  hmmF1?: number;
}

/** Load, clean, build the features (forest probabilities cached in `<runDir>/rfc`), cut sequences. */
export async function prepare(config: IonSwitchingConfig, runDir: string, seed: number, log: (l: string) => void): Promise<Prepared> {
  const data = await loadAndClean(config, log);
  const L = config.sequence.length;
  const trainSeq = trainSequences(data.train.file, data.train.segments, L);
  const testSeq = testSequences(data.test.file, data.test.segments, L);
  const seqFolds = sequenceFolds(trainSeq.starts.length, config.train.folds);
  let rfcTrain: Float32Array | undefined;
  let rfcTest: Float32Array | undefined;
  let rfcOofF1: number | undefined;
  if (config.features.rfc.enabled) {
    const forestFolds = rowFolds(sequenceFolds(trainSeq.starts.length, config.features.rfc.folds), trainSeq);
    const f = await forestFeatures({ config, train: data.train, test: data.test, folds: forestFolds, dir: path.join(runDir, 'rfc'), seed, log });
    rfcTrain = f.oof;
    rfcTest = f.test;
    rfcOofF1 = f.oofF1;
  }
  let hmmTrain: Float32Array | undefined;
  let hmmTest: Float32Array | undefined;
  let hmmF1: number | undefined;
  if (config.features.hmm.enabled) {
    const h = hmmFeatures({ config, train: data.train, test: data.test, dir: path.join(runDir, 'hmm'), log });
    hmmTrain = h.oof;
    hmmTest = h.test;
    hmmF1 = h.oofF1;
  }
  // The kernels' normalize(train, test): train statistics over every train row, applied to both.
  const sst = config.features.normaliseSignal ? signalStats(data.train.clean) : undefined;
  if (sst) log(`Signal normalised with the train statistics before the lags and signal^2: mean ${sst.mean.toFixed(4)}, std ${sst.std.toFixed(4)}`);
  const tr = modelFeatures(config, data.train, rfcTrain, sst, hmmTrain);
  const te = modelFeatures(config, data.test, rfcTest, sst, hmmTest);
  if (tr.cols !== featureCount(config)) throw new Error(`prepare: built ${tr.cols} features, expected ${featureCount(config)}`);
  if (config.features.standardise) {
    // Statistics of the train rows only (no labels involved), applied to train and test alike.
    const stats = columnStats(tr.x, tr.cols);
    standardiseColumns(tr.x, tr.cols, stats);
    standardiseColumns(te.x, te.cols, stats);
    log(`Features standardised with train statistics: mean ${Array.from(stats.mean, (v) => +v.toFixed(3)).join(', ')}; std ${Array.from(stats.std, (v) => +v.toFixed(3)).join(', ')}`);
  }
  log(
    `Features (${tr.cols}): ${tr.names.join(', ')}; train ${trainSeq.starts.length} sequences x ${L}, test ${testSeq.starts.length}; ` +
      `feature arrays ${((tr.x.byteLength + te.x.byteLength) / 2 ** 20).toFixed(1)} MB, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
  );
  return { data, trainSeq, testSeq, seqFolds, xTrain: tr.x, xTest: te.x, nFeatures: tr.cols, rfcOofF1, hmmF1 };
}

/** Copy whole sequences out of a row-major rows x cols array. */
function gatherSequences(x: Float32Array, cols: number, seq: Sequences, ids: ArrayLike<number>): Float32Array {
  const w = seq.len * cols;
  const out = new Float32Array(ids.length * w);
  for (let i = 0; i < ids.length; i++) out.set(x.subarray(seq.starts[ids[i]] * cols, seq.starts[ids[i]] * cols + w), i * w);
  return out;
}

function oneHotSequences(y: Int32Array, seq: Sequences, ids: ArrayLike<number>): Float32Array {
  const out = new Float32Array(ids.length * seq.len * K);
  for (let i = 0; i < ids.length; i++) {
    for (let j = 0; j < seq.len; j++) out[(i * seq.len + j) * K + y[seq.starts[ids[i]] + j]] = 1;
  }
  return out;
}

/** Model probabilities for the given sequences: ids.length x len x 11, row-major. */
export async function predictSequences(model: tf.LayersModel, x: Float32Array, cols: number, seq: Sequences, ids: ArrayLike<number>, batch: number): Promise<Float32Array> {
  const out = new Float32Array(ids.length * seq.len * K);
  checkDeviceLimits(model, Math.min(batch, ids.length), 'predicting');
  for (let a = 0; a < ids.length; a += batch) {
    await nextTurn(); // a signal is handled between batches, not after the whole prediction
    const part = Array.from({ length: Math.min(batch, ids.length - a) }, (_, i) => ids[a + i]);
    const p = tf.tidy(() => model.predict(tf.tensor3d(gatherSequences(x, cols, seq, part), [part.length, seq.len, cols])) as tf.Tensor);
    out.set(await p.data(), a * seq.len * K);
    p.dispose();
  }
  return out;
}

/** The dynamic schedule as one learning rate per epoch. */
export function epochLrs(t: IonSwitchingConfig['train']): number[] {
  return Array.from({ length: t.epochs }, (_, e) => {
    const frac = e / t.epochs;
    const i = t.lrBoundaries.filter((b) => frac >= b).length;
    return t.lr / t.lrDivisors[i];
  });
}

function classWeights(t: IonSwitchingConfig['train'], y: Float32Array): number[] | undefined {
  if (Array.isArray(t.classWeights)) return t.classWeights;
  if (t.classWeights === 'none') return undefined;
  const counts = new Float64Array(K);
  for (let i = 0; i < y.length; i++) if (y[i] === 1) counts[i % K]++;
  const n = counts.reduce((a, b) => a + b, 0);
  const present = counts.filter((c) => c > 0).length;
  const balanced = Array.from(counts, (c) => (c > 0 ? n / (present * c) : 0));
  // 'sqrt-balanced' tempers the weights: fully balanced ones reach ~100x for 10 open channels.
  return t.classWeights === 'sqrt-balanced' ? balanced.map(Math.sqrt) : balanced;
}

/** Sequence ids that touch an outlier row (left out of training when clean.excludeOutliers). */
function outlierSequences(seq: Sequences, outlier: Uint8Array): Set<number> {
  const s = new Set<number>();
  seq.starts.forEach((a, i) => {
    for (let j = 0; j < seq.len; j++) if (outlier[a + j]) return void s.add(i);
  });
  return s;
}

export function buildMember(config: IonSwitchingConfig, member: string, nFeatures: number, seed: number): tf.LayersModel {
  const m = config.members[member];
  return buildCnnGruTransformerWave({
    seqLen: config.sequence.length,
    nFeatures,
    fold: config.sequence.fold,
    widths: m.widths,
    dropout: m.dropout,
    seed,
    name: `cgtw_${member}`,
  });
}

/** One fold of one member: train on the fold's sequences, save the model, predict the valid ones. */
async function trainMemberFold(args: {
  config: IonSwitchingConfig;
  member: string;
  prep: Prepared;
  seed: number;
  fold: number;
  train: Int32Array;
  valid: Int32Array;
  foldDir: string;
  log: (l: string) => void;
}): Promise<{ valid: Float32Array; metrics: Record<string, number> }> {
  const { config, member, prep, seed, fold, train: tr, valid, foldDir } = args;
  const t = config.train;
  const y = prep.data.train.openChannels;
  const seq = prep.trainSeq;
  const F = prep.nFeatures;
  const lrs = epochLrs(t);
  const skip = config.clean.excludeOutliers ? outlierSequences(seq, prep.data.train.outlier) : new Set<number>();
  const log = (l: string) => args.log(`[${member} fold ${fold + 1}] ${l}`);
  const ids = tr.filter((i) => !skip.has(i));
  const x = gatherSequences(prep.xTrain, F, seq, ids);
  const yy = oneHotSequences(y, seq, ids);
  const stepsPerEpoch = Math.ceil(ids.length / t.batchSize);
  const totalSteps = stepsPerEpoch * t.epochs;
  const cw = classWeights(t, yy);
  const validSource = t.validateEachEpoch
    ? arrayBatchSource({ x: gatherSequences(prep.xTrain, F, seq, valid), xShape: [valid.length, seq.len, F], y: oneHotSequences(y, seq, valid), yShape: [valid.length, seq.len, K], batchSize: t.predictBatchSize })
    : undefined;
  log(`${ids.length} train sequences (${tr.length - ids.length} with outlier rows left out), ${valid.length} valid; ${stepsPerEpoch} steps/epoch of ${t.batchSize}`);
  const t0 = performance.now();
  const epochTimes: number[] = [];
  const epochSteps: number[] = [];
  const { model, bestEpoch, timing } = await trainModel({
    createModel: () => buildMember(config, member, F, seed * 1000 + fold),
    loss: categoricalCrossentropy({ classWeights: cw }),
    optimizer: () => kerasAdam({ learningRate: lrs[0] }),
    schedule: epochListSchedule({ lrs }),
    trainBatches: arrayBatchSource({ x, xShape: [ids.length, seq.len, F], y: yy, yShape: [ids.length, seq.len, K], batchSize: t.batchSize, shuffle: true, seed: seed * 31 + fold }),
    validBatches: validSource,
    // macro F1 (the kernel's callback, and the write-up's "best choose") and accuracy (its "metric").
    metrics: validSource ? [{ name: 'macroF1', fn: (a, b) => f1OfTensors(a, b) }, { name: 'accuracy', fn: (a, b) => accuracyOfTensors(a, b) }] : [],
    epochs: t.epochs,
    seed: seed + fold,
    // 'best-f1': the epoch with the highest validation macro F1; 'last': the last epoch's weights.
    restoreBest: t.checkpoint === 'best-f1',
    bestMonitor: validSource ? 'macroF1' : undefined,
    swa: t.swa.enabled ? { everySteps: t.swa.everySteps, startStep: Math.floor(t.swa.startFraction * totalSteps), apply: t.swa.apply } : undefined,
    checkpointDir: path.join(foldDir, 'ckpt'),
    maxSteps: config.maxSteps,
    log,
    onEpochEnd: (r: EpochRecord) => {
      epochTimes.push(r.seconds);
      epochSteps.push(r.steps);
      const valid = r.metrics.macroF1 !== undefined ? `, valid macro F1 ${r.metrics.macroF1.toFixed(4)}, accuracy ${r.metrics.accuracy.toFixed(4)}` : '';
      log(`epoch ${r.epoch + 1}/${t.epochs}: ${r.seconds.toFixed(1)} s for ${r.steps} step(s) (${(r.seconds / Math.max(1, r.steps)).toFixed(2)} s/step with validation), loss ${r.loss.toFixed(4)}${valid}`);
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const kept = bestEpoch < 0 ? 'the SWA average' : `epoch ${bestEpoch + 1}${t.checkpoint === 'best-f1' ? ' (best valid macro F1)' : ' (last)'}`;
  log(`keeping the weights of ${kept}${t.swa.enabled && !t.swa.apply ? '; SWA averaged but not applied' : ''}`);
  await model.save(modelDirHandler(path.join(foldDir, 'model')));
  const p0 = performance.now();
  const pred = await predictSequences(model, prep.xTrain, F, seq, valid, t.predictBatchSize);
  model.dispose();
  return {
    valid: pred,
    metrics: {
      keptEpoch: bestEpoch < 0 ? -1 : bestEpoch + 1,
      trainSeconds,
      predictSeconds: (performance.now() - p0) / 1000,
      secondsPerStep: epochSteps.length ? epochTimes.reduce((a, b) => a + b, 0) / Math.max(1, epochSteps.reduce((a, b) => a + b, 0)) : NaN,
      ...summarizeTiming(timing),
      peakRssGiB: peakRssGiB(),
    },
  };
}

/** A (member, fold) job for the worker processes. */
export interface MemberFoldJob {
  member: string;
  fold: number;
}

const jobKey = (member: string, fold: number) => `member ${member} fold ${fold + 1}`;

/** Train one member over the folds (in-process, or waiting for `pool`'s workers); returns its OOF probabilities. */
async function trainMember(args: { config: IonSwitchingConfig; run: Run; member: string; prep: Prepared; seed: number; log: (l: string) => void; pool?: WorkerPool<MemberFoldJob> }) {
  const { config, run, member, prep, seed, pool } = args;
  const y = prep.data.train.openChannels;
  const seq = prep.trainSeq;
  const dir = run.path('members', member);
  fs.mkdirSync(dir, { recursive: true });
  const probe = buildMember(config, member, prep.nFeatures, 0);
  args.log(`== member ${member}: CnnGRUTransformerWave ${JSON.stringify(config.members[member].widths)}, ${trainableParamCount(probe)} parameters; lr per epoch ${JSON.stringify(epochLrs(config.train).map((v) => +v.toPrecision(3)))}`);
  probe.dispose();
  return runOutOfFold({
    folds: prep.seqFolds,
    nRows: seq.starts.length,
    nOutputs: seq.len * K,
    dir,
    logger: (l) => args.log(`[${member}] ${l}`),
    score: (ids, p) => macroF1(labelsOf(y, seq, ids), argmaxRows(p, K)),
    fitFold: fitFoldInPool(pool, (fold) => jobKey(member, fold), seq.len * K, ({ fold, train: tr, valid, foldDir }) =>
      trainMemberFold({ config, member, prep, seed, fold, train: tr, valid, foldDir, log: args.log }),
    ),
  });
}

/** `cli.ts fold-worker --run-dir DIR --member M --fold K`: one (member, fold) job of an existing run. */
export async function foldWorker(runDir: string, member: string, fold: number, backendInfo: BackendInfo): Promise<void> {
  const run = openRun(runDir);
  const config = run.config as IonSwitchingConfig;
  // The forest features are in the run's rfc/ cache by now: prepare() reloads them.
  const prep = await prepare(config, run.dir, run.seed, () => {});
  const f = prep.seqFolds[fold];
  if (!f || !config.members[member]) throw new Error(`fold-worker: ${jobKey(member, fold)} is not a job of ${runDir}`);
  const log = (l: string) => run.log(l);
  log(`[${member} fold ${fold + 1}] worker pid ${process.pid} on ${backendInfo.backend}`);
  const foldDir = path.join(run.dir, 'members', member, `fold_${fold}`);
  fs.mkdirSync(foldDir, { recursive: true });
  const out = await trainMemberFold({ config, member, prep, seed: run.seed, fold, train: f.train, valid: f.valid, foldDir, log });
  saveWorkerFold(foldDir, out.valid, f.valid.length, prep.trainSeq.len * K, out.metrics);
}

function labelsOf(y: Int32Array, seq: Sequences, ids: ArrayLike<number>): Int32Array {
  const out = new Int32Array(ids.length * seq.len);
  for (let i = 0; i < ids.length; i++) out.set(y.subarray(seq.starts[ids[i]], seq.starts[ids[i]] + seq.len), i * seq.len);
  return out;
}

async function accuracyOfTensors(yTrue: tf.Tensor, yPred: tf.Tensor): Promise<number> {
  const [a, b] = tf.tidy(() => [tf.argMax(yTrue, -1), tf.argMax(yPred, -1)]);
  const acc = accuracy(await a.data(), await b.data());
  tf.dispose([a, b]);
  return acc;
}

/** Share of rows whose label equals the prediction (Keras' 'accuracy' on one-hot targets). */
export function accuracy(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  if (y.length !== pred.length || y.length === 0) throw new Error(`accuracy: expected equal non-empty lengths, got ${y.length} and ${pred.length}`);
  let n = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === pred[i]) n++;
  return n / y.length;
}

async function f1OfTensors(yTrue: tf.Tensor, yPred: tf.Tensor): Promise<number> {
  const [a, b] = tf.tidy(() => [tf.argMax(yTrue, -1), tf.argMax(yPred, -1)]);
  const f1 = macroF1(await a.data(), await b.data());
  tf.dispose([a, b]);
  return f1;
}

/** Macro F1 within each group over the labels present there (as truth.json's figuresPerGroup). */
export function perGroupF1(y: ArrayLike<number>, pred: ArrayLike<number>, group: Uint8Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (const g of ION_GROUPS) {
    const yt: number[] = [];
    const yp: number[] = [];
    for (let i = 0; i < group.length; i++) if (group[i] === g.id) (yt.push(y[i]), yp.push(pred[i]));
    if (yt.length === 0) continue;
    const labels = [...new Set(yt)].sort((a, b) => a - b);
    const f = perClassF1(yt, yp, labels).f1;
    out[g.name] = f.reduce((a, b) => a + b, 0) / f.length;
  }
  return out;
}

export interface Truth {
  bayes?: number;
  rounding?: number;
  perGroup: Record<string, { trainBayes?: number }>;
}

/** The synthetic generator's truth figures (absent on the real Kaggle data). */
export function readTruth(dataDir: string): Truth | undefined {
  const file = path.join(dataDir, 'truth.json');
  if (!fs.existsSync(file)) return undefined;
  const t = readJson<{ figures?: Record<string, number>; figuresPerGroup?: Record<string, { trainBayes?: number }> }>(file);
  return { bayes: t.figures?.bayesMacroF1, rounding: t.figures?.roundingMacroF1, perGroup: t.figuresPerGroup ?? {} };
}

/**
 * The hidden test labels of synthetic data (truth_test_open_channels.npy) and its Bayes ceiling,
 * to score a submission against; undefined on the real Kaggle data or when the rows do not match.
 */
export function readTestTruth(dataDir: string, nTest: number): { y: Uint8Array; bayes?: number } | undefined {
  const file = path.join(dataDir, 'truth_test_open_channels.npy');
  if (!fs.existsSync(file)) return undefined;
  const y = loadNpy(file).data as Uint8Array;
  if (y.length !== nTest) return undefined;
  const figures = fs.existsSync(path.join(dataDir, 'truth.json')) ? readJson<{ figures?: Record<string, number> }>(path.join(dataDir, 'truth.json')).figures : undefined;
  return { y, bayes: figures?.testBayesMacroF1 };
}

export function writeConfusionSvg(file: string, y: ArrayLike<number>, pred: ArrayLike<number>, title: string): void {
  const labels = Array.from({ length: K }, (_, k) => k);
  const cm = confusionMatrix(y, pred, labels);
  const names = labels.map(String);
  writeSvg(file, heatmapSvg(cm.counts, { title, rowLabels: names, colLabels: names, xLabel: 'predicted open_channels', yLabel: 'true open_channels' }));
}

export interface TrainContext {
  config: IonSwitchingConfig;
  configName: string;
  seed: number;
  runId?: string;
  /** --fresh: delete an earlier run of this id and start over instead of resuming. */
  fresh?: boolean;
  runsRoot: string;
  backendInfo: BackendInfo;
  /** For fold workers: the backend asked for and the path of cli.ts. */
  backend?: BackendChoice;
  cliPath?: string;
}

const fmt = (v: number | undefined) => (v === undefined ? 'n/a' : v.toFixed(5));

/** `nx run ion-switching:train`. */
export async function train(ctx: TrainContext): Promise<Record<string, unknown>> {
  const { config, seed } = ctx;
  // The data fingerprint and code version are recorded in the run; a resume checks them.
  const run = createTrainRun(ctx, SOLUTION, __dirname);
  const log = (l: string) => run.log(l);
  const t0 = performance.now();
  log(`ion-switching train: run ${run.dir} (config ${ctx.configName}, seed ${seed})`);
  log(ctx.backendInfo.summary);
  const prep = await prepare(config, run.dir, seed, log);
  const tr = prep.data.train;
  const y = tr.openChannels;
  const prepSeconds = (performance.now() - t0) / 1000;
  log(`GroupKFold(n_splits=${config.train.folds}) over ${prep.trainSeq.starts.length} sequence groups of ${prep.trainSeq.len}; members ${config.train.members.join(', ')}`);

  const truth = readTruth(config.data.dir);
  const roundPred = roundLabels(tr.clean);
  // (member, fold) jobs not finished yet, in training order, for the worker processes.
  const jobs: MemberFoldJob[] = config.train.members.flatMap((member) =>
    prep.seqFolds.map((_, fold) => ({ member, fold })).filter((j) => !fs.existsSync(run.path('members', member, `fold_${j.fold}`, 'DONE'))),
  );
  const workers = Math.min(config.train.workers, jobs.length);
  let pool: WorkerPool<MemberFoldJob> | undefined;
  if (workers > 1 && ctx.cliPath) {
    const cli = ctx.cliPath;
    log(`training ${jobs.map((j) => jobKey(j.member, j.fold)).join(', ')} in ${workers} worker processes`);
    pool = new WorkerPool(jobs, workers, (j) => jobKey(j.member, j.fold), (j): ChildProcess =>
      fork(cli, ['fold-worker', '--run-dir', run.dir, '--member', j.member, '--fold', String(j.fold), '--backend', ctx.backend ?? 'auto'], { stdio: 'inherit' }),
    );
  }
  const members: Record<string, unknown>[] = [];
  const p = pool;
  await withWorkerPool(p, async () => {
    for (const member of config.train.members) {
      const m0 = performance.now();
      const res = await trainMember({ config, run, member, prep, seed, log, pool: p });
      const pred = argmaxRows(res.oof, K);
      const f1 = macroF1(y, pred);
      const groups = perGroupF1(y, pred, tr.group);
      const clean = Int32Array.from(pred.filter((_, i) => !tr.outlier[i]));
      const yClean = Int32Array.from(y.filter((_, i) => !tr.outlier[i]));
      members.push({
        name: member,
        oofMacroF1: f1,
        oofAccuracy: accuracy(y, pred),
        oofMacroF1WithoutOutliers: macroF1(yClean, clean),
        perGroup: groups,
        perFold: res.reports.map((r) => ({ fold: r.fold + 1, macroF1: r.score, seconds: r.seconds, resumed: r.resumed, ...r.metrics })),
        seconds: (performance.now() - m0) / 1000,
      });
      writeConfusionSvg(run.path('members', member, 'confusion_matrix.svg'), y, pred, `ion-switching ${run.id} ${member}: OOF confusion (row-normalised)`);
      log(`[${member}] OOF macro F1 ${f1.toFixed(5)}, accuracy ${accuracy(y, pred).toFixed(5)}; per group ${Object.entries(groups).map(([g, v]) => `${g} ${v.toFixed(4)}`).join(', ')}`);
    }
  });

  const model = members[0];
  const cost = timingReport({
    maxSteps: config.maxSteps,
    backend: ctx.backendInfo.backend,
    trainings: members.flatMap((m) => m.perFold as Record<string, unknown>[]),
    prepareSeconds: prepSeconds,
    log,
  });
  const roundingF1 = prep.data.roundingF1;
  const roundingGroups = perGroupF1(y, roundPred, tr.group);
  const hmmGroups = config.features.hmm.enabled ? perGroupF1(y, argmaxRows(loadNpy(run.path('hmm', 'oof.npy')).data as Float32Array, K), tr.group) : undefined;
  const rows = ION_GROUPS.map((g) => {
    const mg = (model.perGroup as Record<string, number>)[g.name];
    return `  ${g.name.padEnd(9)} model ${fmt(mg)}  rounding ${fmt(roundingGroups[g.name])}  Bayes ${fmt(truth?.perGroup[g.name]?.trainBayes)}${hmmGroups ? `  hmm ${fmt(hmmGroups[g.name])}` : ''}`;
  });
  log(`OOF macro F1 (model = member ${model.name}) = ${(model.oofMacroF1 as number).toFixed(5)}`);
  log(`OOF accuracy (model) = ${(model.oofAccuracy as number).toFixed(5)}`);
  log(`OOF macro F1 rounding baseline = ${roundingF1.toFixed(5)}`);
  if (truth?.bayes !== undefined) log(`Bayes ceiling (synthetic truth) = ${truth.bayes.toFixed(5)}`);
  if (prep.rfcOofF1 !== undefined) log(`RFC proba features alone (OOF argmax) = ${prep.rfcOofF1.toFixed(5)}`);
  if (prep.hmmF1 !== undefined) log(`HMM posteriors alone (train argmax; unsupervised, not out of fold) = ${prep.hmmF1.toFixed(5)}`);
  log('Per group:');
  rows.forEach((r) => log(r));
  writeConfusionSvg(run.path('confusion_matrix.svg'), y, argmaxRows(loadMemberOof(run.dir, String(model.name)), K), `ion-switching ${run.id}: OOF confusion of ${model.name} (row-normalised)`);
  writeConfusionSvg(run.path('confusion_matrix_rounding.svg'), y, roundPred, `ion-switching ${run.id}: rounding baseline confusion (row-normalised)`);
  return run.writeMetrics({
    oofMacroF1: model.oofMacroF1,
    oofAccuracy: model.oofAccuracy,
    model: model.name,
    roundingMacroF1: roundingF1,
    roundingPerGroup: roundingGroups,
    bayesCeiling: truth?.bayes ?? null,
    bayesPerGroup: truth ? Object.fromEntries(ION_GROUPS.map((g) => [g.name, truth.perGroup[g.name]?.trainBayes ?? null])) : null,
    rfcOofMacroF1: prep.rfcOofF1 ?? null,
    hmmMacroF1: prep.hmmF1 ?? null,
    hmmPerGroup: hmmGroups ?? null,
    members,
    cleaning: prep.data.report,
    nTrainRows: tr.nRows,
    nSequences: prep.trainSeq.starts.length,
    backend: ctx.backendInfo.backend,
    device: ctx.backendInfo.device,
    prepareSeconds: prepSeconds,
    trainWallSeconds: (performance.now() - t0) / 1000,
    ...cost,
  });
}

/** A member's OOF as train rows x 11 (its oof.npy holds sequences x (len * 11), the same bytes). */
export function loadMemberOof(runDir: string, member: string): Float32Array {
  return loadNpy(path.join(runDir, 'members', member, 'oof.npy')).data as Float32Array;
}
