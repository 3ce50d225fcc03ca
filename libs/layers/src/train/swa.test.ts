import { initBackend, tf } from '../backend';
import { generatorBatchSource } from './batchSource';
import { SwaAverager, batchNormLayers } from './swa';
import { denseModel, maxAbsDiff, weightsOf } from './testing';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

describe('SwaAverager', () => {
  it('keeps the running mean of the trainable weights and swaps it in', () => {
    const model = denseModel();
    const swa = new SwaAverager();
    const snaps: Float32Array[][] = [];
    for (let k = 0; k < 4; k++) {
      // Move the weights somewhere new each time.
      model.trainableWeights.forEach((w, i) => tf.tidy(() => {
        w.write(tf.add(w.read(), (k + 1) * (i + 1) * 0.1));
      }));
      snaps.push(weightsOf(model));
      swa.update(model);
    }
    expect(swa.count).toBe(4);
    swa.apply(model);
    const mean = snaps[0].map((w, i) => w.map((_, j) => snaps.reduce((s, sn) => s + sn[i][j], 0) / snaps.length));
    expect(maxAbsDiff(weightsOf(model), mean)).toBeLessThan(1e-6);
    const before = tf.memory().numTensors;
    swa.dispose();
    expect(tf.memory().numTensors).toBe(before - 4);
    model.dispose();
  });

  it('decides per epoch or every k steps (first average after step startStep + 1)', () => {
    const perEpoch = new SwaAverager({ startEpoch: 2 });
    expect([0, 1, 2, 3].map((e) => perEpoch.shouldAverageAtEpochEnd(e))).toEqual([false, false, true, true]);
    expect(perEpoch.shouldAverageAtStep(5)).toBe(false);
    const steps = new SwaAverager({ startStep: 3, everySteps: 2 });
    expect([1, 2, 3, 4, 5, 6, 7].filter((s) => steps.shouldAverageAtStep(s))).toEqual([4, 6]);
    expect(steps.shouldAverageAtEpochEnd(9)).toBe(false);
  });

  it('refreshes BatchNormalization statistics to the plain average over the batches', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.batchNormalization({ inputShape: [3], momentum: 0.99 }),
        tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      ],
    });
    const data = [0, 1, 2].map((i) => tf.tidy(() => tf.add(tf.mul(tf.randomNormal([4 + i, 3], 0, 1, 'float32', 10 + i), i + 1), i * 2)));
    const src = generatorBatchSource({ numBatches: 3, make: (i) => ({ x: tf.clone(data[i]), y: tf.zeros([data[i].shape[0], 1]) }) });
    const used = await new SwaAverager().updateBatchNorm(model, src);
    expect(used).toBe(3);
    const [bn] = batchNormLayers(model);
    const wantMean = tf.tidy(() => tf.addN(data.map((d) => tf.moments(d, 0).mean)).div(3));
    const wantVar = tf.tidy(() => tf.addN(data.map((d) => tf.moments(d, 0).variance)).div(3));
    expect(maxAbsDiff([bn.movingMean.read().dataSync()], [wantMean.dataSync()])).toBeLessThan(1e-5);
    expect(maxAbsDiff([bn.movingVariance.read().dataSync()], [wantVar.dataSync()])).toBeLessThan(1e-5);
    expect(bn.momentum).toBe(0.99);
    // the last batch alone (what momentum 0 would give) is far from the average
    expect(maxAbsDiff([bn.movingMean.read().dataSync()], [tf.tidy(() => tf.moments(data[2], 0).mean.dataSync())])).toBeGreaterThan(0.5);
    tf.dispose([...data, wantMean, wantVar]);
    model.dispose();
  });
});
