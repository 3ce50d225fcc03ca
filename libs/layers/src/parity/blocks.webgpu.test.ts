/**
 * WebGPU vs cpu parity of the library's blocks and of the recurrent layers the seeds use:
 * MultiHeadAttention (self and cross attention, inference and seeded-dropout training), GRU and
 * Bidirectional GRU (stock tf.layers.gru, and Keras' reset_after=True cell as seed 000 uses it),
 * sparsemax, entmax15, GLU, ghost batch norm, TabNet (sparsemax / entmax15 masks, training with
 * ghost batches and inference), channels-first pooling. Forward values and the gradients w.r.t.
 * the inputs and every trainable weight; non-trainable weights (running statistics) after the pass.
 */
import { initBackend, tf } from '../backend';
import {
  averagePooling1dChannelsFirst,
  buildTabNet,
  entmax15,
  ghostBatchNormalization,
  glu,
  maxPooling1dChannelsFirst,
  multiHeadAttention,
  sparsemax,
  type TabNetMaskType,
} from '../blocks';
import {
  layerModel,
  layerParity,
  modelSubject,
  PARITY_TOLERANCE,
  PARITY_TOLERANCE_TIGHT,
  printParityReport,
  randn,
  randuLike,
  tolName,
  toTensor,
  writeWeight,
  type ParitySubject,
} from '../parityTesting';
import { GRUResetAfter } from '../rnn/gruResetAfter';
import { describeWebgpu } from '../webgpuTesting';

const describeGpu = describeWebgpu();
// Measured on llvmpipe: within 1.3e-6 of max|cpu| everywhere but TabNet in training mode.
const TOL = PARITY_TOLERANCE_TIGHT;
// TabNet in training mode (ghost batches of 4, 4 and 2 rows normalized with their own statistics,
// then sparsemax / entmax): gradients within 1.7e-5 of max|cpu| (worst 3.2e-4 absolute, on a
// beta gradient of max 21); kept at the default tolerance, 6x above that.
const TABNET_TRAINING_TOL = PARITY_TOLERANCE;

/** Seeded uniform [-0.3, 0.3) values in every bias of `layer`. */
function randomBiases(layer: tf.layers.Layer, seed: number): void {
  for (const w of layer.weights) {
    if (w.originalName.endsWith('/bias')) writeWeight(w, () => tf.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed }).apply(w.shape));
  }
}

/** A weightless op as a subject. */
function opSubject(f: (x: tf.Tensor) => tf.Tensor): ParitySubject {
  return { forward: (inputs) => f(inputs[0]), weights: [], dispose: () => {} };
}

