// The seed's training: GroupKFold by patient_id; per fold the EfficientNet on the merged input
// tiles, KLDivLoss(batchmean) on log-softmax, AdamW + OneCycleLR stepped per batch, gradient-norm
// clipping, validation every epoch and the best-validation weights kept; stage 2 continues on
// the eeg_ids with many votes at a lower LR. Then the OOF CV KL next to the train-mean baseline.
//
// Resumable like hms-wavenet: finished folds are reloaded (runOutOfFold's DONE marker) and an
// interrupted stage resumes after its last finished epoch (trainModel's checkpointDir). With
// train.workers > 1 folds train in child processes (wasm computes on one thread).
import { ChildProcess, fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fitFoldInPool, groupKFold, runOutOfFold, saveWorkerFold, WorkerPool, withWorkerPool, type FitFoldArgs, type Fold } from '@repro/cv';
import { createTrainRun, foldEpochs, foldLossSeries, hmsConsensusCounts, hmsOutOfFoldOptions, hmsScoreRows, hmsTrainMeanOof, lineChartSvg, normalizeHmsRows, modelDirHandler, openRun, readFoldEpochs, readHmsTruthFigures, readJson, removeSingleFileCaches, saveNpy, sweepStaleTemps, writeJson, writeSvg, type EpochRecordBase, type Run, type SolutionContext } from '@repro/io';
import {
  adamW,
  hashSeed,
  klDivWithLogits,
  oneCycle,
  permutation,
  SeededRng,
  combineTimings,
  peakRssGiB,
  tf,
  timingReport,
  trainModel,
  nextTurn,
  type TrainTiming,
  type BackendInfo,
  type EpochRecord,
  type IndexedBatchSource,
} from '@repro/layers';
import { klDivergenceScore } from '@repro/metrics';
import { enabledModalities, type HmsEfficientnetConfig, type Modality } from './config';
import { asImages, buildModalities, cacheShardBytes, flipTiles, inputImages, MAX_INPUTS_BYTES, type InputImages, type Item } from './features';
import { loadTrain, type EegTable } from './load';
import { buildModel, inputChannels, loadPretrained, predictRows, setPriorHead, writeImage } from './model';
import { StepTimer } from './timing';

export const SOLUTION = 'hms-efficientnet';

export function cacheDirFor(runsRoot: string): string {
  return path.join(runsRoot, SOLUTION, 'cache');
}

export interface TrainData {
  table: EegTable;
  /**
   * The merged input images, [height, width] each: in memory, or merged per batch from the
   * sharded tile stores when all of them would be over 1 GiB (features.ts inputImages). A plain
   * [n, height, width] array is read as in memory.
   */
  x: Float32Array | InputImages;
  height: number;
  width: number;
  /**
   * train.randomWindows: merged images of every label window (as x); eeg_id row r's windows are
   * rows start[r] .. start[r + 1] - 1.
   */
  windows?: { x: Float32Array | InputImages; start: Int32Array };
}

/** The notebook's spectrogram window start: r = int((min + max) // 4) rows (offsets in s, 2 s per row). */
export function trainItems(t: EegTable): Item[] {
  return Array.from({ length: t.n }, (_, i) => ({ eegId: t.eegId[i], spectrogramId: t.spectrogramId[i], specRow: Math.floor((t.specMin[i] + t.specMax[i]) / 4) }));
}

/** One item per train.csv label window (eeg_id order, then file order), and each eeg_id's first one. */
export function windowItems(t: EegTable): { items: Item[]; start: Int32Array } {
  const items: Item[] = [];
  const start = new Int32Array(t.n + 1);
  for (let i = 0; i < t.n; i++) {
    start[i] = items.length;
    for (const w of t.windows[i]) items.push({ eegId: t.eegId[i], spectrogramId: t.spectrogramId[i], specRow: Math.floor(w.specOffset / 2), eegOffsetSeconds: w.eegOffset });
  }
  start[t.n] = items.length;
  return { items, start };
}

