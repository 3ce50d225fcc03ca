/**
 * The training loop every solution uses.
 *
 * It takes a model *factory*, an optimizer *factory* and batch *sources*
 * rather than built objects, so that a data-parallel mode (worker threads,
 * each with its own backend, averaging gradients every step) can be added here
 * later without touching the solutions: each worker would call the factories.
 *
 * One epoch: (schedule) -> for every batch: forward in training mode, loss (+
 * the model's regulariser losses, as model.fit), gradients with
 * tf.variableGrads; every `accumulateSteps` micro-batches the summed gradients
 * are scaled by 1/count, clipped by global norm, and applied -> validation
 * (loss weighted by batch size, metrics on the concatenated predictions) ->
 * schedule.observe / SWA / best model / early stopping -> checkpoint ->
 * log line -> onEpochEnd.
 */
import * as path from 'path';
import { progressBar, type ProgressBar } from '@repro/io';
import { tf } from '../backend';
import type { NamedTensor } from './optimizerSlots';
import { BatchSource, batchCount, disposeBatch, iterateBatches } from './batchSource';
import { checkInt, checkNonNegative, checkOneOf, checkPositive, fail } from './check';
import { loadCheckpoint, saveCheckpoint, saveModelDir } from './checkpoint';
import { getMaskCalls, setMaskCalls } from './maskCalls';
import { clipByGlobalNorm } from './clipByGlobalNorm';
import { checkDeviceLimits } from './deviceLimits';
import { throwIfWebgpuError } from '../webgpu';
import { explainBackendOom } from './outOfMemory';
import { nextTurn } from './nextTurn';
import { getLearningRate, setLearningRate } from './learningRate';
import { LossFn } from './loss';
import { SeededRng } from './rng';
import { LrSchedule } from './schedule';
import { SwaAverager, SwaOptions } from './swa';

export interface TrainMetric {
  name: string;
  /**
   * Computed once per epoch on the whole validation set (predictions concatenated). May be async:
   * on webgpu in Node only the asynchronous reads (`data()`) work.
   */
  fn: (yTrue: tf.Tensor, yPred: tf.Tensor) => number | Promise<number>;
  /** Whether larger is better, for early stopping / best model on this metric. @default 'max' */
  mode?: 'min' | 'max';
}

export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping (Keras: stop when wait >= patience). */
  patience: number;
  /** Smallest change that counts as an improvement. @default 0 */
  minDelta?: number;
  /** 'valLoss', 'loss' or a metric name. @default 'valLoss' */
  monitor?: string;
  /** @default 'min' for 'loss'/'valLoss', the metric's mode otherwise */
  mode?: 'min' | 'max';
}

export interface TrainSwaOptions extends SwaOptions {
  /**
   * Batches for the BatchNormalization refresh after the averaged weights are swapped in
   * (ignored when the model has no BatchNormalization).
   * @default trainBatches (epoch 0's order)
   */
  bnBatches?: BatchSource;
  /**
   * Write the averages into the model at the end (and refresh BatchNormalization). false: average
   * as tfa.optimizers.SWA does but return the raw weights, as Keras code that never calls
   * `assign_average_vars` predicts; restoreBest/bestMonitor then apply as without SWA.
   * @default true
   */
  apply?: boolean;
}

export interface EpochRecord {
  /** 0-based. */
  epoch: number;
  /** Learning rate at the end of the epoch. */
  lr: number;
  /** Mean training loss (batches weighted by size; includes regulariser losses). */
  loss: number;
  /** Validation loss (batches weighted by size), when validBatches is given. */
  valLoss?: number;
  /** Validation metrics. */
  metrics: Record<string, number>;
  seconds: number;
  /** Optimizer steps taken in this epoch (fewer than the epoch's batches when maxSteps cut it). */
  steps: number;
}

export interface EpochContext {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  /** The run's seeded generator (its state is checkpointed). */
  rng: SeededRng;
  history: readonly EpochRecord[];
}

