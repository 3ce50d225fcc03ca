// Steps 4-6 of the seed: GroupKFold(5) by patient_id; per fold build_model(), fit with the
// per-epoch LR list, predict the validation EEGs (OOF) and the train-mean baseline; then the CV
// score of both with Kaggle's KL divergence.
//
// Resumable at two levels: runOutOfFold skips folds that finished (their DONE marker), and
// trainModel's checkpointDir resumes an interrupted fold after its last finished epoch.
// With train.workers > 1, unfinished folds train in parallel child processes (wasm computes on
// one thread, so a second process uses the second core); the parent collects their results.
import { fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fitFoldInPool, groupKFold, runOutOfFold, saveWorkerFold, WorkerPool, withWorkerPool, type FitFoldArgs, type Fold } from '@repro/cv';
import { createTrainRun, foldEpochs, foldLossSeries, hmsConsensusCounts, hmsOutOfFoldOptions, hmsScoreRows, hmsTrainMeanOof, lineChartSvg, normalizeHmsRows, modelDirHandler, openRun, readFoldEpochs, readHmsTruthFigures, removeSingleFileCaches, saveNpy, sweepStaleTemps, writeSvg, type EpochRecordBase, type SolutionContext } from '@repro/io';
import {
  epochListSchedule,
  kerasAdam,
  klDivergence,
  tf,
  trainModel,
  combineTimings,
  peakRssGiB,
  timingReport,
  type TrainTiming,
  type BackendInfo,
  type EpochRecord,
  type IndexedBatchSource,
} from '@repro/layers';
import { klDivergenceScore } from '@repro/metrics';
import type { HmsWavenetConfig } from './config';
import { loadEegs } from './eegCache';
import { eegBatches, modelInputs, predictRows, type ModelInputs } from './generator';
import { loadTrain, type EegTable } from './load';
import { buildModel } from './model';

export const SOLUTION = 'hms-wavenet';

export interface TrainData {
  table: EegTable;
  /** The generator's output for every EEG, [steps, 8] each (in memory, or from the cache store per batch). */
  x: ModelInputs;
  steps: number;
}

/** Where the EEG cache of a runs root lives (shared by every run of the solution). */
export function cacheDirFor(runsRoot: string): string {
  return path.join(runsRoot, SOLUTION, 'cache');
}

/** data.cacheShardMiB in bytes. */
export function cacheShardBytes(config: HmsWavenetConfig): number {
  return Math.floor(config.data.cacheShardMiB * 2 ** 20);
}