export async function prepareTrainData(
  config: HmsEfficientnetConfig,
  seed: number,
  o: {
    cacheDir: string;
    outDir?: string;
    log: (l: string) => void;
    timer: StepTimer;
    modalities?: readonly Modality[];
    /** Merged inputs above this many bytes are merged per batch from the tile stores. @default MAX_INPUTS_BYTES (1 GiB) */
    maxInputsBytes?: number;
  },
): Promise<TrainData> {
  const table = await o.timer.time('load_train_csv', () =>
    loadTrain(config.data.dir, { maxEegs: config.data.maxEegs, balanced: config.data.balanced, seed, outDir: o.outDir, log: o.log }),
  );
  o.log(`Train data grouped by eeg_id: ${table.n} EEGs of ${new Set(table.patientId).size} patients; consensus ${JSON.stringify(hmsConsensusCounts(table))}`);
  const use = enabledModalities(config.inputs);
  const maxInputsBytes = o.maxInputsBytes ?? MAX_INPUTS_BYTES;
  const build = { cacheDir: config.data.cache ? o.cacheDir : undefined, maxShardBytes: cacheShardBytes(config.data), log: o.log };
  const where = (x: InputImages) => (x.perBatch ? 'merged per batch from the tile stores' : 'in memory');
  const mods = await buildModalities(config.data.dir, 'train', trainItems(table), o.modalities ?? use, config.inputs, { ...build, time: (name, fn) => o.timer.time(name, fn) });
  const x = await o.timer.time('merge_modalities', async () => inputImages(mods, use, table.n, config.inputs, maxInputsBytes));
  const { height, width } = x;
  o.log(`Input: ${use.join(' + ')} tiles of ${config.inputs.tileHeight} x ${config.inputs.tileWidth} -> [${table.n}, ${height}, ${width}, ${inputChannels(config.inputs.positionChannel, config.inputs.imageChannels)}]`);
  o.log(`  input images ${where(x)}`);
  if (!config.train.randomWindows) return { table, x, height, width };
  const w = windowItems(table);
  const wm = await buildModalities(config.data.dir, 'train', w.items, use, config.inputs, { ...build, time: (name, fn) => o.timer.time(`label_windows_${name}`, fn) });
  const wx = inputImages(wm, use, w.items.length, config.inputs, maxInputsBytes);
  o.log(`train.randomWindows: ${w.items.length} label windows of ${table.n} EEGs for training (${where(wx)})`);
  return { table, x, height, width, windows: { x: wx, start: w.start } };
}

export function makeFolds(config: HmsEfficientnetConfig, table: EegTable): Fold[] {
  return groupKFold(table.patientId, { nSplits: config.train.folds }).slice(0, config.train.foldsToTrain);
}

/**
 * OneCycle's warm-up ends at step pct_start * total - 1; at 0 or below torch divides by zero (NaN
 * here). A short stage (stage 2 on few EEGs with batch 16) gets pct_start 2 / total instead.
 */
export function warmupPct(pctStart: number, totalSteps: number): number {
  return pctStart * totalSteps - 1 > 0 ? pctStart : Math.min(0.75, 2 / totalSteps);
}

