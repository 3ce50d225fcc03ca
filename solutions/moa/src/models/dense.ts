/**
 * Seed 001's "NN model": two input heads.
 *
 *   input1 (60 PCA: 50 of the genes, 10 of the cells)
 *     -> BN, Dropout .1, Dense 512 elu, BN, Dense 256 elu                  = x
 *   concat(x, input2 (872 genes/cells + 15 row statistics = 887))
 *     -> BN, Dropout .3, Dense 512 relu, BN, Dense 512 relu, BN, Dense 256 relu, BN, Dense 256 relu = y
 *   average(x, y) -> BN, Dense 256 relu, BN, Dense 206 relu, BN, Dense 206 sigmoid
 *
 * glorot_normal kernels in the heads, lecun_normal in the tail (dense6, dense7),
 * glorot_uniform (the Keras default) on the output, as the seed's code. With
 * the seed's widths and 60 + 887 inputs it has exactly 1,384,292 parameters
 * (7,426 of them non-trainable BN statistics), as the seed's model summary.
 */
import { seededDropout, tf, tfSeed } from '@repro/layers';

export interface DenseModelOptions {
  /** First head input width (seed: 60 = 50 gene PCA + 10 cell PCA). */
  input1Dim: number;
  /** Second head input width (seed: 887 = 872 features + 15 row statistics). */
  input2Dim: number;
  outputDim: number;
  /** Head 1 widths (seed: [512, 256]); the last must equal widths2's last (they are averaged). */
  widths1: number[];
  /** Head 2 widths (seed: [512, 512, 256, 256]). */
  widths2: number[];
  /** Tail width (seed: 256); the tail is Dense tail relu, BN, Dense outputDim relu, BN, Dense outputDim sigmoid. */
  tailWidth: number;
  dropout1: number;
  dropout2: number;
  seed: number;
}

export const SEED001_DENSE: Omit<DenseModelOptions, 'seed'> = {
  input1Dim: 60,
  input2Dim: 887,
  outputDim: 206,
  widths1: [512, 256],
  widths2: [512, 512, 256, 256],
  tailWidth: 256,
  dropout1: 0.1,
  dropout2: 0.3,
};

export function buildDenseModel(o: DenseModelOptions): tf.LayersModel {
  const L = tf.layers;
  if (o.widths1[o.widths1.length - 1] !== o.widths2[o.widths2.length - 1]) {
    throw new RangeError(`buildDenseModel: the heads' last widths must agree (they are averaged), got ${o.widths1} and ${o.widths2}`);
  }
  let s = o.seed * 1000;
  const glorot = () => tf.initializers.glorotNormal({ seed: tfSeed(s++) });
  const lecun = () => tf.initializers.leCunNormal({ seed: tfSeed(s++) });
  const input1 = tf.input({ shape: [o.input1Dim], name: 'input1' });
  const input2 = tf.input({ shape: [o.input2Dim], name: 'input2' });

  let x = L.batchNormalization({ name: 'norm0' }).apply(input1) as tf.SymbolicTensor;
  // seededDropout: tfjs' Dropout with a seed would drop the same units on every step.
  x = seededDropout({ rate: o.dropout1, name: 'drop0', seed: s++ }).apply(x) as tf.SymbolicTensor;
  o.widths1.forEach((w, i) => {
    if (i > 0) x = L.batchNormalization({ name: `norm${i}` }).apply(x) as tf.SymbolicTensor;
    x = L.dense({ units: w, activation: 'elu', kernelInitializer: glorot(), name: `dense${i}` }).apply(x) as tf.SymbolicTensor;
  });
  const n1 = o.widths1.length;
  let y = L.concatenate({ axis: -1, name: 'concatenate' }).apply([x, input2]) as tf.SymbolicTensor;
  y = L.batchNormalization({ name: `norm${n1}` }).apply(y) as tf.SymbolicTensor;
  y = seededDropout({ rate: o.dropout2, name: 'drop1', seed: s++ }).apply(y) as tf.SymbolicTensor;
  o.widths2.forEach((w, i) => {
    if (i > 0) y = L.batchNormalization({ name: `norm${n1 + i}` }).apply(y) as tf.SymbolicTensor;
    y = L.dense({ units: w, activation: 'relu', kernelInitializer: glorot(), name: `dense${n1 + i}` }).apply(y) as tf.SymbolicTensor;
  });
  const k = n1 + o.widths2.length;
  let z = L.average({ name: 'average' }).apply([x, y]) as tf.SymbolicTensor;
  z = L.batchNormalization({ name: `norm${k}` }).apply(z) as tf.SymbolicTensor;
  z = L.dense({ units: o.tailWidth, activation: 'relu', kernelInitializer: lecun(), name: `dense${k}` }).apply(z) as tf.SymbolicTensor;
  z = L.batchNormalization({ name: `norm${k + 1}` }).apply(z) as tf.SymbolicTensor;
  z = L.dense({ units: o.outputDim, activation: 'relu', kernelInitializer: lecun(), name: `dense${k + 1}` }).apply(z) as tf.SymbolicTensor;
  z = L.batchNormalization({ name: `norm${k + 2}` }).apply(z) as tf.SymbolicTensor;
  const out = L.dense({ units: o.outputDim, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }), name: 'output' }).apply(z) as tf.SymbolicTensor;
  return tf.model({ inputs: [input1, input2], outputs: out, name: 'moa_dense' });
}