/** train.csv aggregated per eeg_id, the EEGs' middle windows (cached), transformed for the model. */
export async function prepareTrainData(config: HmsWavenetConfig, cacheDir: string, log: (l: string) => void): Promise<TrainData> {
  const table = await loadTrain(config.data.dir, config.data.maxEegs);
  const patients = new Set(table.patientId).size;
  log(`Train data with unique eeg_id: ${table.n} EEGs of ${patients} patients; consensus ${JSON.stringify(hmsConsensusCounts(table))}`);
  const raw = await loadEegs(config.data.dir, 'train', table.eegId, config.signal.windowRows, {
    cacheDir: config.data.cacheEegs ? cacheDir : undefined,
    maxShardBytes: cacheShardBytes(config),
    log,
  });
  const t0 = Date.now();
  const x = modelInputs(raw, config.signal);
  const steps = x.steps;
  if (!x.perRow) raw.close(); // every input is in memory now: the store's files are done with
  const where = x.perRow ? `per batch, from the cached windows (${raw.source})` : `in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
  log(`Generator: 8 bipolar channels, clip +-${config.signal.clip}, /${config.signal.scale}, Butterworth low-pass ${config.signal.lowpassHz} Hz order ${config.signal.filterOrder}, ::${config.signal.downsample} -> [${table.n}, ${steps}, 8] ${where}`);
  return { table, x, steps };
}

export function makeFolds(config: HmsWavenetConfig, table: EegTable): Fold[] {
  return groupKFold(table.patientId, { nSplits: config.train.folds }).slice(0, config.train.foldsToTrain);
}

/**
 * The seed's model.compile + fit settings: loss tf.keras.losses.KLDivergence() (both clipped to
 * [1e-7, 1], sum y*log(y/p), batch mean), tf.keras.optimizers.Adam(learning_rate=1e-3) (Keras
 * defaults beta 0.9/0.999, epsilon 1e-7), LearningRateScheduler(lrfn) setting lrs[epoch] at every
 * epoch start, and the last epoch's weights kept (no checkpoint callback restores a better one).
 */
export function fitRecipe(lrs: number[]) {
  return {
    loss: klDivergence(),
    optimizer: () => kerasAdam({ learningRate: lrs[0] }),
    schedule: epochListSchedule({ lrs }),
    restoreBest: false,
  };
}

/** Per-epoch numbers of one fold (fold_k/epochs.json), for the log, metrics and learning curve. */
export interface EpochTiming extends EpochRecordBase {
  trainSeconds: number;
  optimizerSteps: number;
  microBatches: number;
  secondsPerStep: number;
  secondsPerEeg: number;
}

export interface FoldOutcome {
  valid: Float32Array;
  metrics: Record<string, number>;
}

/** Wrap a batch source to note when its first batch of an epoch is asked for. */
function timed(src: IndexedBatchSource, mark: (epoch: number) => void): IndexedBatchSource {
  return {
    numBatches: (e) => src.numBatches(e),
    batch: (i, e) => {
      if (i === 0) mark(e);
      return src.batch(i, e);
    },
  };
}

/** build_model() + model.fit(train_gen, validation_data=valid_gen, epochs, callbacks=[LR]) + predict. */
export async function trainFold(args: FitFoldArgs & { config: HmsWavenetConfig; seed: number; data: TrainData; log: (l: string) => void }): Promise<FoldOutcome> {
  const { config, seed, fold, data, foldDir } = args;
  const t = config.train;
  const tag = `[fold ${fold + 1}]`;
  const log = (l: string) => args.log(`${tag} ${l}`);
  const { records: timings, record } = foldEpochs<EpochTiming>(path.join(foldDir, 'epochs.json'));
  const accumulateSteps = t.batchSize / t.microBatchSize;
  const validSource = eegBatches({ x: data.x, steps: data.steps, y: data.table.targets, rows: args.valid, batchSize: t.predictBatchSize, shuffle: false });

  const stage = async (s: { stage: number; rows: Int32Array; epochs: number; lrs: number[]; createModel: () => tf.LayersModel; ckpt: string }) => {
    const source = eegBatches({
      x: data.x,
      steps: data.steps,
      y: data.table.targets,
      rows: s.rows,
      batchSize: t.batchSize,
      microBatchSize: t.microBatchSize,
      shuffle: true,
      seed: seed * 1009 + fold * 31 + s.stage,
    });
    let trainStart = 0;
    let validStart = 0;
    const trainBatches = timed(source, () => (trainStart = performance.now()));
    const validBatches = t.validateEachEpoch ? timed(validSource, () => (validStart = performance.now())) : undefined;
    log(
      `stage ${s.stage}: ${s.rows.length} train EEGs, ${args.valid.length} valid EEGs; batch ${t.batchSize} EEGs = ${accumulateSteps} micro-batch(es) of ${t.microBatchSize} ` +
        `(${t.microBatchSize * 8} sequences of ${data.steps}); ${s.epochs} epochs, lr ${JSON.stringify(s.lrs)}`,
    );
    return trainModel({
      createModel: s.createModel,
      ...fitRecipe(s.lrs),
      trainBatches,
      validBatches,
      epochs: s.epochs,
      seed: seed + fold,
      accumulateSteps,
      checkpointDir: s.ckpt,
      maxSteps: config.maxSteps,
      // The last epoch's validation pass runs the final weights over exactly the OOF batches
      // (validSource: the valid rows in order, predictBatchSize): its predictions are the OOF.
      keepValidPredictions: true,
      log,
      onEpochEnd: (r: EpochRecord) => {
        const end = validBatches ? validStart : performance.now();
        const trainSeconds = (end - trainStart) / 1000;
        const fullSteps = Math.ceil(s.rows.length / t.batchSize);
        // A --max-steps run cuts the epoch: time per step is over the steps taken, not the epoch's.
        const cut = r.steps < fullSteps;
        const steps = Math.max(1, r.steps);
        const micro = cut ? steps * Math.ceil(t.batchSize / t.microBatchSize) : source.numBatches(r.epoch);
        const eegs = cut ? Math.min(s.rows.length, steps * t.batchSize) : s.rows.length;
        const rec: EpochTiming = {
          stage: s.stage,
          epoch: r.epoch,
          lr: r.lr,
          loss: r.loss,
          valLoss: r.valLoss,
          seconds: r.seconds,
          trainSeconds,
          optimizerSteps: steps,
          microBatches: micro,
          secondsPerStep: trainSeconds / steps,
          secondsPerEeg: trainSeconds / eegs,
        };
        record(rec);
        log(
          `stage ${s.stage} epoch ${r.epoch + 1}/${s.epochs}: train ${trainSeconds.toFixed(1)} s = ${rec.secondsPerStep.toFixed(2)} s/step ` +
            `(${(trainSeconds / micro).toFixed(2)} s per micro-batch of ${t.microBatchSize}, ${(rec.secondsPerEeg * 1000).toFixed(0)} ms/EEG)` +
            (validBatches ? `, valid ${((performance.now() - validStart) / 1000).toFixed(1)} s` : ''),
        );
      },
    });
  };

  const steps = data.steps;
  const t0 = performance.now();
  const r1 = await stage({
    stage: 1,
    rows: args.train,
    epochs: t.epochs,
    lrs: t.lrs,
    createModel: () => buildModel({ blocks: config.model.blocks, headUnits: config.model.headUnits, steps, seed: seed * 100 + fold }),
    ckpt: path.join(foldDir, 'ckpt'),
  });
  let model = r1.model;
  let history = r1.history;
  let lastValid = r1.lastValidPredictions;
  const stageTimings: TrainTiming[] = [r1.timing];
  if (t.twoStage.enabled) {
    const high = args.train.filter((r) => data.table.minRowVotes[r] >= t.twoStage.minVotes);
    if (high.length === 0) {
      log(`stage 2 skipped: no train EEG has >= ${t.twoStage.minVotes} votes in every row`);
    } else {
      const r2 = await stage({ stage: 2, rows: high, epochs: t.twoStage.epochs, lrs: t.twoStage.lrs, createModel: () => model, ckpt: path.join(foldDir, 'ckpt_stage2') });
      model = r2.model;
      history = [...history, ...r2.history];
      lastValid = r2.lastValidPredictions;
      stageTimings.push(r2.timing);
    }
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  await model.save(modelDirHandler(path.join(foldDir, 'model')));
  const p0 = performance.now();
  // OOF: the last validation pass's predictions when they are the final weights' (one pass over
  // the valid EEGs instead of two: on wasm at kaggle size that pass is ~12-16 min per fold), else a
  // prediction pass (a resumed fold whose training had finished, or validation off).
  const reuse = lastValid !== undefined && lastValid.length === args.valid.length * 6;
  const valid = reuse ? normalizeHmsRows(Float32Array.from(lastValid!)) : await predictRows(model, data.x, args.valid, steps, t.predictBatchSize);
  const predictSeconds = (performance.now() - p0) / 1000;
  log(reuse ? `OOF predictions: the last validation pass's (the final weights), not predicted again` : `OOF predictions: ${args.valid.length} EEGs in ${predictSeconds.toFixed(1)} s`);
  model.dispose();
  const last = history[history.length - 1];
  const stage1 = timings.filter((x) => x.stage === 1);
  return {
    valid,
    metrics: {
      trainSeconds,
      predictSeconds,
      lastLoss: last?.loss ?? NaN,
      lastValLoss: last?.valLoss ?? NaN,
      meanSecondsPerStep: stage1.reduce((a, x) => a + x.secondsPerStep, 0) / Math.max(1, stage1.length),
      meanMsPerEeg: (1000 * stage1.reduce((a, x) => a + x.secondsPerEeg, 0)) / Math.max(1, stage1.length),
      ...combineTimings(stageTimings),
      peakRssGiB: peakRssGiB(),
    },
  };
}