/** Shuffled micro-batches with the seed's horizontal flip, deterministic per (seed, epoch, batch). */
export function imageBatches(a: {
  data: TrainData;
  rows: Int32Array;
  batchSize: number;
  shuffle: boolean;
  seed: number;
  hflip: number;
  tileWidth: number;
  /** Input channels (2 adds the row-position channel). @default 1 */
  channels?: number;
  /** Draw each row's image from one of its label windows (data.windows) at random. @default false */
  randomWindows?: boolean;
  /**
   * DataLoader's drop_last: use only floor(rows / dropLast) * dropLast rows per epoch (dropLast =
   * the optimizer batch), all of them when that is 0. @default 0 (every row)
   */
  dropLast?: number;
}): IndexedBatchSource {
  const { data, rows } = a;
  const full = a.dropLast ? Math.floor(rows.length / a.dropLast) * a.dropLast : 0;
  const used = full > 0 ? full : rows.length;
  const size = data.height * data.width;
  const channels = a.channels ?? 1;
  const windows = a.randomWindows ? data.windows : undefined;
  if (a.randomWindows && !windows) throw new Error('imageBatches: randomWindows needs data.windows (train.randomWindows)');
  // Each image is copied (in memory) or merged from the tile stores (per batch) into img.
  const images = asImages(data.x, data.height, data.width);
  const windowImages = windows ? asImages(windows.x, data.height, data.width) : undefined;
  const img = new Float32Array(size);
  const n = Math.ceil(used / a.batchSize);
  let cached: { epoch: number; order: Int32Array } | undefined;
  return {
    numBatches: () => n,
    batch(i, epoch) {
      if (a.shuffle && cached?.epoch !== epoch) cached = { epoch, order: permutation(rows.length, new SeededRng(hashSeed(a.seed, epoch))) };
      const rng = new SeededRng(hashSeed(a.seed, epoch, i, 7));
      const s = i * a.batchSize;
      const e = Math.min(used, s + a.batchSize);
      const x = new Float32Array((e - s) * size * channels);
      const y = new Float32Array((e - s) * 6);
      for (let j = s; j < e; j++) {
        const r = rows[a.shuffle ? cached!.order[j] : j];
        const count = windows ? windows.start[r + 1] - windows.start[r] : 0;
        if (windows && count > 0) windowImages!.row(windows.start[r] + Math.floor(rng.next() * count), img);
        else images.row(r, img);
        if (a.hflip > 0 && rng.next() < a.hflip) flipTiles(img, data.height, data.width, a.tileWidth);
        writeImage(x, (j - s) * size * channels, img, data.height, data.width, channels);
        for (let k = 0; k < 6; k++) y[(j - s) * 6 + k] = data.table.targets[r * 6 + k];
      }
      return { x: tf.tensor4d(x, [e - s, data.height, data.width, channels]), y: tf.tensor2d(y, [e - s, 6]) };
    },
  };
}

/**
 * Softmax probabilities of `rows` of `images`, in that order: model.ts predictRows on one batch at
 * a time, gathered from the images (in memory or per batch from the tile stores), so only one
 * batch's inputs are ever in memory. The same batches as predictRows on the whole array.
 */
export async function predictImages(model: tf.LayersModel, images: InputImages, rows: ArrayLike<number>, batchSize: number): Promise<Float32Array> {
  const out = new Float32Array(rows.length * 6);
  for (let s = 0; s < rows.length; s += batchSize) {
    await nextTurn(); // a signal is handled between batches, not after the whole prediction
    const e = Math.min(rows.length, s + batchSize);
    const x = gatherImages(images, Array.from({ length: e - s }, (_, i) => rows[s + i]));
    out.set(await predictRows(model, x, images.height, images.width, Int32Array.from({ length: e - s }, (_, i) => i), batchSize), s * 6);
  }
  return out;
}

/** Images `rows`, in that order, as one [rows.length, height, width] array. */
export function gatherImages(images: InputImages, rows: ArrayLike<number>): Float32Array {
  const size = images.height * images.width;
  const x = new Float32Array(rows.length * size);
  for (let i = 0; i < rows.length; i++) images.row(rows[i], x.subarray(i * size, (i + 1) * size));
  return x;
}

export interface EpochTiming extends EpochRecordBase {
  secondsPerStep: number;
}

export interface FoldOutcome {
  valid: Float32Array;
  metrics: Record<string, number>;
}

