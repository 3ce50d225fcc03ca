/**
 * Step 4: train one member over the drug-aware CV, for each of its seeds.
 *
 * Run layout (one run per member; `ensemble` is a run of its own):
 *
 *   <runs>/moa/<config>-<member>-seed<seed>/
 *     config.json, seed, log.txt       what ran (the data/features sections and the member's own)
 *     features/state.json              the fitted RankGauss / PCA / variance / K-Means state
 *     seed_<s>/fold_<k>/               per CV seed s and fold k: model/ (tfjs), history.json, checkpoints
 *                                      (ckpt/, and for transfer pretrain/ + pretrain_ckpt/), valid/test predictions
 *     seed_<s>/oof.npy, test.npy       that seed's out-of-fold (treated rows) and fold-mean test predictions
 *     oof.npy                          [train rows, 206], mean over seeds, ctl_vehicle rows 0
 *     test.npy                         [test rows, 206], same
 *     metrics.json                     OOF log loss (all rows and treated rows), per seed and fold, baselines, timings
 *     learning_curve.svg, submission.csv
 *
 * A re-run resumes: runOutOfFold skips folds with a DONE marker and
 * trainModel resumes inside a fold from its checkpoint directory.
 */
import * as fs from 'fs';
import * as path from 'path';
import { drugAwareFolds, runOutOfFold } from '@repro/cv';
import { Run, type RunInputs, createRun, lineChartSvg, modelDirHandler, readJson, saveNpy, writeJson, writeMoaSubmission, writeSvg } from '@repro/io';
import { arrayBatchSource, backendInfo, checkDeviceLimits, nextTurn, combineTimings, peakRssGiB, tf, timingReport, trainModel, type EpochRecord, type TrainTiming } from '@repro/layers';
import { columnwiseLogLoss } from '@repro/metrics';
import type { MemberCommon, MemberKind, MoaConfig } from './config';
import { FeatureSet, FeatureState, MemberInputs, applyFeatureState, fitFeatureState, memberInputs, selectInputRows } from './features';
import { MoaTrainData, fingerprint, takeRows, treatedRows, zeroControls } from './load';
import { OUTPUTS_LOGITS, buildMemberModel, memberTraining } from './models';
import { FreezingOptimizer, blockVariableNames, copyLowerBlocks, frozenBlocksAt, transferBlocks, buildTransferModel } from './models/transfer';
import { baselines, clipProbabilities } from './report';

export const SOLUTION = 'moa';

export interface RunPlace {
  /** Root of all runs (`runs`, or --runs-dir). */
  root: string;
  configName: string;
  /** The global seed (--seed): added to every member's CV seeds. */
  seed: number;
  /** --run-id: run folders are then `<runId>-<member>` and `<runId>-ensemble`. */
  runId?: string;
  /** --fresh: member run folders are deleted and trained again instead of resumed. */
  fresh?: boolean;
  /** Data fingerprint and code version, recorded in each member run and checked on resume. */
  inputs?: RunInputs;
}

export const memberRunId = (p: RunPlace, kind: MemberKind) => (p.runId ? `${p.runId}-${kind}` : `${p.configName}-${kind}-seed${p.seed}`);

/** What a member run stores as its config: only what changes its results. */
export function memberRunConfig(config: MoaConfig, kind: MemberKind): Record<string, unknown> {
  return { member: kind, data: config.data, features: config.features, [kind]: config[kind], ensemble: config.ensemble, ...(config.maxSteps !== undefined ? { maxSteps: config.maxSteps } : {}) };
}

/** The fitted feature state and both feature sets; fitted once per process and shared by the members. */
export interface Features {
  state: FeatureState;
  train: FeatureSet;
  test: FeatureSet;
}