/** What `train` gets from the CLI. */
export type TrainContext = SolutionContext<HmsWavenetConfig, BackendInfo>;

/** `cli.ts fold-worker --run-dir DIR --fold K`: train one fold of an existing run. */
export async function foldWorker(runDir: string, fold: number, backendInfo: BackendInfo): Promise<void> {
  const run = openRun(runDir);
  const config = run.config as HmsWavenetConfig;
  const log = (l: string) => run.log(l);
  const data = await prepareTrainData(config, path.join(path.dirname(run.dir), 'cache'), () => {});
  const folds = makeFolds(config, data.table);
  const f = folds[fold];
  if (!f) throw new Error(`fold-worker: fold ${fold} is not one of the ${folds.length} folds of ${runDir}`);
  log(`[fold ${fold + 1}] worker pid ${process.pid} on ${backendInfo.backend} (${backendInfo.device})`);
  const foldDir = path.join(run.dir, `fold_${fold}`);
  fs.mkdirSync(foldDir, { recursive: true });
  const out = await trainFold({ config, seed: run.seed, fold, train: f.train, valid: f.valid, data, foldDir, log });
  saveWorkerFold(foldDir, out.valid, f.valid.length, 6, out.metrics);
}

/** `nx run hms-wavenet:train`. */
export async function train(ctx: TrainContext): Promise<Record<string, unknown>> {
  const { config, seed } = ctx;
  // The data fingerprint and code version are recorded in the run; a resume checks them.
  const run = createTrainRun(ctx, SOLUTION, __dirname);
  const log = (l: string) => run.log(l);
  log(`hms-wavenet train: run ${run.dir} (config ${ctx.configName}, seed ${seed})`);
  log(ctx.backendInfo.summary);
  const t0 = performance.now();
  // Half-written cache files of a killed run (never read: the cache is renamed into place whole).
  sweepStaleTemps(cacheDirFor(ctx.runsRoot));
  removeSingleFileCaches(cacheDirFor(ctx.runsRoot), log);
  const data = await prepareTrainData(config, cacheDirFor(ctx.runsRoot), log);
  const prepareSeconds = (performance.now() - t0) / 1000;
  const { table } = data;
  saveNpy(run.path('oof_eeg_ids.npy'), table.eegId);
  const folds = makeFolds(config, table);
  log(`GroupKFold(n_splits=${config.train.folds}) by patient_id; training ${folds.length} fold(s)`);

  const unfinished = folds.map((_, k) => k).filter((k) => !fs.existsSync(path.join(run.dir, `fold_${k}`, 'DONE')));
  const workers = Math.max(1, Math.min(config.train.workers, unfinished.length));
  const foldKey = (k: number) => `fold ${k + 1}`;
  let pool: WorkerPool<number> | undefined;
  if (workers > 1) {
    log(`training folds ${unfinished.map((k) => k + 1).join(', ')} in ${workers} worker processes`);
    pool = new WorkerPool(unfinished, workers, foldKey, (k) =>
      fork(ctx.cliPath, ['fold-worker', '--run-dir', run.dir, '--fold', String(k), '--backend', ctx.backend], { stdio: 'inherit' }),
    );
  }
  const p = pool;
  const result = await withWorkerPool(p, () =>
    runOutOfFold({
      ...hmsOutOfFoldOptions(klDivergenceScore, table, run.dir, log),
      folds,
      fitFold: fitFoldInPool(p, foldKey, 6, (f) => trainFold({ ...f, config, seed, data, log })),
    }),
  );

  // CV Score with WaveNet Raw EEG / CV Score with Train Means, over the trained folds' rows.
  const rows = Int32Array.from(folds.flatMap((f) => Array.from(f.valid))).sort();
  const cv = result.score!;
  const base = hmsTrainMeanOof(table, folds, true);
  const baselineKL = hmsScoreRows(klDivergenceScore, table, rows, base, true);
  const truth = readHmsTruthFigures(config.data.dir);
  const perFold = result.reports.map((r, k) => ({
    fold: r.fold + 1,
    nTrain: r.nTrain,
    nValid: r.nValid,
    kl: r.score,
    baselineKL: hmsScoreRows(klDivergenceScore, table, folds[k].valid, base, true),
    seconds: r.seconds,
    ...r.metrics,
  }));
  const timings = readFoldEpochs<EpochTiming>(run.dir, folds.length);
  log(`CV Score with WaveNet Raw EEG = ${cv.toFixed(5)}`);
  log(`CV Score with Train Means = ${baselineKL.toFixed(5)}`);
  if (truth?.floorKL !== undefined) {
    log(`Synthetic truth floor (best possible KL on these targets${config.data.maxEegs ? ', all eeg_ids' : ''}) = ${truth.floorKL.toFixed(5)}; in-sample train-mean KL = ${truth.trainMeanKL?.toFixed(5)}`);
  }
  const cost = timingReport({ maxSteps: config.maxSteps, backend: ctx.backendInfo.backend, trainings: result.reports.map((r) => r.metrics), prepareSeconds, log });
  const metrics = run.writeMetrics({
    cvKL: cv,
    baselineKL,
    floorKL: truth?.floorKL ?? null,
    truthTrainMeanKL: truth?.trainMeanKL ?? null,
    nEegs: table.n,
    nPatients: new Set(table.patientId).size,
    folds: config.train.folds,
    foldsTrained: folds.length,
    oofRows: rows.length,
    perFold,
    epochs: timings,
    backend: ctx.backendInfo.backend,
    device: ctx.backendInfo.device,
    workers,
    prepareSeconds,
    trainWallSeconds: (performance.now() - t0) / 1000,
    ...cost,
  });

  // Learning curve: training and validation KL per epoch for each fold.
  const series = foldLossSeries(timings, 'when-recorded');
  if (series.some((s) => s.y.some(Number.isFinite))) {
    writeSvg(run.path('learning_curve.svg'), lineChartSvg(series, { title: `hms-wavenet ${run.id}: KL divergence per epoch`, xLabel: 'epoch', yLabel: 'KL' }));
  }
  return metrics;
}