/** One fold: stage 1 on all training eeg_ids, stage 2 on those with many votes, best weights kept. */
export async function trainFold(args: FitFoldArgs & { config: HmsEfficientnetConfig; configFile: string; seed: number; data: TrainData; log: (l: string) => void; timer: StepTimer }): Promise<FoldOutcome> {
  const { config, seed, fold, data, foldDir, timer } = args;
  const t = config.train;
  const log = (l: string) => args.log(`[fold ${fold + 1}] ${l}`);
  const { records: timings, record } = foldEpochs<EpochTiming>(path.join(foldDir, 'epochs.json'));
  const accumulate = t.batchSize / t.microBatchSize;
  const channels = inputChannels(config.inputs.positionChannel, config.inputs.imageChannels);
  const validBatches = imageBatches({ data, rows: args.valid, batchSize: t.predictBatchSize, shuffle: false, seed: 0, hflip: 0, tileWidth: config.inputs.tileWidth, channels });
  const lrs: Record<string, number[]> = {};

  const stage = async (s: { stage: number; rows: Int32Array; epochs: number; maxLr: number; createModel: () => tf.LayersModel; ckpt: string }) => {
    const trainBatches = imageBatches({
      data,
      rows: s.rows,
      batchSize: t.microBatchSize,
      shuffle: t.shuffle,
      dropLast: t.dropLast ? t.batchSize : 0,
      seed: hashSeed(seed, fold, s.stage),
      hflip: config.inputs.hflip,
      tileWidth: config.inputs.tileWidth,
      channels,
      randomWindows: t.randomWindows,
    });
    const stepsPerEpoch = Math.ceil(trainBatches.numBatches(0) / accumulate);
    const pctStart = warmupPct(t.pctStart, s.epochs * stepsPerEpoch);
    if (pctStart !== t.pctStart) log(`stage ${s.stage}: pct_start ${t.pctStart} x ${s.epochs * stepsPerEpoch} steps leaves no warm-up step; using ${pctStart.toFixed(3)}`);
    const schedule = oneCycle({ maxLr: s.maxLr, totalSteps: s.epochs * stepsPerEpoch, pctStart, divFactor: t.divFactor, finalDivFactor: t.finalDivFactor, annealStrategy: 'cos' });
    lrs[`stage ${s.stage}`] = Array.from({ length: s.epochs * stepsPerEpoch }, (_, k) => schedule(k));
    log(`stage ${s.stage}: ${s.rows.length} train EEGs, ${args.valid.length} valid EEGs; ${s.epochs} epochs x ${stepsPerEpoch} steps of ${t.batchSize}; OneCycle max_lr ${s.maxLr}`);
    return trainModel({
      createModel: s.createModel,
      loss: klDivWithLogits(),
      optimizer: () => adamW({ learningRate: s.maxLr / t.divFactor, weightDecay: t.weightDecay }),
      schedule,
      trainBatches,
      validBatches,
      epochs: s.epochs,
      seed: hashSeed(seed, fold),
      clipNorm: t.clipNorm,
      accumulateSteps: accumulate,
      restoreBest: true,
      checkpointDir: s.ckpt,
      maxSteps: config.maxSteps,
      log,
      onEpochEnd: (r: EpochRecord) => {
        record({ stage: s.stage, epoch: r.epoch, lr: r.lr, loss: r.loss, valLoss: r.valLoss, seconds: r.seconds, secondsPerStep: r.seconds / stepsPerEpoch });
      },
    });
  };

  const initial = buildModel(config.model, data.height, data.width, hashSeed(seed, fold, 11), channels);
  if (config.model.weights) log(await loadPretrained(initial, config.model.weights, args.configFile));
  if (config.model.priorHead) {
    const prior = new Float64Array(6);
    for (const r of args.train) for (let k = 0; k < 6; k++) prior[k] += data.table.targets[r * 6 + k] / args.train.length;
    setPriorHead(initial, prior);
    log(`classifier starts at the training rows' mean votes ${Array.from(prior, (p) => p.toFixed(3)).join(' ')}`);
  }
  const r1 = await timer.time(`fold${fold + 1}_stage1_training`, () =>
    stage({ stage: 1, rows: args.train, epochs: t.epochs, maxLr: t.maxLr, createModel: () => initial, ckpt: path.join(foldDir, 'ckpt') }),
  );
  let model = r1.model;
  const stageTimings: TrainTiming[] = [r1.timing];
  const best1 = Math.min(...r1.history.map((h) => h.valLoss ?? Infinity));
  let bestStage = 1;
  let bestVal = best1;
  if (t.twoStage.enabled) {
    const high = args.train.filter((r) => data.table.minRowVotes[r] >= t.twoStage.minVotes);
    if (high.length === 0) {
      log(`stage 2 skipped: no train EEG has >= ${t.twoStage.minVotes} votes in every row`);
    } else {
      // The stage-1 best weights stay available: stage 2 is kept only when it validates better.
      const kept = model.getWeights().map((w) => tf.keep(w.clone()));
      const stage1Model = model;
      const r2 = await timer.time(`fold${fold + 1}_stage2_training`, () =>
        stage({ stage: 2, rows: high, epochs: t.twoStage.epochs, maxLr: t.twoStage.maxLr, createModel: () => stage1Model, ckpt: path.join(foldDir, 'ckpt_stage2') }),
      );
      model = r2.model;
      stageTimings.push(r2.timing);
      const best2 = Math.min(...r2.history.map((h) => h.valLoss ?? Infinity));
      if (best2 < best1) {
        bestStage = 2;
        bestVal = best2;
      } else model.setWeights(kept);
      tf.dispose(kept);
      log(`best validation KL: stage 1 ${best1.toFixed(5)}, stage 2 ${best2.toFixed(5)} -> keeping stage ${bestStage}`);
    }
  }
  writeJson(path.join(foldDir, 'lr.json'), lrs);
  await model.save(modelDirHandler(path.join(foldDir, 'model')));
  const p0 = performance.now();
  const valid = await timer.time(`fold${fold + 1}_predict_valid`, async () => predictImages(model, asImages(data.x, data.height, data.width), args.valid, t.predictBatchSize));
  const predictSeconds = (performance.now() - p0) / 1000;
  model.dispose();
  const s1 = timings.filter((x) => x.stage === 1);
  return {
    valid,
    metrics: {
      bestStage,
      bestValLoss: bestVal,
      stage1BestValLoss: best1,
      predictSeconds,
      meanSecondsPerStep: s1.reduce((a, x) => a + x.secondsPerStep, 0) / Math.max(1, s1.length),
      ...combineTimings(stageTimings),
      peakRssGiB: peakRssGiB(),
    },
  };
}

