/**
 * Seed 001's 1D-CNN on the 872 gene/cell features as a sequence of 872 steps
 * x 1 channel:
 *
 *   Conv1D 32 k3 relu -> Conv1D 16 k3 relu -> Conv1D 8 k3 relu ('valid': 870, 868, 866 steps)
 *   -> Flatten (866 * 8 = 6928) -> Dense 2048 relu -> Dense 1048 relu -> Dense 206 sigmoid
 *
 * glorot_normal everywhere (seed=3 on the dense layers in the seed's code).
 * 16,556,110 parameters at the seed's widths. The convolutions are
 * @repro/layers' conv1d, which trains on the wasm and cpu backends.
 */
import { conv1d, tf, tfSeed } from '@repro/layers';

export interface Cnn1dModelOptions {
  /** Sequence length (seed: 872 = 772 genes + 100 cells). */
  inputDim: number;
  outputDim: number;
  /** Conv filters (seed: [32, 16, 8]). */
  filters: number[];
  /** Conv kernel size (seed: 3). */
  kernelSize: number;
  /** Dense widths after the flatten (seed: [2048, 1048]). */
  denseWidths: number[];
  seed: number;
}

export const SEED001_CNN1D: Omit<Cnn1dModelOptions, 'seed'> = {
  inputDim: 872,
  outputDim: 206,
  filters: [32, 16, 8],
  kernelSize: 3,
  denseWidths: [2048, 1048],
};

export function buildCnn1dModel(o: Cnn1dModelOptions): tf.LayersModel {
  let s = o.seed * 1000;
  const glorot = () => tf.initializers.glorotNormal({ seed: tfSeed(s++) });
  const input = tf.input({ shape: [o.inputDim, 1], name: 'input' });
  let x: tf.SymbolicTensor = input;
  o.filters.forEach((f, i) => {
    x = conv1d({
      filters: f,
      kernelSize: o.kernelSize,
      activation: 'relu',
      kernelInitializer: glorot(),
      name: `conv_1d_${i + 1}`,
    }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.flatten({ name: 'flat1' }).apply(x) as tf.SymbolicTensor;
  o.denseWidths.forEach((w, i) => {
    x = tf.layers.dense({ units: w, activation: 'relu', kernelInitializer: glorot(), name: `dense${i + 1}` }).apply(x) as tf.SymbolicTensor;
  });
  const out = tf.layers.dense({ units: o.outputDim, activation: 'sigmoid', kernelInitializer: glorot(), name: 'output' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'moa_cnn1d' });
}