export interface TrainModelOptions {
  /** Builds the model (seed its initializers for determinism). Called once per run. */
  createModel: () => tf.LayersModel;
  loss: LossFn;
  /** Builds the optimizer (AdamW, KerasAdam, Lookahead, tf.train.*). Disposed when training ends. */
  optimizer: () => tf.Optimizer;
  /** Learning-rate schedule, applied per epoch or per optimizer step (its `unit`). @default none (the optimizer's own lr) */
  schedule?: LrSchedule;
  trainBatches: BatchSource;
  validBatches?: BatchSource;
  epochs: number;
  /** Seeds the run's RNG (shuffling is the batch source's, seeded separately). */
  seed: number;
  /** Clip the gradients by global norm (after accumulation). @default none */
  clipNorm?: number;
  /** Micro-batches per optimizer step; gradients are summed, then divided by the count. @default 1 */
  accumulateSteps?: number;
  earlyStopping?: EarlyStoppingOptions;
  /**
   * Return the weights of the best epoch (by earlyStopping.monitor, else valLoss) instead of
   * the last ones. Needs validBatches (or a monitor on 'loss'). Ignored with SWA unless
   * `swa.apply` is false.
   * @default true when validBatches is given
   */
  restoreBest?: boolean;
  /**
   * What "best" means for restoreBest and checkpointDir/best: 'valLoss', 'loss' or a metric name
   * (in the metric's mode). @default earlyStopping.monitor, else 'valLoss'
   */
  bestMonitor?: string;
  /** Save best model + last state here every epoch; a re-run with the same dir resumes. @default none */
  checkpointDir?: string;
  swa?: TrainSwaOptions;
  /** Called after the epoch's checkpoint is written; return 'stop' to end training. */
  onEpochEnd?: (record: EpochRecord, ctx: EpochContext) => void | 'stop' | Promise<void | 'stop'>;
  /** One line per epoch; null for silence. @default a function writing to stderr */
  log?: ((line: string) => void) | null;
  /** Progress bar over batches on stderr, drawn only when stderr is a TTY. @default true */
  progress?: boolean;
  metrics?: TrainMetric[];
  /**
   * Stop after this many optimizer steps in all (resumed steps included): the epoch they end in is
   * cut short, then validated and checkpointed as usual. For `--max-steps N` timing runs at full
   * size; `timing` still counts the steps of the whole recipe. @default no limit
   */
  maxSteps?: number;
  /**
   * Keep the last validation pass's predictions (validBatches' batches concatenated, in order) and
   * return them as `lastValidPredictions` when the returned weights are the ones that made them (no
   * best-epoch restore to another epoch, no applied SWA): a caller's out-of-fold prediction over
   * the same batches need not run the model again.
   */
  keepValidPredictions?: boolean;
}

/** What one trainModel call measured, and what the whole recipe would take (see projectTraining). */
export interface TrainTiming {
  /** Optimizer steps of the full recipe: epochs x ceil(batches per epoch / accumulateSteps), early stopping ignored. */
  fullSteps: number;
  /** Validation passes of the full recipe (one per epoch with validBatches). */
  fullValidations: number;
  /** Wall seconds of each optimizer step taken by this call (its batches fetched, forward, backward, update). */
  stepSeconds: number[];
  /** Wall seconds of each validation pass of this call. */
  validSeconds: number[];
}

export interface TrainResult {
  /** The trained model: SWA weights with `swa` (unless swa.apply is false), else the best epoch's (see restoreBest), else the last. */
  model: tf.LayersModel;
  history: EpochRecord[];
  /** Epoch whose weights were returned (-1 for applied SWA averages). */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Optimizer steps taken over the whole run (resumed runs included). */
  steps: number;
  timing: TrainTiming;
  /** See `keepValidPredictions`: the returned model's predictions on validBatches, when this run validated it. */
  lastValidPredictions?: Float32Array;
}

/** Everything in state.json besides tensors. */
interface TrainState {
  epoch: number; // last completed epoch
  steps: number;
  history: EpochRecord[];
  rng: number;
  schedule?: { kind: string; config: Record<string, unknown>; state?: Record<string, unknown> };
  optimizer: { className: string };
  best: { value: number | null; epoch: number };
  early: { best: number | null; wait: number; stopped: boolean };
  swaCount: number;
  /** Seeded dropout mask counters (maskCalls.ts); absent in checkpoints written before them. */
  maskCalls?: number[];
}