describeGpu(`webgpu vs cpu parity: blocks (forward and gradients, ${tolName(TOL)} unless stated)`, () => {
  afterAll(async () => {
    printParityReport();
    await initBackend({ backend: 'cpu', log: null });
  });

  describe('MultiHeadAttention', () => {
    it(`self-attention [2, 5, 8], 2 heads, useNorm, inference: output and attention (${tolName(TOL)})`, async () => {
      await layerParity({
        name: 'MultiHeadAttention self, inference',
        build: () => modelSubject(layerModel(() => multiHeadAttention({ nHead: 2, dModel: 8, dK: 4, dV: 3, dropout: 0.1, seed: 1 }), [[5, 8]]), false),
        inputs: [randn([2, 5, 8], 1)],
        tolerance: TOL,
      });
    });

    it(`self-attention in training: seeded attention and output dropout masks equal on both backends (${tolName(TOL)})`, async () => {
      await layerParity({
        name: 'MultiHeadAttention self, training (seeded dropout)',
        build: () => modelSubject(layerModel(() => multiHeadAttention({ nHead: 2, dModel: 8, dK: 4, dV: 4, dropout: 0.2, attentionDropout: 0.3, seed: 2 }), [[5, 8]]), true),
        inputs: [randn([2, 5, 8], 2)],
        tolerance: TOL,
      });
    });

    it(`cross-attention q [2, 4, 6], k = v [2, 7, 3], temper dK, split layout, no norm (${tolName(TOL)})`, async () => {
      await layerParity({
        name: 'MultiHeadAttention cross, split layout',
        build: () => {
          const q = tf.input({ shape: [4, 6] });
          const kv = tf.input({ shape: [7, 3] });
          const mha = multiHeadAttention({ nHead: 3, dModel: 5, dK: 2, dV: 3, useNorm: false, temper: 'dK', attentionLayout: 'split', seed: 3 });
          const outs = mha.apply([q, kv, kv]) as tf.SymbolicTensor[];
          return modelSubject(tf.model({ inputs: [q, kv], outputs: outs }), false);
        },
        inputs: [randn([2, 4, 6], 3), randn([2, 7, 3], 4)],
        tolerance: TOL,
      });
    });
  });

  describe('GRU', () => {
    const stockGru = (seed: number, goBackwards = false) =>
      tf.layers.gru({
        units: 4,
        returnSequences: true,
        recurrentActivation: 'sigmoid',
        goBackwards,
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }),
        biasInitializer: tf.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed: seed + 2 }),
      });

    it(`tf.layers.gru (reset_after=False, sigmoid), [2, 6, 3] -> 4 units, sequences (${tolName(TOL)})`, async () => {
      await layerParity({
        name: 'tf.layers.gru',
        build: () => modelSubject(layerModel(() => stockGru(10), [[6, 3]]), false),
        inputs: [randn([2, 6, 3], 10)],
        tolerance: TOL,
      });
    });

    it(`tf.layers.bidirectional(tf.layers.gru), concat (${tolName(TOL)})`, async () => {
      await layerParity({
        name: 'Bidirectional tf.layers.gru',
        build: () => modelSubject(layerModel(() => tf.layers.bidirectional({ layer: stockGru(20) as tf.RNN, mergeMode: 'concat' }), [[6, 3]]), false),
        inputs: [randn([2, 6, 3], 11)],
        tolerance: TOL,
      });
    });

    it(`Keras GRU(reset_after=True) as seed 000, and Bidirectional of it (concat), stacked (${tolName(TOL)})`, async () => {
      await layerParity({
        name: 'GRU reset_after + Bidirectional GRU reset_after',
        build: () => {
          const inp = tf.input({ shape: [6, 3] });
          const gru = new GRUResetAfter({ units: 4, seed: 30, returnSequences: true });
          const bi = tf.layers.bidirectional({ layer: new GRUResetAfter({ units: 3, seed: 40, returnSequences: true }), mergeMode: 'concat' });
          const model = tf.model({ inputs: inp, outputs: bi.apply(gru.apply(inp)) as tf.SymbolicTensor });
          // The cell starts its biases at zero (as Keras); non-zero ones make both bias rows matter here.
          randomBiases(gru, 32);
          randomBiases(bi, 42);
          return modelSubject(model, false);
        },
        inputs: [randn([2, 6, 3], 12)],
        tolerance: TOL,
      });
    });
  });

  describe('TabNet pieces', () => {
    it(`sparsemax over the last axis of [6, 7] (scaled inputs: supports of 1..7) (${tolName(TOL)})`, async () => {
      await layerParity({ name: 'sparsemax', build: () => opSubject(sparsemax), inputs: [randn([6, 7], 20, 1.5)], tolerance: TOL });
    });

    it(`entmax15 over the last axis of [6, 7] (${tolName(TOL)})`, async () => {
      await layerParity({ name: 'entmax15', build: () => opSubject(entmax15), inputs: [randn([6, 7], 21, 1.5)], tolerance: TOL });
    });

    it(`GLU layer [3, 4, 6] -> [3, 4, 3] (${tolName(TOL)})`, async () => {
      await layerParity({ name: 'Glu', build: () => modelSubject(layerModel(() => glu(), [[4, 6]]), false), inputs: [randn([3, 4, 6], 22)], tolerance: TOL });
    });

    for (const training of [true, false]) {
      it(`GhostBatchNormalization, batch 10 in ghost batches 4+4+2, training ${training}: output, gradients, running statistics (${tolName(TOL)})`, async () => {
        await layerParity({
          name: `GhostBatchNormalization training ${training}`,
          build: () => {
            const model = layerModel(() => ghostBatchNormalization({ virtualBatchSize: 4, momentum: 0.3 }), [[5]]);
            // Non-trivial gamma, beta and running statistics (copied to webgpu with the rest).
            model.weights.forEach((w, i) => writeWeight(w, () => toTensor(randuLike(w, 50 + i, 0.5, 1))));
            return modelSubject(model, training);
          },
          inputs: [randn([10, 5], 23, 2, 0.5)],
          tolerance: TOL,
        });
      });
    }

    const tabnetCases: [TabNetMaskType, boolean][] = [
      ['sparsemax', true],
      ['sparsemax', false],
      ['entmax15', true],
      ['entmax15', false],
    ];
    for (const [maskType, training] of tabnetCases) {
      const tol = training ? TABNET_TRAINING_TOL : TOL;
      it(`TabNet (${maskType} masks, training ${training}): logits and sparsity loss, gradients of every weight (${tolName(tol)})`, async () => {
        await layerParity({
          name: `TabNet ${maskType} training ${training}`,
          build: () => {
            const { model, layer } = buildTabNet({
              inputDim: 6,
              outputDim: 3,
              nD: 4,
              nA: 4,
              nSteps: 2,
              nShared: 1,
              nIndependent: 1,
              virtualBatchSize: 4,
              momentum: 0.3,
              maskType,
              lambdaSparse: 0,
              seed: 60,
            });
            return {
              forward: (inputs) => [model.apply(inputs[0], { training }) as tf.Tensor, layer.sparsityLoss()],
              weights: model.weights,
              dispose: () => model.dispose(),
            };
          },
          inputs: [randn([10, 6], 24)],
          tolerance: tol,
        });
      });
    }
  });

  describe('channels-first pooling', () => {
    it(`MaxPooling1DChannelsFirst and AveragePooling1DChannelsFirst (pool 3, stride 2) on [2, 4, 9] (${tolName(TOL)})`, async () => {
      await layerParity({
        name: 'channels-first max and average pooling',
        build: () => {
          const inp = tf.input({ shape: [4, 9] });
          const mx = maxPooling1dChannelsFirst({ poolSize: 3, strides: 2 }).apply(inp) as tf.SymbolicTensor;
          const av = averagePooling1dChannelsFirst({ poolSize: 3, strides: 2 }).apply(inp) as tf.SymbolicTensor;
          const av2 = averagePooling1dChannelsFirst().apply(inp) as tf.SymbolicTensor;
          return modelSubject(tf.model({ inputs: inp, outputs: [mx, av, av2] }), false);
        },
        inputs: [randn([2, 4, 9], 25)],
        tolerance: TOL,
      });
    });
  });
});
