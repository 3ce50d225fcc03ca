/** Helpers for the train tests: tiny seeded dense models and data. Not exported from the library. */
import { tf } from '../backend';
import { arrayBatchSource, IndexedBatchSource } from './batchSource';
import { SeededRng } from './rng';

export function denseModel(opts: { inputs?: number; hidden?: number; outputs?: number; activation?: 'sigmoid' | 'softmax' | 'linear'; batchNorm?: boolean; seed?: number } = {}): tf.LayersModel {
  const { inputs = 4, hidden = 8, outputs = 1, activation = 'linear', batchNorm = false, seed = 1 } = opts;
  const layers: tf.layers.Layer[] = [
    tf.layers.dense({ inputShape: [inputs], units: hidden, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
  ];
  if (batchNorm) layers.push(tf.layers.batchNormalization({ momentum: 0.9 }));
  layers.push(tf.layers.dense({ units: outputs, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  return tf.sequential({ layers });
}

/** y = sum(x * w) + 0.5 with fixed w, x uniform in [-1, 1]. */
export function regressionData(rows: number, inputs = 4, seed = 7): { x: Float32Array; y: Float32Array } {
  const rng = new SeededRng(seed);
  const x = new Float32Array(rows * inputs);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0.5;
    for (let j = 0; j < inputs; j++) {
      const v = rng.next() * 2 - 1;
      x[r * inputs + j] = v;
      s += v * (j % 2 ? -1 : 1) * (j + 1) * 0.5;
    }
    y[r] = s;
  }
  return { x, y };
}

export function regressionSource(rows: number, batchSize: number, shuffle = true, seed = 3): IndexedBatchSource {
  const { x, y } = regressionData(rows);
  return arrayBatchSource({ x, xShape: [rows, 4], y, yShape: [rows, 1], batchSize, shuffle, seed });
}

export const mse = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar => tf.tidy(() => tf.mean(tf.square(tf.sub(yTrue, yPred))) as tf.Scalar);

export function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

export function maxAbsDiff(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  a.forEach((x, i) => {
    if (x.length !== b[i].length) m = Infinity;
    for (let j = 0; j < x.length; j++) m = Math.max(m, Math.abs(x[j] - b[i][j]));
  });
  return m;
}