const W = 'trainModel';

function monitorMode(monitor: string, metrics: TrainMetric[], mode?: 'min' | 'max'): 'min' | 'max' {
  if (mode) return checkOneOf(W, 'earlyStopping.mode', mode, ['min', 'max'] as const);
  if (monitor === 'loss' || monitor === 'valLoss') return 'min';
  const m = metrics.find((x) => x.name === monitor);
  if (!m) fail(W, 'earlyStopping.monitor', `'loss', 'valLoss' or a metric name (${metrics.map((x) => `'${x.name}'`).join(', ') || 'no metrics given'})`, monitor);
  return m.mode ?? 'max';
}

/** `[8,512,256,3]`, or several for a multi-input model. */
function shapesOf(x: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap): string {
  const list = x instanceof tf.Tensor ? [x] : Array.isArray(x) ? x : Object.values(x);
  return list.map((t) => `[${t.shape.join(',')}]`).join(' + ');
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(5) : v.toExponential(4);
}

export async function trainModel(options: TrainModelOptions): Promise<TrainResult> {
  // ---- options -------------------------------------------------------------------------
  if (typeof options.createModel !== 'function') fail(W, 'createModel', 'a function returning a tf.LayersModel', options.createModel);
  if (typeof options.optimizer !== 'function') fail(W, 'optimizer', 'a function returning a tf.Optimizer', options.optimizer);
  if (typeof options.loss !== 'function') fail(W, 'loss', 'a function (yTrue, yPred) => scalar', options.loss);
  const epochs = checkInt(W, 'epochs', options.epochs, 1);
  const seed = checkInt(W, 'seed', options.seed, 0);
  const accumulateSteps = checkInt(W, 'accumulateSteps', options.accumulateSteps ?? 1, 1);
  const maxSteps = options.maxSteps === undefined ? Infinity : checkInt(W, 'maxSteps', options.maxSteps, 1);
  const clipNorm = options.clipNorm === undefined ? undefined : checkPositive(W, 'clipNorm', options.clipNorm);
  const metrics = options.metrics ?? [];
  const names = new Set<string>();
  for (const m of metrics) {
    if (typeof m?.fn !== 'function' || typeof m.name !== 'string') fail(W, 'metrics[]', '{name, fn(yTrue, yPred) => number}', m);
    if (m.name === 'loss' || m.name === 'valLoss' || names.has(m.name)) fail(W, 'metrics[].name', "a unique name other than 'loss'/'valLoss'", m.name);
    names.add(m.name);
  }
  if (metrics.length && !options.validBatches) fail(W, 'validBatches', 'a batch source (metrics are computed on validation data)', undefined);
  const es = options.earlyStopping;
  const esMonitor = es?.monitor ?? 'valLoss';
  if (es) {
    checkInt(W, 'earlyStopping.patience', es.patience, 0);
    checkNonNegative(W, 'earlyStopping.minDelta', es.minDelta ?? 0);
    if (esMonitor !== 'loss' && !options.validBatches) fail(W, 'validBatches', `a batch source (earlyStopping monitors '${esMonitor}')`, undefined);
  }
  const bestMonitor = options.bestMonitor ?? (es ? esMonitor : 'valLoss');
  // An explicit bestMonitor takes its own mode (the metric's, or min for losses), not earlyStopping's.
  const bestSign = monitorMode(bestMonitor, metrics, options.bestMonitor === undefined ? es?.mode : undefined) === 'min' ? 1 : -1;
  const applySwa = options.swa !== undefined && options.swa.apply !== false;
  const restoreBest = applySwa ? false : (options.restoreBest ?? Boolean(options.validBatches));
  if (restoreBest && bestMonitor !== 'loss' && !options.validBatches) fail(W, 'restoreBest', `false without validBatches (monitor '${bestMonitor}')`, true);
  const log = options.log === undefined ? (l: string) => process.stderr.write(l + '\n') : options.log;
  const schedule = options.schedule;
  const lastDir = options.checkpointDir ? path.join(options.checkpointDir, 'last') : undefined;
  const bestDir = options.checkpointDir ? path.join(options.checkpointDir, 'best') : undefined;

  // ---- build ---------------------------------------------------------------------------
  const model = options.createModel();
  if (!(model instanceof tf.LayersModel)) fail(W, 'createModel()', 'a tf.LayersModel', model);
  let optimizer: tf.Optimizer | undefined;
  const swa = options.swa ? new SwaAverager(options.swa) : undefined;
  let bestWeights: tf.Tensor[] | undefined;
  let ok = false;
  try {
    optimizer = options.optimizer();
    if (!(optimizer instanceof tf.Optimizer)) fail(W, 'optimizer()', 'a tf.Optimizer', optimizer);
    const opt = optimizer;
    const rng = new SeededRng(seed);
    let st: TrainState = {
      epoch: -1,
      steps: 0,
      history: [],
      rng: rng.getState(),
      optimizer: { className: opt.getClassName() },
      best: { value: null, epoch: -1 },
      early: { best: null, wait: 0, stopped: false },
      swaCount: 0,
    };

    // ---- resume --------------------------------------------------------------------------
    if (lastDir) {
      const ckpt = loadCheckpoint<TrainState>(lastDir);
      if (ckpt) {
        const all = Object.values(ckpt.tensors).flat();
        try {
          if (ckpt.state.optimizer.className !== opt.getClassName()) {
            fail(W, `checkpointDir (${lastDir})`, `a checkpoint of a ${opt.getClassName()} run`, ckpt.state.optimizer.className);
          }
          try {
            model.setWeights(ckpt.tensors.model.map((t) => t.tensor));
          } catch (err) {
            throw new Error(`${W}: checkpointDir (${lastDir}): saved weights do not fit createModel()'s model: ${(err as Error).message}`);
          }
          await opt.setWeights(ckpt.tensors.optimizer);
          if (ckpt.tensors.best?.length) bestWeights = ckpt.tensors.best.map((t) => tf.keep(tf.clone(t.tensor)));
          if (swa && ckpt.tensors.swa?.length) swa.setState(ckpt.state.swaCount, ckpt.tensors.swa.map((t) => t.tensor));
        } finally {
          tf.dispose(all.map((t) => t.tensor));
        }
        st = ckpt.state;
        rng.setState(st.rng);
        if (st.maskCalls) setMaskCalls(model, st.maskCalls, `${W}: checkpointDir (${lastDir})`);
        if (schedule && st.schedule?.state) schedule.setState?.(st.schedule.state);
        // Epoch-unit schedules set the lr at epoch start; step schedules before each step;
        // a stateful schedule (plateau) restores its lr through setState above.
        log?.(`[train] resuming from ${lastDir} after epoch ${st.epoch + 1}/${epochs}`);
      }
    }

    const trainableVars = () => model.trainableWeights.map((w) => w.read() as tf.Variable);
    const perEpoch = batchCount(options.trainBatches, Math.max(0, st.epoch + 1));
    const timing: TrainTiming = {
      fullSteps: perEpoch === undefined ? NaN : epochs * Math.ceil(perEpoch / accumulateSteps),
      fullValidations: options.validBatches ? epochs : 0,
      stepSeconds: [],
      validSeconds: [],
    };
    let stepStart = performance.now();
    // The last validation pass's predictions (keepValidPredictions).
    let lastValid: { epoch: number; predictions: Float32Array } | undefined;
    // The largest batch checked against the WebGPU adapter's per-tensor limit so far.
    let limitsCheckedAt = 0;

    // ---- one optimizer step from accumulated gradients --------------------------------------
    const applyStep = async (acc: tf.NamedTensorMap, count: number) => {
      let grads = acc;
      if (count > 1) {
        grads = {};
        for (const [k, g] of Object.entries(acc)) grads[k] = tf.tidy(() => tf.div(g, count));
        tf.dispose(Object.values(acc));
      }
      if (clipNorm !== undefined) {
        const clipped = clipByGlobalNorm(grads, clipNorm).grads;
        tf.dispose(Object.values(grads));
        grads = clipped;
      }
      opt.applyGradients(grads);
      tf.dispose(Object.values(grads));
      st.steps += 1;
      if (swa?.shouldAverageAtStep(st.steps)) swa.update(model);
      // The update is queued, not done, until a value is read: wait for it so the step is timed whole.
      // data(), not dataSync(): webgpu in Node cannot read synchronously.
      if (Number.isFinite(maxSteps)) await model.trainableWeights[0]?.read().data();
      const now = performance.now();
      timing.stepSeconds.push((now - stepStart) / 1000);
      stepStart = now;
      // A timing run's steps can take minutes each: say when each one ends.
      if (Number.isFinite(maxSteps)) log?.(`[train] step ${st.steps}/${maxSteps}: ${timing.stepSeconds[timing.stepSeconds.length - 1].toFixed(1)} s`);
    };

    // ---- epochs --------------------------------------------------------------------------
    for (let epoch = st.epoch + 1; epoch < epochs && !st.early.stopped && st.steps < maxSteps; epoch++) {
      const t0 = Date.now();
      stepStart = performance.now();
      if (schedule?.unit === 'epoch') setLearningRate(opt, schedule(epoch));
      const nTrain = batchCount(options.trainBatches, epoch);
      const bar: ProgressBar | undefined =
        options.progress !== false && process.stderr.isTTY && nTrain ? progressBar(`epoch ${epoch + 1}/${epochs}`, nTrain) : undefined;
      let lossSum = 0;
      let rows = 0;
      let acc: tf.NamedTensorMap | undefined;
      let micro = 0;
      let batchIndex = 0;
      const stepsBefore = st.steps;
      try {
        for await (const b of iterateBatches(options.trainBatches, epoch)) {
          batchIndex += 1;
          // One turn of the event loop per step: the batches and kernels resolve as microtasks only,
          // so without it a signal (SIGINT/SIGTERM) or the parent-process watcher would wait for
          // the whole training.
          await nextTurn();
          try {
            if (micro === 0 && schedule?.unit === 'step') setLearningRate(opt, schedule(st.steps));
            const n = b.y.shape[0] ?? 1;
            if (n > limitsCheckedAt) {
              checkDeviceLimits(model, n, `training step ${st.steps + 1} (epoch ${epoch + 1}, batch ${batchIndex})`);
              limitsCheckedAt = n;
            }
            let vg: { value: tf.Scalar; grads: tf.NamedTensorMap };
            try {
              vg = tf.variableGrads(() => {
                const pred = model.apply(b.x, { training: true }) as tf.Tensor;
                let l: tf.Tensor = options.loss(b.y, pred);
                for (const r of model.calculateLosses()) l = tf.add(l, r);
                return l as tf.Scalar;
              }, trainableVars());
            } catch (err) {
              throw explainBackendOom(err, `in training step ${st.steps + 1} (epoch ${epoch + 1}, batch ${batchIndex}: inputs ${shapesOf(b.x)})`);
            }
            const { value, grads } = vg;
            const lv = (await value.data())[0];
            value.dispose();
            if (!Number.isFinite(lv)) {
              tf.dispose(Object.values(grads));
              throw new Error(`${W}: loss became ${lv} at epoch ${epoch + 1}, batch ${batchIndex} (lower the learning rate or set clipNorm)`);
            }
            lossSum += lv * n;
            rows += n;
            if (!acc) acc = grads;
            else {
              const prev: tf.NamedTensorMap = acc;
              const sum: tf.NamedTensorMap = {};
              for (const k of Object.keys(prev)) sum[k] = tf.add(prev[k], grads[k]);
              tf.dispose([...Object.values(prev), ...Object.values(grads)]);
              acc = sum;
            }
            micro += 1;
            if (micro === accumulateSteps) {
              const g = acc;
              acc = undefined;
              await applyStep(g, micro);
              micro = 0;
            }
          } finally {
            disposeBatch(b);
          }
          bar?.increment();
          if (st.steps >= maxSteps) break;
        }
        // An incomplete last group is still applied, scaled by its own size.
        if (acc) {
          const g = acc;
          acc = undefined;
          await applyStep(g, micro);
          micro = 0;
        }
      } finally {
        if (acc) tf.dispose(Object.values(acc));
        bar?.stop();
      }
      if (rows === 0) fail(W, 'trainBatches', `at least one batch in epoch ${epoch + 1}`, 0);

      // ---- validation ----------------------------------------------------------------------
      const record: EpochRecord = { epoch, lr: getLearningRate(opt), loss: lossSum / rows, metrics: {}, seconds: 0, steps: st.steps - stepsBefore };
      if (options.validBatches) {
        const v0 = performance.now();
        let vSum = 0;
        let vRows = 0;
        const ys: tf.Tensor[] = [];
        const ps: tf.Tensor[] = [];
        try {
          for await (const b of iterateBatches(options.validBatches, epoch)) {
            try {
              const n = b.y.shape[0] ?? 1;
              if (n > limitsCheckedAt) {
                checkDeviceLimits(model, n, `validating after epoch ${epoch + 1}`);
                limitsCheckedAt = n;
              }
              let pred: tf.Tensor;
              try {
                pred = tf.tidy(() => model.apply(b.x, { training: false }) as tf.Tensor);
              } catch (err) {
                throw explainBackendOom(err, `validating after epoch ${epoch + 1} (inputs ${shapesOf(b.x)})`);
              }
              const l = tf.tidy(() => options.loss(b.y, pred));
              vSum += (await l.data())[0] * n;
              vRows += n;
              l.dispose();
              if (metrics.length) ys.push(tf.clone(b.y));
              if (metrics.length || options.keepValidPredictions) ps.push(pred);
              else pred.dispose();
            } finally {
              disposeBatch(b);
            }
          }
          if (vRows === 0) fail(W, 'validBatches', `at least one batch in epoch ${epoch + 1}`, 0);
          throwIfWebgpuError(`validating after epoch ${epoch + 1}`);
          record.valLoss = vSum / vRows;
          if (metrics.length) {
            const yAll = ys.length === 1 ? ys[0] : tf.concat(ys, 0);
            const pAll = ps.length === 1 ? ps[0] : tf.concat(ps, 0);
            try {
              for (const m of metrics) record.metrics[m.name] = await m.fn(yAll, pAll);
            } finally {
              if (ys.length > 1) tf.dispose([yAll, pAll]);
            }
          }
          if (options.keepValidPredictions) {
            const out = new Float32Array(ps.reduce((a, p) => a + p.size, 0));
            let at = 0;
            for (const p of ps) {
              out.set((await p.data()) as Float32Array, at);
              at += p.size;
            }
            lastValid = { epoch, predictions: out };
          }
        } finally {
          tf.dispose([...ys, ...ps]);
        }
        timing.validSeconds.push((performance.now() - v0) / 1000);
      }
      const logs: Record<string, number | undefined> = { loss: record.loss, valLoss: record.valLoss, ...record.metrics };

      // ---- end-of-epoch bookkeeping ------------------------------------------------------------
      schedule?.observe?.(epoch, logs);
      if (swa?.shouldAverageAtEpochEnd(epoch)) swa.update(model);

      const bestValue = logs[bestMonitor];
      if (restoreBest || bestDir) {
        if (typeof bestValue === 'number' && (st.best.value === null || bestSign * (bestValue - st.best.value) < 0)) {
          st.best = { value: bestValue, epoch };
          if (restoreBest) {
            tf.dispose(bestWeights ?? []);
            bestWeights = model.getWeights().map((w) => tf.keep(tf.clone(w)));
          }
          if (bestDir) await saveModelDir(model, bestDir);
        }
      }
      if (es) {
        const cur = logs[esMonitor];
        if (typeof cur !== 'number') fail(W, 'earlyStopping.monitor', `a value logged every epoch (${Object.keys(logs).join(', ')})`, esMonitor);
        const minDelta = es.minDelta ?? 0;
        // Keras EarlyStopping's arithmetic: np.less(current + min_delta, best) (min mode).
        const better = bestSign === 1 ? cur + minDelta < (st.early.best ?? Infinity) : cur - minDelta > (st.early.best ?? -Infinity);
        if (st.early.best === null || better) {
          st.early.best = cur;
          st.early.wait = 0;
        } else {
          st.early.wait += 1;
          if (st.early.wait >= es.patience) st.early.stopped = true;
        }
      }

      record.seconds = (Date.now() - t0) / 1000;
      st.history.push(record);
      st.epoch = epoch;
      st.rng = rng.getState();
      st.swaCount = swa?.count ?? 0;
      st.maskCalls = getMaskCalls(model);
      if (schedule) st.schedule = { kind: schedule.kind, config: { ...schedule.config }, state: schedule.getState?.() };

      if (lastDir) {
        const groups: Record<string, NamedTensor[]> = {
          model: model.getWeights().map((t, i) => ({ name: `model/${i}`, tensor: t })),
          optimizer: await opt.getWeights(),
        };
        if (bestWeights) groups.best = bestWeights.map((t, i) => ({ name: `best/${i}`, tensor: t }));
        if (swa && swa.count > 0) groups.swa = swa.getState().averages;
        await saveCheckpoint(lastDir, String(epoch).padStart(4, '0'), st, groups);
        // getWeights() creates a fresh iterations scalar each call; the slots are variables it keeps.
        tf.dispose(groups.optimizer.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
      }

      const parts = [`epoch ${epoch + 1}/${epochs}`, `lr ${record.lr.toExponential(3)}`, `loss ${fmt(record.loss)}`];
      if (record.valLoss !== undefined) parts.push(`val_loss ${fmt(record.valLoss)}`);
      for (const [k, v] of Object.entries(record.metrics)) parts.push(`${k} ${fmt(v)}`);
      parts.push(`${record.seconds.toFixed(1)}s`);
      if (st.early.stopped) parts.push(`(early stop: no ${esMonitor} improvement for ${es?.patience} epochs)`);
      log?.(parts.join('  '));

      if (options.onEpochEnd) {
        const r = await options.onEpochEnd(record, { model, optimizer: opt, rng, history: st.history });
        if (r === 'stop') break;
      }
    }

    // ---- final weights ---------------------------------------------------------------------
    let bestEpoch = st.history.length ? st.history[st.history.length - 1].epoch : -1;
    if (swa && swa.count > 0 && !applySwa) {
      log?.(`[train] SWA: averaged ${swa.count} snapshots, not applied (raw weights kept, as without assign_average_vars)`);
    }
    if (swa && swa.count > 0 && applySwa) {
      swa.apply(model);
      const used = await swa.updateBatchNorm(model, options.swa?.bnBatches ?? options.trainBatches, 0);
      log?.(`[train] SWA: averaged ${swa.count} snapshots${used ? `, BatchNormalization refreshed over ${used} batches` : ''}`);
      bestEpoch = -1;
    } else if (restoreBest && bestWeights) {
      model.setWeights(bestWeights);
      bestEpoch = st.best.epoch;
    }
    ok = true;
    if (st.steps >= maxSteps && st.steps < timing.fullSteps) log?.(`[train] stopped after ${st.steps} optimizer steps (maxSteps ${maxSteps}; the full recipe has ${timing.fullSteps})`);
    const lastEpoch = st.history.length ? st.history[st.history.length - 1].epoch : -1;
    const lastValidPredictions = lastValid && lastValid.epoch === lastEpoch && bestEpoch === lastEpoch ? lastValid.predictions : undefined;
    return { model, history: st.history, bestEpoch, stoppedEarly: st.early.stopped, steps: st.steps, timing, lastValidPredictions };
  } finally {
    tf.dispose(bestWeights ?? []);
    swa?.dispose();
    optimizer?.dispose();
    if (!ok) model.dispose();
  }
}
