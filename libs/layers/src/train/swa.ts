/**
 * Stochastic Weight Averaging (Izmailov et al. 2018), as tfa.optimizers.SWA
 * with the Keras BatchNormalization refresh:
 *
 * 1. `update(model)` folds the model's current trainable weights into a running
 *    mean: avg <- avg + (w - avg) / (n + 1). trainModel calls it at the end of
 *    every epoch from `startEpoch`, or every `everySteps` optimizer steps from
 *    `startStep` on.
 * 2. `apply(model)` writes the averages into the model's trainable weights.
 * 3. `updateBatchNorm(model, batches)` recomputes BatchNormalization moving
 *    statistics for the averaged weights (they were never seen in training):
 *    the moving mean/variance are reset, then for the t-th batch (1-based) the
 *    layer's momentum is set to 1 - 1/t and a training-mode forward pass runs.
 *    Keras BN updates moving = moving * momentum + batchStat * (1 - momentum),
 *    so with momentum 1 - 1/t the moving value after T batches is the plain
 *    average of the T batch statistics (torch's update_bn with momentum=None).
 *    Each batch counts once, whatever its size. Momenta are restored afterwards.
 */
import { tf } from '../backend';
import type { NamedTensor } from './optimizerSlots';
import { BatchSource, disposeBatch, iterateBatches } from './batchSource';
import { checkInt } from './check';

export interface SwaOptions {
  /** First epoch (0-based) whose end-of-epoch weights are averaged (per-epoch mode). @default 0 */
  startEpoch?: number;
  /**
   * Average every this many optimizer steps instead of once per epoch. The first average
   * is taken after step startStep + 1 (1-based), i.e. when tfa's `iterations == start_averaging`.
   * @default undefined (per epoch)
   */
  everySteps?: number;
  /** Optimizer steps to skip before averaging (step mode). @default 0 */
  startStep?: number;
}

export class SwaAverager {
  readonly startEpoch: number;
  readonly everySteps?: number;
  readonly startStep: number;
  private avg: tf.Tensor[] = [];
  private n = 0;

  constructor(options: SwaOptions = {}) {
    this.startEpoch = checkInt('SwaAverager', 'startEpoch', options.startEpoch ?? 0, 0);
    this.startStep = checkInt('SwaAverager', 'startStep', options.startStep ?? 0, 0);
    if (options.everySteps !== undefined) this.everySteps = checkInt('SwaAverager', 'everySteps', options.everySteps, 1);
  }

  /** Number of weight snapshots averaged so far. */
  get count(): number {
    return this.n;
  }

  /** Whether to average after optimizer step `step` (1-based count of steps done). */
  shouldAverageAtStep(step: number): boolean {
    return this.everySteps !== undefined && step > this.startStep && (step - this.startStep - 1) % this.everySteps === 0;
  }

  /** Whether to average at the end of `epoch` (0-based). */
  shouldAverageAtEpochEnd(epoch: number): boolean {
    return this.everySteps === undefined && epoch >= this.startEpoch;
  }

  /** Fold the model's current trainable weights into the average. */
  update(model: tf.LayersModel): void {
    const ws = model.trainableWeights.map((w) => w.read());
    if (this.n > 0 && ws.length !== this.avg.length) {
      throw new RangeError(`SwaAverager.update: model: expected ${this.avg.length} trainable weights (as before), received ${ws.length}`);
    }
    const k = 1 / (this.n + 1);
    const next = ws.map((w, i) => (this.n === 0 ? tf.clone(w) : tf.tidy(() => tf.add(this.avg[i], tf.mul(tf.sub(w, this.avg[i]), k)))));
    tf.dispose(this.avg);
    this.avg = next.map((t) => tf.keep(t));
    this.n += 1;
  }

  /** The running averages, in model.trainableWeights order (owned by the averager). */
  averages(): readonly tf.Tensor[] {
    return this.avg;
  }

  /** Write the averaged weights into the model's trainable weights. */
  apply(model: tf.LayersModel): void {
    if (this.n === 0) throw new Error('SwaAverager.apply: no weights averaged yet (expected update() to have run at least once)');
    const vars = model.trainableWeights;
    if (vars.length !== this.avg.length) {
      throw new RangeError(`SwaAverager.apply: model: expected ${this.avg.length} trainable weights, received ${vars.length}`);
    }
    // assign() shares the data (ref-counted), so no copy is needed and none leaks.
    vars.forEach((v, i) => v.write(this.avg[i]));
  }

  /**
   * Recompute BatchNormalization moving statistics by training-mode forward passes over one
   * epoch (`epoch`, default 0) of `batches`. Returns the number of batches used (0 when the
   * model has no BatchNormalization layer: then nothing runs).
   */
  async updateBatchNorm(model: tf.LayersModel, batches: BatchSource, epoch = 0): Promise<number> {
    const bns = batchNormLayers(model);
    if (bns.length === 0) return 0;
    const saved = bns.map((l) => l.momentum);
    for (const l of bns) {
      // Reset as torch does (mean 0, variance 1); with momentum 0 on the first batch the
      // reset values are overwritten anyway.
      tf.tidy(() => {
        l.movingMean.write(tf.zerosLike(l.movingMean.read()));
        l.movingVariance.write(tf.onesLike(l.movingVariance.read()));
      });
    }
    let t = 0;
    try {
      for await (const b of iterateBatches(batches, epoch)) {
        t += 1;
        for (const l of bns) l.momentum = 1 - 1 / t;
        try {
          tf.tidy(() => {
            model.apply(b.x, { training: true });
          });
        } finally {
          disposeBatch(b);
        }
      }
    } finally {
      bns.forEach((l, i) => (l.momentum = saved[i]));
    }
    return t;
  }

  getState(): { count: number; averages: NamedTensor[] } {
    return { count: this.n, averages: this.avg.map((t, i) => ({ name: `swa/${i}`, tensor: t })) };
  }

  /** Restore from getState() output; the tensors are copied. */
  setState(count: number, averages: tf.Tensor[]): void {
    tf.dispose(this.avg);
    this.avg = averages.map((t) => tf.keep(tf.clone(t)));
    this.n = count;
  }

  dispose(): void {
    tf.dispose(this.avg);
    this.avg = [];
    this.n = 0;
  }
}

interface BatchNormLike {
  momentum: number;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

/** BatchNormalization layers of a model, nested models included. */
export function batchNormLayers(model: tf.LayersModel): BatchNormLike[] {
  const out: BatchNormLike[] = [];
  const visit = (layers: tf.layers.Layer[]) => {
    for (const l of layers) {
      if (l.getClassName() === 'BatchNormalization') out.push(l as unknown as BatchNormLike);
      const nested = (l as unknown as { layers?: tf.layers.Layer[] }).layers;
      if (Array.isArray(nested)) visit(nested);
    }
  };
  visit(model.layers);
  return out;
}