/**
 * The write-up's `get_result`: nn.KLDivLoss(reduction='batchmean') on F.log_softmax of the OOF
 * *probabilities* (its target_preds are softmax outputs): log_softmax of numbers in [0, 1] pulls
 * every row towards uniform, so this is not Kaggle's score and is larger (its table: 1.28-1.37).
 * Terms with target 0 count 0 (torch's kl_div: xlogy(0, 0) = 0).
 */
export function getResultKL(table: EegTable, rows: ArrayLike<number>, pred: ArrayLike<number>, byRow = false): number {
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const p = Array.from({ length: 6 }, (_, k) => pred[(byRow ? rows[i] : i) * 6 + k]);
    const max = Math.max(...p);
    const lse = max + Math.log(p.reduce((a, v) => a + Math.exp(v - max), 0));
    for (let k = 0; k < 6; k++) {
      const y = table.targets[rows[i] * 6 + k];
      if (y > 0) total += y * (Math.log(y) - (p[k] - lse));
    }
  }
  return total / rows.length;
}

/** The log line for a run without local ImageNet weights (the write-up's timm model is pretrained). */
export function weightsNote(m: HmsEfficientnetConfig['model']): string | undefined {
  if (m.weights) return undefined;
  return (
    `model.weights is empty: ${m.variant} starts from random weights. The write-up's timm.create_model(pretrained=True) ` +
    `starts from ImageNet weights, which are never downloaded here; convert them to a TF.js/Keras weight file and pass ` +
    `--model.weights <path>/model.json (README "ImageNet weights").`
  );
}

export interface FoldJob {
  runDir: string;
  fold: number;
}

/** Worker processes for (run directory, fold) jobs: the experiment puts several runs in one pool. */
export type FoldPool = WorkerPool<FoldJob>;

export function foldJobKey(runDir: string, fold: number): string {
  return `${path.resolve(runDir)} fold ${fold + 1}`;
}

export function newFoldPool(jobs: FoldJob[], workers: number, spawn: (job: FoldJob) => ChildProcess): FoldPool {
  return new WorkerPool(jobs, workers, (j) => foldJobKey(j.runDir, j.fold), spawn);
}