export function computeFeatures(data: MoaTrainData, config: MoaConfig, log: (l: string) => void, state?: FeatureState): Features {
  const s = state ?? fitFeatureState(data.train, data.test, config.features, log);
  const train = applyFeatureState(s, data.train);
  const test = applyFeatureState(s, data.test);
  log(`[features] train ${train.nRows} x (${train.widths.selected} selected + ${train.widths.clusters} cluster + 15 stats + 5 categorical), test ${test.nRows} rows`);
  return { state: s, train, test };
}

function sigmoidInPlace(a: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = 1 / (1 + Math.exp(-a[i]));
  return a;
}

/** Predict in batches; sigmoid when the member outputs logits. */
export async function predictInputs(model: tf.LayersModel, inputs: MemberInputs, logits: boolean, batchSize = 512): Promise<Float32Array> {
  const n = inputs.x[0].length / inputs.rowShapes[0].reduce((a, b) => a * b, 1);
  const outDim = (model.outputs[0].shape[1] as number) ?? 0;
  const out = new Float32Array(n * outDim);
  checkDeviceLimits(model, Math.min(batchSize, n), 'predicting');
  for (let start = 0; start < n; start += batchSize) {
    await nextTurn(); // a signal is handled between batches, not after the whole prediction
    const end = Math.min(n, start + batchSize);
    const rows = Int32Array.from({ length: end - start }, (_, i) => start + i);
    const part = selectInputRows(inputs, rows);
    const xs = part.x.map((x, k) => tf.tensor(x, [end - start, ...inputs.rowShapes[k]], 'float32'));
    const y = tf.tidy(() => model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor);
    out.set((await y.data()) as Float32Array, start * outDim);
    tf.dispose([...xs, y]);
  }
  return logits ? sigmoidInPlace(out) : out;
}

export function columnMeans(Y: Float32Array, nCols: number): Float64Array {
  const n = Y.length / nCols;
  const m = new Float64Array(nCols);
  for (let i = 0; i < Y.length; i++) m[i % nCols] += Y[i];
  for (let j = 0; j < nCols; j++) m[j] /= n;
  return m;
}

export interface MemberResult {
  kind: MemberKind;
  runId: string;
  dir: string;
  oofLogLoss: number;
  seconds: number;
}

interface TrainArgs {
  kind: MemberKind;
  config: MoaConfig;
  data: MoaTrainData;
  features: Features;
  place: RunPlace;
  log: (line: string) => void;
}

/**
 * A member's run folder: created (or, with place.fresh, re-created), locked for this process and
 * its workers, and resumed only when it was made from the same data and code.
 */
export function openMemberRun(place: RunPlace, config: MoaConfig, kind: MemberKind, log: (l: string) => void): Run {
  return createRun({
    root: place.root,
    solution: SOLUTION,
    config: memberRunConfig(config, kind),
    configName: place.configName,
    seed: place.seed,
    runId: memberRunId(place, kind),
    inputs: place.inputs,
    fresh: place.fresh,
    log,
  });
}

