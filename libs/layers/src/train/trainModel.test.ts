import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { modelDirHandler } from '@repro/io';
import { initBackend, tf } from '../backend';
import { AdamW } from './adamW';
import { arrayBatchSource } from './batchSource';
import { epochListSchedule } from './epochListSchedule';
import { oneCycle } from './oneCycle';
import { reduceLROnPlateau } from './reduceLROnPlateau';
import { SeededDropout } from '../models/seededDropout';
import { denseModel, maxAbsDiff, mse, regressionData, regressionSource, weightsOf } from './testing';
import { combineTimings, projectTraining, summarizeTiming, timingOf } from './projection';
import { EpochRecord, trainModel, TrainModelOptions } from './trainModel';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'train-'));

function base(over: Partial<TrainModelOptions> = {}): TrainModelOptions {
  return {
    createModel: () => denseModel(),
    loss: mse,
    optimizer: () => new AdamW({ learningRate: 0.02 }),
    trainBatches: regressionSource(48, 8),
    epochs: 4,
    seed: 1,
    log: null,
    ...over,
  };
}

describe.each(['cpu', 'wasm'] as const)('trainModel on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, log: null });
  });

  it('decreases the loss, logs one line per epoch and leaks no tensors across epochs', async () => {
    const lines: string[] = [];
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const { model, history } = await trainModel(
      base({
        epochs: 4,
        validBatches: regressionSource(16, 8, false, 9),
        metrics: [{ name: 'mae', mode: 'min', fn: (y, p) => tf.tidy(() => tf.mean(tf.abs(tf.sub(y, p))).dataSync()[0]) }],
        log: (l) => lines.push(l),
        onEpochEnd: () => {
          counts.push(tf.memory().numTensors);
        },
      }),
    );
    expect(history.map((h) => h.epoch)).toEqual([0, 1, 2, 3]);
    expect(history[3].loss).toBeLessThan(history[0].loss * 0.7);
    expect(history[3].valLoss).toBeLessThan(history[0].valLoss!);
    expect(history[0].metrics.mae).toBeGreaterThan(0);
    expect(history[0].lr).toBe(0.02);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^epoch 1\/4 {2}lr 2\.000e-2 {2}loss \S+ {2}val_loss \S+ {2}mae \S+ {2}\d+\.\ds$/);
    expect(counts[1]).toBe(counts[3]); // epoch 1 vs epoch 3 (0-based)
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('trainModel (cpu)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: null });
  });

  it('resumes from checkpointDir after an interruption and ends where an uninterrupted run ends', async () => {
    const opts = () =>
      base({
        epochs: 5,
        schedule: epochListSchedule({ lrs: [0.03, 0.02, 0.01, 0.01, 0.005] }),
        validBatches: regressionSource(16, 8, false, 9),
        restoreBest: false,
      });
    const full = await trainModel(opts());
    const want = weightsOf(full.model);
    full.model.dispose();

    const dir = tmp();
    const before = tf.memory().numTensors;
    await expect(
      trainModel({
        ...opts(),
        checkpointDir: dir,
        onEpochEnd: (r) => {
          if (r.epoch === 2) throw new Error('power cut');
        },
      }),
    ).rejects.toThrow('power cut');
    expect(tf.memory().numTensors).toBe(before); // the failed run disposed its model and optimizer
    expect(fs.existsSync(path.join(dir, 'last', 'state.json'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'best', 'model.json'))).toBe(true);

    const lines: string[] = [];
    const seen: number[] = [];
    const resumed = await trainModel({ ...opts(), checkpointDir: dir, log: (l) => lines.push(l), onEpochEnd: (r) => void seen.push(r.epoch) });
    expect(lines[0]).toMatch(/resuming .* after epoch 3\/5/);
    expect(seen).toEqual([3, 4]);
    expect(resumed.history.map((h) => h.epoch)).toEqual([0, 1, 2, 3, 4]);
    expect(resumed.history.map((h) => h.lr)).toEqual([0.03, 0.02, 0.01, 0.01, 0.005]);
    expect(maxAbsDiff(weightsOf(resumed.model), want)).toBeLessThan(1e-5);
    resumed.history.forEach((h: EpochRecord, i) => expect(h.loss).toBeCloseTo(full.history[i].loss, 5));
    resumed.model.dispose();

    // The best model is a normal tfjs model directory.
    const best = await tf.loadLayersModel(modelDirHandler(path.join(dir, 'best')));
    expect(best.getWeights()).toHaveLength(4);
    best.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a resumed run draws the dropout masks the uninterrupted one would, through SWA\'s BatchNormalization refresh', async () => {
    // Seeded dropout before BatchNormalization: the refresh runs in training mode, so its statistics
    // depend on the masks, and the mask seeds on the layer's call counter.
    const createModel = () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [4], units: 8, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
          new SeededDropout({ rate: 0.3, seed: 5 }),
          tf.layers.batchNormalization({ momentum: 0.9 }),
          tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
        ],
      });
    const opts = () => base({ createModel, epochs: 3, swa: { everySteps: 2, startStep: 4 } });
    const full = await trainModel(opts());
    const want = weightsOf(full.model);
    full.model.dispose();

    const dir = tmp();
    const cut = (r: EpochRecord) => {
      if (r.epoch === 1) throw new Error('power cut');
    };
    await expect(trainModel({ ...opts(), checkpointDir: dir, onEpochEnd: cut })).rejects.toThrow('power cut');
    const resumed = await trainModel({ ...opts(), checkpointDir: dir });
    expect(maxAbsDiff(weightsOf(resumed.model), want)).toBe(0);
    resumed.model.dispose();
    // Resumed after its last epoch (say, killed while writing its predictions): the refresh repeats exactly.
    const again = await trainModel({ ...opts(), checkpointDir: dir });
    expect(maxAbsDiff(weightsOf(again.model), want)).toBe(0);
    again.model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a resumed run from a fresh optimizer state would differ (the optimizer state matters)', async () => {
    const a = await trainModel(base({ epochs: 2 }));
    const b = await trainModel(base({ epochs: 2, optimizer: () => new AdamW({ learningRate: 0.02, beta1: 0.5 }) }));
    expect(maxAbsDiff(weightsOf(a.model), weightsOf(b.model))).toBeGreaterThan(1e-4);
    a.model.dispose();
    b.model.dispose();
  });

  it('stops early when the monitored value stops improving, and returns the best epoch', async () => {
    // lr 0: nothing changes, so valLoss never improves after epoch 0.
    const r = await trainModel(
      base({ epochs: 10, optimizer: () => tf.train.sgd(0), validBatches: regressionSource(16, 8, false, 9), earlyStopping: { patience: 2 } }),
    );
    expect(r.history).toHaveLength(3);
    expect(r.stoppedEarly).toBe(true);
    expect(r.bestEpoch).toBe(0);
    r.model.dispose();
    const noStop = await trainModel(base({ epochs: 3, validBatches: regressionSource(16, 8, false, 9), earlyStopping: { patience: 2 } }));
    expect(noStop.stoppedEarly).toBe(false);
    expect(noStop.bestEpoch).toBe(2);
    noStop.model.dispose();
  });

  it('accumulateSteps=2 with batch 8 equals batch 16 without accumulation (plain SGD)', async () => {
    const { x, y } = regressionData(64);
    const src = (batchSize: number) => arrayBatchSource({ x, xShape: [64, 4], y, yShape: [64, 1], batchSize, shuffle: true, seed: 5 });
    // Shuffled rows are the same for both batch sizes: the permutation depends on (seed, epoch) only.
    const sgd = () => tf.train.sgd(0.1);
    const big = await trainModel(base({ epochs: 2, optimizer: sgd, trainBatches: src(16) }));
    const acc = await trainModel(base({ epochs: 2, optimizer: sgd, trainBatches: src(8), accumulateSteps: 2 }));
    const small = await trainModel(base({ epochs: 2, optimizer: sgd, trainBatches: src(8) }));
    expect(big.steps).toBe(8);
    expect(acc.steps).toBe(8);
    expect(maxAbsDiff(weightsOf(acc.model), weightsOf(big.model))).toBeLessThan(1e-5);
    expect(maxAbsDiff(weightsOf(small.model), weightsOf(big.model))).toBeGreaterThan(1e-3);
    [big, acc, small].forEach((r) => r.model.dispose());
  });

  it('maxSteps stops after N optimizer steps, validates the cut epoch, and reports the full recipe\'s steps for the projection', async () => {
    const lines: string[] = [];
    // 48 rows in batches of 8: 6 batches, 3 steps per epoch with accumulateSteps 2; 4 epochs = 12 steps.
    const r = await trainModel(
      base({ maxSteps: 2, accumulateSteps: 2, validBatches: regressionSource(16, 8, false, 9), log: (l) => lines.push(l) }),
    );
    expect(r.steps).toBe(2);
    expect(r.history).toHaveLength(1);
    expect(r.history[0].steps).toBe(2);
    expect(r.history[0].valLoss).toBeGreaterThan(0);
    expect(r.timing.fullSteps).toBe(12);
    expect(r.timing.fullValidations).toBe(4);
    expect(r.timing.stepSeconds).toHaveLength(2);
    expect(r.timing.validSeconds).toHaveLength(1);
    expect(lines.some((l) => l.includes('stopped after 2 optimizer steps (maxSteps 2; the full recipe has 12)'))).toBe(true);
    expect(lines.filter((l) => /^\[train\] step [12]\/2: [\d.]+ s$/.test(l))).toHaveLength(2);
    const p = projectTraining([r.timing, summarizeTiming({ fullSteps: 10, fullValidations: 0, stepSeconds: [9, 1, 3], validSeconds: [] }), undefined]);
    // The second call's typical step is the median of [1, 3] (its first step left out).
    expect(p.full_recipe_steps).toBe(22);
    expect(p.measured_steps).toBe(5);
    expect(p.projected_full_train_hours * 3600).toBeCloseTo(r.timing.stepSeconds[1] * 12 + r.timing.validSeconds[0] * 4 + 2 * 10, 6);
    // Stored with a fold's metrics and read back.
    expect(timingOf(JSON.parse(JSON.stringify({ keptEpoch: 1, ...summarizeTiming(r.timing) })))).toEqual(summarizeTiming(r.timing));
    expect(timingOf({ keptEpoch: 1 })).toBeUndefined();
    const two = combineTimings([r.timing, summarizeTiming({ fullSteps: 10, fullValidations: 0, stepSeconds: [9, 1, 3], validSeconds: [] })]);
    expect(projectTraining([two]).projected_full_train_hours).toBeCloseTo(p.projected_full_train_hours, 12);
    r.model.dispose();
    // Over more steps than the recipe has, it is the plain run.
    const all = await trainModel(base({ maxSteps: 100 }));
    expect(all.steps).toBe(24);
    all.model.dispose();
    await expect(trainModel(base({ maxSteps: 0 }))).rejects.toThrow(/maxSteps/);
  });

  it('keepValidPredictions returns the last validation pass when the returned weights made it, and nothing after a restore to another epoch', async () => {
    const valid = () => regressionSource(20, 8, false, 9);
    const r = await trainModel(base({ validBatches: valid(), keepValidPredictions: true }));
    const { x } = regressionData(20);
    const expected = (r.model.predict(tf.tensor2d(x, [20, 4])) as tf.Tensor).dataSync();
    expect(r.lastValidPredictions).toHaveLength(20);
    expect(Array.from(r.lastValidPredictions!)).toEqual(Array.from(expected));
    r.model.dispose();
    // restoreBest to an earlier epoch: the last pass was another model's.
    const worse = await trainModel(base({ validBatches: valid(), keepValidPredictions: true, restoreBest: true, schedule: epochListSchedule({ lrs: [0.02, 0.02, 1, 1] }) }));
    expect(worse.bestEpoch).toBeLessThan(worse.history[worse.history.length - 1].epoch); // lr 1 from epoch 3 on overshoots
    expect(worse.lastValidPredictions).toBeUndefined();
    worse.model.dispose();
  });

  it('clipNorm bounds the global norm of each update', async () => {
    const init = denseModel();
    const w0 = weightsOf(init);
    init.dispose();
    const run = (clipNorm?: number) => trainModel(base({ epochs: 1, optimizer: () => tf.train.sgd(1), trainBatches: regressionSource(8, 8), clipNorm }));
    const stepNorm = (m: tf.LayersModel) => Math.sqrt(weightsOf(m).reduce((s, w, i) => s + w.reduce((t, v, j) => t + (v - w0[i][j]) ** 2, 0), 0));
    const clipped = await run(1e-3);
    expect(stepNorm(clipped.model)).toBeCloseTo(1e-3, 6);
    const free = await run();
    expect(stepNorm(free.model)).toBeGreaterThan(1e-2);
    clipped.model.dispose();
    free.model.dispose();
  });

  it('SWA returns the mean of the end-of-epoch weights from startEpoch on', async () => {
    const snaps: Float32Array[][] = [];
    const r = await trainModel(
      base({
        epochs: 4,
        swa: { startEpoch: 1 },
        onEpochEnd: (rec, ctx) => {
          if (rec.epoch >= 1) snaps.push(weightsOf(ctx.model));
        },
      }),
    );
    expect(snaps).toHaveLength(3);
    const mean = snaps[0].map((w, i) => w.map((_, j) => (snaps[0][i][j] + snaps[1][i][j] + snaps[2][i][j]) / 3));
    expect(maxAbsDiff(weightsOf(r.model), mean)).toBeLessThan(1e-6);
    expect(maxAbsDiff(weightsOf(r.model), snaps[2])).toBeGreaterThan(1e-4);
    expect(r.bestEpoch).toBe(-1);
    r.model.dispose();
  });

  it('SWA with apply: false averages but returns the raw weights, and then restores the best epoch by bestMonitor', async () => {
    const lines: string[] = [];
    const plain = await trainModel(base({ epochs: 3 }));
    const raw = await trainModel(base({ epochs: 3, swa: { everySteps: 2, apply: false }, log: (l) => lines.push(l) }));
    // The averaging does not touch the trajectory: the raw weights are those of a run without SWA.
    expect(maxAbsDiff(weightsOf(raw.model), weightsOf(plain.model))).toBe(0);
    expect(raw.bestEpoch).toBe(2);
    expect(lines.some((l) => /SWA: averaged \d+ snapshots, not applied/.test(l))).toBe(true);
    [plain, raw].forEach((r) => r.model.dispose());

    // A metric that is largest after epoch 1 (0-based): bestMonitor picks that epoch's weights.
    const byEpoch = [0.2, 0.9, 0.5];
    let calls = 0;
    const snaps: Float32Array[][] = [];
    const best = await trainModel(
      base({
        epochs: 3,
        swa: { everySteps: 2, apply: false },
        validBatches: regressionSource(16, 8, false, 9),
        metrics: [{ name: 'score', fn: () => byEpoch[calls++] }],
        bestMonitor: 'score',
        onEpochEnd: (_r, ctx) => void snaps.push(weightsOf(ctx.model)),
      }),
    );
    expect(best.bestEpoch).toBe(1);
    expect(maxAbsDiff(weightsOf(best.model), snaps[1])).toBe(0);
    expect(maxAbsDiff(weightsOf(best.model), snaps[2])).toBeGreaterThan(1e-4);
    best.model.dispose();
    await expect(trainModel(base({ validBatches: regressionSource(8, 8), bestMonitor: 'f1' }))).rejects.toThrow(/expected 'loss', 'valLoss' or a metric name/);
  });

  it('applies step schedules before every optimizer step', async () => {
    const s = oneCycle({ maxLr: 0.05, totalSteps: 12 });
    const r = await trainModel(base({ epochs: 2, trainBatches: regressionSource(48, 8), schedule: s, optimizer: () => tf.train.sgd(1) }));
    expect(r.steps).toBe(12);
    expect(r.history.map((h) => h.lr)).toEqual([s(5), s(11)]);
    r.model.dispose();
  });

  it('checkpoints reduceLROnPlateau state: a resumed run reduces exactly as an uninterrupted one', async () => {
    // A loss with zero gradient: valLoss is constant, so the plateau schedule fires every 2 epochs.
    const flat = (_y: tf.Tensor, p: tf.Tensor) => tf.mean(tf.mul(p, 0)) as tf.Scalar;
    const opts = () =>
      base({ epochs: 6, loss: flat, validBatches: regressionSource(8, 8), optimizer: () => tf.train.sgd(1), schedule: reduceLROnPlateau({ initialLr: 1, factor: 0.5, patience: 2 }) });
    const full = await trainModel(opts());
    const want = [1, 1, 1, 0.5, 0.5, 0.25];
    expect(full.history.map((h) => h.lr)).toEqual(want);
    full.model.dispose();
    const dir = tmp();
    await expect(trainModel({ ...opts(), checkpointDir: dir, onEpochEnd: (r) => { if (r.epoch === 3) throw new Error('stop'); } })).rejects.toThrow('stop');
    const resumed = await trainModel({ ...opts(), checkpointDir: dir });
    expect(resumed.history.map((h) => h.lr)).toEqual(want);
    resumed.model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects bad options naming the argument', async () => {
    await expect(trainModel(base({ epochs: 0 }))).rejects.toThrow(/trainModel: epochs: expected an integer >= 1, received 0/);
    await expect(trainModel(base({ accumulateSteps: 1.5 }))).rejects.toThrow(/accumulateSteps: expected an integer >= 1, received 1.5/);
    await expect(trainModel(base({ earlyStopping: { patience: 1, monitor: 'f1' }, validBatches: regressionSource(8, 8) }))).rejects.toThrow(
      /earlyStopping.monitor: expected 'loss', 'valLoss' or a metric name \(no metrics given\), received 'f1'/,
    );
  });
});