/** `cli.ts fold-worker --run-dir DIR --fold K --cache-dir C`: train one fold of an existing run. */
export async function foldWorker(runDir: string, fold: number, cacheDir: string, backendInfo: BackendInfo): Promise<void> {
  const run = openRun(runDir);
  const config = run.config as HmsEfficientnetConfig;
  const log = (l: string) => run.log(l);
  const timer = new StepTimer(log, path.join(run.dir, 'timings.json'));
  const data = await prepareTrainData(config, run.seed, { cacheDir, log: () => {}, timer: new StepTimer(() => {}) });
  const f = makeFolds(config, data.table)[fold];
  if (!f) throw new Error(`fold-worker: fold ${fold} is not a fold of ${runDir}`);
  log(`[fold ${fold + 1}] worker pid ${process.pid} on ${backendInfo.backend}`);
  const foldDir = path.join(run.dir, `fold_${fold}`);
  fs.mkdirSync(foldDir, { recursive: true });
  const out = await trainFold({ config, configFile: path.join(run.dir, 'config.json'), seed: run.seed, fold, train: f.train, valid: f.valid, data, foldDir, log, timer });
  saveWorkerFold(foldDir, out.valid, f.valid.length, 6, out.metrics);
}

/** What `train`, `infer` and `experiment` get from the CLI. */
export type TrainContext = SolutionContext<HmsEfficientnetConfig, BackendInfo>;

/** Spawns `cli.ts fold-worker` for a job. */
export function workerSpawner(ctx: TrainContext): (job: FoldJob) => ChildProcess {
  return (job) =>
    fork(ctx.cliPath, ['fold-worker', '--run-dir', job.runDir, '--fold', String(job.fold), '--cache-dir', cacheDirFor(ctx.runsRoot), '--backend', ctx.backend], { stdio: 'inherit' });
}

/** Unfinished folds of a run (no DONE marker). */
export function unfinishedFolds(runDir: string, nFolds: number): number[] {
  return Array.from({ length: nFolds }, (_, k) => k).filter((k) => !fs.existsSync(path.join(runDir, `fold_${k}`, 'DONE')));
}

/** Train every fold of `run` (in-process, or through `pool` when it holds the run's folds) and score. */
export async function trainRun(run: Run, ctx: TrainContext, data: TrainData, timer: StepTimer, pool?: FoldPool, prepareSeconds = 0): Promise<Record<string, unknown>> {
  const config = run.config as HmsEfficientnetConfig;
  const log = (l: string) => run.log(l);
  const t0 = performance.now();
  const { table } = data;
  saveNpy(run.path('oof_eeg_ids.npy'), table.eegId);
  const folds = makeFolds(config, table);
  log(`GroupKFold(n_splits=${config.train.folds}) by patient_id; training ${folds.length} fold(s)`);
  const result = await runOutOfFold({
    ...hmsOutOfFoldOptions(klDivergenceScore, table, run.dir, log),
    folds,
    fitFold: fitFoldInPool(pool, (fold) => foldJobKey(run.dir, fold), 6, (f) => trainFold({ ...f, config, configFile: ctx.configFile, seed: run.seed, data, log, timer })),
  });
  // Softmax rows can be off by float32 rounding; the OOF file holds rows summing to 1.
  saveNpy(run.path('oof.npy'), normalizeHmsRows(result.oof), [table.n, 6]);

  const rows = Int32Array.from(folds.flatMap((f) => Array.from(f.valid))).sort();
  const cv = result.score!;
  const base = hmsTrainMeanOof(table, folds, false);
  const baselineKL = hmsScoreRows(klDivergenceScore, table, rows, base, true);
  const getResult = getResultKL(table, rows, result.oof, true);
  const baselineGetResult = getResultKL(table, rows, base, true);
  const truth = readHmsTruthFigures(config.data.dir);
  const timings = readFoldEpochs<EpochTiming>(run.dir, folds.length);
  log(`CV KL (OOF, KLDivLoss batchmean on log-softmax = Kaggle score) = ${cv.toFixed(5)}`);
  log(`CV KL of the train-mean baseline = ${baselineKL.toFixed(5)}`);
  log(`write-up's get_result (KLDivLoss on log_softmax of the OOF probabilities; its table's metric) = ${getResult.toFixed(5)} (train-mean baseline ${baselineGetResult.toFixed(5)})`);
  if (truth?.floorKL !== undefined) log(`Synthetic truth floor (best possible KL, all eeg_ids) = ${truth.floorKL.toFixed(5)}`);
  const cost = timingReport({ maxSteps: config.maxSteps, backend: ctx.backendInfo.backend, trainings: result.reports.map((r) => r.metrics), prepareSeconds, log });
  const metrics = run.writeMetrics({
    cvKL: cv,
    baselineKL,
    getResult,
    baselineGetResult,
    floorKL: truth?.floorKL ?? null,
    nEegs: table.n,
    nPatients: new Set(table.patientId).size,
    modalities: enabledModalities(config.inputs),
    inputShape: [data.height, data.width, inputChannels(config.inputs.positionChannel, config.inputs.imageChannels)],
    folds: config.train.folds,
    foldsTrained: folds.length,
    perFold: result.reports.map((r, k) => ({ fold: r.fold + 1, nTrain: r.nTrain, nValid: r.nValid, kl: r.score, getResult: getResultKL(table, folds[k].valid, result.oof, true), baselineKL: hmsScoreRows(klDivergenceScore, table, folds[k].valid, base, true), seconds: r.seconds, ...r.metrics })),
    epochs: timings,
    backend: ctx.backendInfo.backend,
    prepareSeconds,
    trainWallSeconds: (performance.now() - t0) / 1000,
    ...cost,
  });

  // Learning curve per fold and the seed's "Two stages strategy" LR picture (fold 1's schedule).
  const series = foldLossSeries(timings, 'always');
  if (series.some((s) => s.y.some(Number.isFinite))) {
    writeSvg(run.path('learning_curve.svg'), lineChartSvg(series, { title: `hms-efficientnet ${run.id}: KL per epoch (stages in sequence)`, xLabel: 'epoch', yLabel: 'KL' }));
  }
  const lrFile = path.join(run.dir, 'fold_0', 'lr.json');
  if (fs.existsSync(lrFile)) {
    const lrs = readJson<Record<string, number[]>>(lrFile);
    let offset = 0;
    const lrSeries = Object.entries(lrs).map(([name, y]) => {
      const x = y.map((_, i) => offset + i + 1);
      offset += y.length;
      return { name, x, y };
    });
    writeSvg(run.path('lr.svg'), lineChartSvg(lrSeries, { title: 'Two stages strategy: OneCycle learning rate per step (fold 1)', xLabel: 'optimizer step', yLabel: 'learning rate', logY: true }));
  }
  return metrics;
}