/** Train one member (all its seeds and folds) and write its run folder. */
export async function trainMember(args: TrainArgs): Promise<MemberResult> {
  const { kind, config, data, features, place } = args;
  const started = Date.now();
  const run = openMemberRun(place, config, kind, args.log);
  const log = (l: string) => run.log(l);
  const info = backendInfo();
  log(`[${kind}] run ${run.dir} (backend ${info?.backend ?? tf.getBackend()}${info ? `, ${info.device}` : ''})`);

  // Features: the run keeps the state it was trained with; a resumed run reuses it.
  const statePath = run.path('features', 'state.json');
  let feats = features;
  if (fs.existsSync(statePath)) {
    const stored = readJson<FeatureState>(statePath);
    if (JSON.stringify(stored.rankGauss) !== JSON.stringify(features.state.rankGauss)) feats = computeFeatures(data, config, log, stored);
  } else writeJson(statePath, features.state);
  run.saveJson('targets.json', data.scored.names);

  const mc = config[kind] as MemberCommon;
  const nT = data.scored.names.length;
  const trt = treatedRows(data.train);
  const Y = takeRows(data.scored.Y, nT, trt);
  const drugs = Array.from(trt, (r) => data.drugIds[r]);
  const allInputs = memberInputs(kind, feats.train, config);
  const inputs = selectInputRows(allInputs, trt);
  const testInputs = memberInputs(kind, feats.test, config);
  const nonscored = data.nonscored ? takeRows(data.nonscored.Y, data.nonscored.names.length, trt) : undefined;
  log(`[${kind}] ${trt.length} treated training rows (${data.train.nRows - trt.length} ctl_vehicle rows dropped, predicted 0), inputs ${allInputs.rowShapes.map((s) => `[${s}]`).join(' + ')}`);

  const score = (rows: Int32Array, pred: Float32Array) => columnwiseLogLoss(takeRows(Y, nT, rows), pred, nT);
  const seedOof: Float32Array[] = [];
  const seedTest: Float32Array[] = [];
  const perSeed: Record<string, { oofLogLossTreated: number; folds: number[] }> = {};
  const histories: EpochRecord[][] = [];
  let foldSeconds = 0;
  const foldMetrics: Record<string, unknown>[] = [];
  for (const s0 of mc.seeds) {
    const s = s0 + place.seed;
    const folds = drugAwareFolds(drugs, Y, nT, { nSplits: mc.folds, seed: s });
    const res = await runOutOfFold({
      folds,
      nRows: trt.length,
      nOutputs: nT,
      dir: run.path(`seed_${s}`),
      score,
      logger: (l) => log(`[${kind} seed ${s}] ${l}`),
      fitFold: async ({ fold, train, valid, foldDir }) => {
        const out = await fitFold({ kind, config, seed: s, fold, nFolds: folds.length, foldDir, inputs, testInputs, Y, nonscored, train, valid, log: (l) => log(`[${kind} seed ${s} fold ${fold + 1}/${folds.length}] ${l}`) });
        return out;
      },
    });
    for (let k = 0; k < folds.length; k++) {
      const h = path.join(run.dir, `seed_${s}`, `fold_${k}`, 'history.json');
      if (fs.existsSync(h)) histories.push(readJson<EpochRecord[]>(h));
    }
    foldSeconds += res.reports.reduce((t, r) => t + r.seconds, 0);
    foldMetrics.push(...res.reports.map((r) => r.metrics));
    seedOof.push(res.oof);
    seedTest.push(res.test!);
    perSeed[String(s)] = { oofLogLossTreated: res.score!, folds: res.foldScores };
  }

  // Seed averaging, then back to all rows with ctl_vehicle at 0.
  const mean = (xs: Float32Array[]) => {
    const out = new Float32Array(xs[0].length);
    for (const x of xs) for (let i = 0; i < x.length; i++) out[i] += x[i] / xs.length;
    return out;
  };
  const oofTrt = mean(seedOof);
  const oof = new Float32Array(data.train.nRows * nT);
  trt.forEach((r, i) => oof.set(oofTrt.subarray(i * nT, (i + 1) * nT), r * nT));
  const test = zeroControls(mean(seedTest), data.test, nT);
  saveNpy(run.path('oof.npy'), oof, [data.train.nRows, nT]);
  saveNpy(run.path('test.npy'), test, [data.test.nRows, nT]);

  const oofLogLoss = columnwiseLogLoss(data.scored.Y, oof, nT);
  const oofLogLossTreated = columnwiseLogLoss(Y, oofTrt, nT);
  const sub = clipProbabilities(test, config.ensemble.clip, data.test);
  await writeMoaSubmission(run.path('submission.csv'), data.test.sigIds, data.scored.names, sub, { columns: data.submissionColumns });
  const seconds = (Date.now() - started) / 1000;
  // The features are fitted once for all members (cli.ts adds their time to the total).
  const cost = timingReport({ maxSteps: config.maxSteps, backend: info?.backend ?? tf.getBackend(), trainings: foldMetrics, prepareSeconds: 0, log: (l) => log(`[${kind}] ${l}`) });
  const metrics: Record<string, unknown> = {
    member: kind,
    oofLogLoss,
    oofLogLossTreated,
    seeds: perSeed,
    ...baselines(data),
    testLogLoss: data.testTruth ? columnwiseLogLoss(data.testTruth, sub, nT) : undefined,
    /** Seconds spent fitting folds (kept across resumes: a resumed fold counts its original time). */
    trainSeconds: foldSeconds,
    /** Wall time of the last train invocation for this member (a full resume takes ~1 s). */
    wallSeconds: seconds,
    backend: info?.backend ?? tf.getBackend(),
    device: info?.device,
    dataFingerprint: fingerprint(data.train.sigIds),
    testFingerprint: fingerprint(data.test.sigIds),
    nFeatures: allInputs.rowShapes.map((s) => s.reduce((a, b) => a * b, 1)),
    ...cost,
  };
  run.writeMetrics(metrics);
  writeLearningCurve(run, kind, histories);
  log(`[${kind}] OOF log loss ${oofLogLoss.toFixed(6)} (treated rows ${oofLogLossTreated.toFixed(6)}), folds fitted in ${foldSeconds.toFixed(0)}s, this call ${seconds.toFixed(0)}s`);
  return { kind, runId: run.id, dir: run.dir, oofLogLoss, seconds: foldSeconds };
}