/** `nx run hms-efficientnet:train`. */
export async function train(ctx: TrainContext): Promise<Record<string, unknown>> {
  const { config, seed } = ctx;
  // The data fingerprint and code version are recorded in the run; a resume checks them.
  const run = createTrainRun(ctx, SOLUTION, __dirname);
  const log = (l: string) => run.log(l);
  const timer = new StepTimer(log, run.path('timings.json'));
  log(`hms-efficientnet train: run ${run.dir} (config ${ctx.configName}, seed ${seed})`);
  log(ctx.backendInfo.summary);
  const note = weightsNote(config.model);
  if (note) log(note);
  return timer.time('train_pipeline', async () => {
    // Half-written shard files of a killed run (never read: shards are renamed into place whole, and
    // a store without its index.json is rebuilt).
    sweepStaleTemps(cacheDirFor(ctx.runsRoot));
    removeSingleFileCaches(cacheDirFor(ctx.runsRoot), log);
    const p0 = performance.now();
    const data = await prepareTrainData(config, seed, { cacheDir: cacheDirFor(ctx.runsRoot), outDir: run.dir, log, timer });
    const prepareSeconds = (performance.now() - p0) / 1000;
    const folds = makeFolds(config, data.table);
    if (config.model.weights) {
      // Fail before any training when the weight file does not fit the model.
      const probe = buildModel(config.model, data.height, data.width, 0, inputChannels(config.inputs.positionChannel, config.inputs.imageChannels));
      try {
        log(await loadPretrained(probe, config.model.weights, ctx.configFile));
      } finally {
        probe.dispose();
      }
    }
    const todo = unfinishedFolds(run.dir, folds.length);
    const workers = Math.min(config.train.workers, todo.length);
    let pool: FoldPool | undefined;
    if (workers > 1) {
      log(`training folds ${todo.map((k) => k + 1).join(', ')} in ${workers} worker processes`);
      pool = newFoldPool(todo.map((fold) => ({ runDir: run.dir, fold })), workers, workerSpawner(ctx));
    }
    const p = pool;
    return withWorkerPool(p, () => trainRun(run, ctx, data, timer, p, prepareSeconds));
  });
}