function writeLearningCurve(run: Run, kind: MemberKind, histories: EpochRecord[][]): void {
  if (!histories.length) return;
  const series = histories.slice(0, 8).flatMap((h, i) => [
    { name: `fold ${i + 1} val`, y: h.map((r) => r.valLoss ?? NaN) },
  ]);
  const maxLen = Math.max(...histories.map((h) => h.length));
  const meanTrain = Array.from({ length: maxLen }, (_, e) => {
    const v = histories.map((h) => h[e]?.loss).filter((x): x is number => typeof x === 'number');
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
  });
  series.push({ name: 'train (mean)', y: meanTrain });
  writeSvg(run.path('learning_curve.svg'), lineChartSvg(series, { title: `moa ${kind}: loss per epoch`, xLabel: 'epoch', yLabel: 'loss' }));
}

/** Mean binary log loss over all elements (= the column-wise metric), probabilities clipped to [1e-7, 1 - 1e-7] (float32). */
export async function validLogLoss(y: tf.Tensor, pred: tf.Tensor, logits: boolean): Promise<number> {
  const m = tf.tidy(() => {
    const p = tf.clipByValue(logits ? tf.sigmoid(pred) : pred, 1e-7, 1 - 1e-7);
    const l = tf.neg(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))));
    return tf.mean(l);
  });
  const v = (await m.data())[0]; // async: webgpu in Node has no synchronous read
  m.dispose();
  return v;
}

/** The output layer's name: its last weight is the bias. */
export function outputLayerName(kind: MemberKind, config: MoaConfig): string | undefined {
  if (kind === 'dense' || kind === 'cnn1d') return 'output';
  if (kind === 'transfer') return `dense${config.transfer.hidden.length + 1}`;
  return undefined; // tabnet: pytorch-tabnet's final mapping has no bias
}

/** Set the output bias to logit(per-target prior of the training rows), clipped to [1e-4, 1 - 1e-4]. */
export function setPriorBias(model: tf.LayersModel, kind: MemberKind, config: MoaConfig, Y: Float32Array, nOut: number): void {
  const name = outputLayerName(kind, config);
  if (!name) return;
  const layer = model.getLayer(name);
  const w = layer.getWeights();
  const prior = columnMeans(Y, nOut);
  const bias = Float32Array.from(prior, (p) => {
    const q = Math.min(1 - 1e-4, Math.max(1e-4, p));
    return Math.log(q / (1 - q));
  });
  const next = [...w.slice(0, -1), tf.tensor1d(bias)];
  layer.setWeights(next);
  next[next.length - 1].dispose();
}

/** Row-wise [A | B] of two row-major matrices with the same rows. */
export function hstackRows(A: Float32Array, aCols: number, B: Float32Array, bCols: number): Float32Array {
  const n = A.length / aCols;
  const out = new Float32Array(n * (aCols + bCols));
  for (let i = 0; i < n; i++) {
    out.set(A.subarray(i * aCols, (i + 1) * aCols), i * (aCols + bCols));
    out.set(B.subarray(i * bCols, (i + 1) * bCols), i * (aCols + bCols) + aCols);
  }
  return out;
}

interface FitFoldArgs {
  kind: MemberKind;
  config: MoaConfig;
  seed: number;
  fold: number;
  nFolds: number;
  foldDir: string;
  inputs: MemberInputs;
  testInputs: MemberInputs;
  Y: Float32Array;
  nonscored?: Float32Array;
  train: Int32Array;
  valid: Int32Array;
  log: (l: string) => void;
}

/** Train one fold (both steps for transfer), save the model, predict validation and test rows. */
async function fitFold(a: FitFoldArgs): Promise<{ valid: Float32Array; test: Float32Array; metrics: Record<string, number> }> {
  const { kind, config } = a;
  const mc = config[kind] as MemberCommon;
  const nRows = a.inputs.x[0].length / a.inputs.rowShapes[0].reduce((x, y) => x * y, 1);
  const nT = a.Y.length / nRows;
  const xTrain = selectInputRows(a.inputs, a.train);
  const xValid = selectInputRows(a.inputs, a.valid);
  const foldSeed = a.seed * 100 + a.fold;
  const source = (x: MemberInputs, y: Float32Array, nOut: number, shuffle: boolean) =>
    arrayBatchSource({
      x: x.x.length === 1 ? x.x[0] : x.x,
      xShape: x.x.length === 1 ? [x.x[0].length / x.rowShapes[0].reduce((p, q) => p * q, 1), ...x.rowShapes[0]] : x.x.map((xx, k) => [xx.length / x.rowShapes[k].reduce((p, q) => p * q, 1), ...x.rowShapes[k]]),
      y,
      yShape: [y.length / nOut, nOut],
      batchSize: mc.batchSize,
      shuffle,
      seed: foldSeed,
    });
  const stepsPerEpoch = Math.ceil(a.train.length / mc.batchSize);
  // Early stopping, best-epoch restore and the plateau schedule watch the validation log loss
  // (the metric, without label smoothing or weight penalties), not the training loss.
  const logits = OUTPUTS_LOGITS[kind];
  const valMetric = [{ name: 'logloss', mode: 'min' as const, fn: (y: tf.Tensor, p: tf.Tensor) => validLogLoss(y, p, logits) }];
  const early = { patience: mc.earlyStoppingPatience > 0 ? mc.earlyStoppingPatience : 1_000_000, monitor: 'logloss' };
  const metrics: Record<string, number> = {};

  // Seed 004's step 1: pre-train on the scored + non-scored targets (the kernel's ALL_TARGETS), or
  // on the non-scored ones alone (pretrainTargets), keeping the best validation epoch.
  let pretrained: tf.LayersModel | undefined;
  const timings: TrainTiming[] = [];
  const tc = config.transfer;
  if (kind === 'transfer' && a.nonscored && tc.pretrainEpochs > 0) {
    const preY = tc.pretrainTargets === 'all' ? hstackRows(a.Y, nT, a.nonscored, a.nonscored.length / nRows) : a.nonscored;
    const nN = preY.length / nRows;
    const what = tc.pretrainTargets === 'all' ? 'scored + non-scored' : 'non-scored';
    let current: tf.LayersModel | undefined;
    const t = memberTraining('transfer', config, () => current, stepsPerEpoch, tc.pretrainEpochs, true);
    const res = await trainModel({
      createModel: () => {
        current = buildTransferModel({ inputDim: a.inputs.rowShapes[0][0], outputDim: nN, hidden: tc.hidden, dropout: tc.dropout, seed: foldSeed }, 'moa_transfer_pretrain');
        if (tc.priorBias) setPriorBias(current, 'transfer', config, takeRows(preY, nN, a.train), nN);
        return current;
      },
      loss: t.loss,
      optimizer: t.optimizer,
      schedule: t.schedule,
      trainBatches: source(xTrain, takeRows(preY, nN, a.train), nN, true),
      validBatches: source(xValid, takeRows(preY, nN, a.valid), nN, false),
      epochs: tc.pretrainEpochs,
      seed: foldSeed,
      restoreBest: true,
      earlyStopping: early,
      metrics: valMetric,
      checkpointDir: path.join(a.foldDir, 'pretrain_ckpt'),
      maxSteps: config.maxSteps,
      log: (l) => a.log(`pretrain (${what}) ${l}`),
      progress: false,
    });
    timings.push(res.timing);
    pretrained = res.model;
    await pretrained.save(modelDirHandler(path.join(a.foldDir, 'pretrain')));
    writeJson(path.join(a.foldDir, 'pretrain_history.json'), res.history);
    metrics.pretrainBestEpoch = res.bestEpoch;
  }

  let current: tf.LayersModel | undefined;
  const t = memberTraining(kind, config, () => current, stepsPerEpoch, mc.epochs);
  let optimizer = t.optimizer;
  const yTrain = takeRows(a.Y, nT, a.train);
  let createModel = () => {
    current = buildMemberModel(kind, config, a.inputs.rowShapes, nT, foldSeed);
    if (mc.priorBias) setPriorBias(current, kind, config, yTrain, nT);
    return current;
  };
  if (kind === 'transfer' && pretrained) {
    const pre = pretrained;
    createModel = () => {
      current = buildMemberModel(kind, config, a.inputs.rowShapes, nT, foldSeed + 7919);
      copyLowerBlocks(pre, current, tc.hidden);
      if (mc.priorBias) setPriorBias(current, kind, config, yTrain, nT);
      return current;
    };
    if (tc.unfreeze) {
      const nBlocks = transferBlocks(tc);
      optimizer = () => {
        const m = current!;
        const names = Array.from({ length: nBlocks }, (_, i) => blockVariableNames(m, i + 1));
        return new FreezingOptimizer(t.optimizer(), stepsPerEpoch, (epoch) => new Set(frozenBlocksAt(epoch, mc.epochs, nBlocks).flatMap((k) => names[k - 1])));
      };
    }
  }
  const res = await trainModel({
    createModel,
    loss: t.loss,
    optimizer,
    schedule: t.schedule,
    trainBatches: source(xTrain, yTrain, nT, true),
    validBatches: source(xValid, takeRows(a.Y, nT, a.valid), nT, false),
    epochs: mc.epochs,
    seed: foldSeed,
    restoreBest: mc.restoreBest,
    earlyStopping: early,
    metrics: valMetric,
    checkpointDir: path.join(a.foldDir, 'ckpt'),
    maxSteps: config.maxSteps,
    log: (l) => a.log(kind === 'transfer' && pretrained ? `fine-tune (scored) ${l}` : l),
    progress: false,
  });
  timings.push(res.timing);
  pretrained?.dispose();
  const model = res.model;
  try {
    await model.save(modelDirHandler(path.join(a.foldDir, 'model')));
    writeJson(path.join(a.foldDir, 'history.json'), res.history);
    const valid = await predictInputs(model, xValid, logits);
    const test = await predictInputs(model, a.testInputs, logits);
    metrics.bestEpoch = res.bestEpoch;
    metrics.epochsRun = res.history.length;
    metrics.params = model.countParams();
    Object.assign(metrics, combineTimings(timings), { peakRssGiB: peakRssGiB() });
    return { valid, test, metrics };
  } finally {
    model.dispose();
  }
}

export { computeFeatures as fitFeatures };
