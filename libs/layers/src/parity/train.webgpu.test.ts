/**
 * WebGPU vs cpu parity of the library's training pieces: the losses (value and gradient w.r.t.
 * the prediction), gradient clipping, three steps of each optimizer on fixed seeded gradients
 * (AdamW, Keras Adam with decay, Lookahead over Keras Adam and over SGD: updated weights and every
 * optimizer slot), one full model step (gradients + AdamW), and SWA averaging with its BatchNorm
 * refresh.
 */
import { initBackend, tf } from '../backend';
import {
  AdamW,
  binaryCrossentropy,
  categoricalCrossentropy,
  clipByGlobalNorm,
  generatorBatchSource,
  globalNorm,
  KerasAdam,
  klDivergence,
  klDivWithLogits,
  Lookahead,
  SwaAverager,
  type LossFn,
} from '../train';
import {
  layerParity,
  parity,
  printParityReport,
  randBinary,
  randn,
  randProbs,
  randu,
  tolName,
  toTensor,
  type HostTensor,
  type Tolerance,
  writeWeight,
} from '../parityTesting';
import { describeWebgpu } from '../webgpuTesting';

const describeGpu = describeWebgpu();
// Elementwise maths and small reductions: measured within 2.4e-7 of max|cpu| (the optimizers'
// updates bit-identical), so a hundred times tighter than the default.
const TOL: Tolerance = { atol: 1e-6, rtol: 1e-5 };

/** Probability rows with exact zeros in them (xlogy's 0 * log 0 = 0 path). */
function probsWithZeros(shape: number[], seed: number): HostTensor {
  const p = randProbs(shape, seed);
  const n = shape[shape.length - 1];
  for (let r = 0; r < p.values.length; r += n) {
    const j = (r / n) % n;
    const moved = p.values[r + j];
    p.values[r + j] = 0;
    p.values[r + ((j + 1) % n)] += moved;
  }
  return p;
}

interface LossCase {
  name: string;
  loss: () => LossFn;
  yTrue: HostTensor;
  yPred: HostTensor;
}

const LOSSES: LossCase[] = [
  { name: 'categoricalCrossentropy on probabilities', loss: () => categoricalCrossentropy(), yTrue: randProbs([6, 5], 1), yPred: randProbs([6, 5], 2) },
  {
    name: 'categoricalCrossentropy with classWeights',
    loss: () => categoricalCrossentropy({ classWeights: [1, 2, 0.5, 3, 1.5] }),
    yTrue: randProbs([6, 5], 3),
    yPred: randProbs([6, 5], 4),
  },
  {
    name: 'binaryCrossentropy labelSmoothing 0.1 on probabilities',
    loss: () => binaryCrossentropy({ labelSmoothing: 0.1 }),
    yTrue: randBinary([6, 4], 5),
    yPred: randu([6, 4], 6, 0.02, 0.98),
  },
  {
    name: 'binaryCrossentropy labelSmoothing 0.1 fromLogits (SmoothBCEwLogits)',
    loss: () => binaryCrossentropy({ labelSmoothing: 0.1, fromLogits: true }),
    yTrue: randBinary([6, 4], 7),
    yPred: randn([6, 4], 8, 3),
  },
  { name: 'klDivergence (Keras) on probabilities', loss: () => klDivergence(), yTrue: randProbs([5, 6], 9), yPred: randProbs([5, 6], 10) },
  { name: 'klDivWithLogits (torch batchmean, zero targets)', loss: () => klDivWithLogits(), yTrue: probsWithZeros([6, 6], 11), yPred: randn([6, 6], 12, 2) },
];

/** Shapes of the variables the optimizer cases update. */
const VAR_SHAPES = [[3, 4], [4], [2, 3, 2]];

/**
 * `steps` optimizer steps on fixed seeded gradients (the same on both backends): the variables
 * after them and every optimizer weight (iterations and slots, by position).
 */
async function optimizerParity(name: string, make: () => tf.Optimizer, steps: number): Promise<void> {
  await parity(name, async () => {
    const vars = VAR_SHAPES.map((s, i) => tf.tidy(() => tf.variable(toTensor(randn(s, 200 + i)))));
    const opt = make();
    for (let k = 0; k < steps; k++) {
      const grads: tf.NamedTensorMap = {};
      vars.forEach((v, i) => (grads[v.name] = toTensor(randn(v.shape, 300 + 10 * k + i))));
      opt.applyGradients(grads);
      tf.dispose(Object.values(grads));
    }
    const res: Record<string, tf.Tensor> = {};
    vars.forEach((v, i) => (res[`variable[${i}] after ${steps} steps`] = tf.clone(v)));
    const ws = await opt.getWeights();
    ws.forEach((w, j) => (res[`optimizer weight[${j}] (${w.name.replace(/^.*\//, '')})`] = tf.clone(w.tensor)));
    tf.dispose(ws.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
    opt.dispose();
    tf.dispose(vars);
    return res;
  }, { tolerance: TOL });
}

describeGpu(`webgpu vs cpu parity: losses, optimizers, SWA (${tolName(TOL)})`, () => {
  afterAll(async () => {
    printParityReport();
    await initBackend({ backend: 'cpu', log: null });
  });

  it.each(LOSSES.map((c) => [c.name, c] as const))(`loss %s: value and d loss / d yPred (${tolName(TOL)})`, async (name, c) => {
    await layerParity({
      name,
      build: () => ({ forward: ([yTrue, yPred]) => c.loss()(yTrue, yPred), weights: [], dispose: () => {} }),
      inputs: [c.yTrue, c.yPred],
      gradInputs: [false, true],
      tolerance: TOL,
    });
  });

  it(`clipByGlobalNorm (norm above and below the clip) (${tolName(TOL)})`, async () => {
    await parity('clipByGlobalNorm', () => {
      const grads = { a: toTensor(randn([3, 4], 20)), b: toTensor(randn([5], 21)) };
      const norm = globalNorm(grads);
      const clipped = clipByGlobalNorm(grads, 1.5).grads;
      const kept = clipByGlobalNorm(grads, 100).grads;
      tf.dispose(Object.values(grads));
      return { 'global norm': norm, 'clipped a': clipped.a, 'clipped b': clipped.b, 'unclipped a': kept.a, 'unclipped b': kept.b };
    }, { tolerance: TOL });
  });

  it(`AdamW (weight decay 0.1): 3 steps on fixed gradients, weights and m, v slots (${tolName(TOL)})`, async () => {
    await optimizerParity('AdamW', () => new AdamW({ learningRate: 0.01, weightDecay: 0.1 }), 3);
  });

  it(`KerasAdam (decay 0.01): 3 steps on fixed gradients, weights and m, v slots (${tolName(TOL)})`, async () => {
    await optimizerParity('KerasAdam', () => new KerasAdam({ learningRate: 0.01, decay: 0.01 }), 3);
  });

  it(`Lookahead(KerasAdam, k 2, alpha 0.5): 3 steps (one sync), weights, inner and slow slots (${tolName(TOL)})`, async () => {
    await optimizerParity('Lookahead(KerasAdam)', () => new Lookahead(new KerasAdam({ learningRate: 0.01 }), { k: 2, alpha: 0.5 }), 3);
  });

  it(`Lookahead(SGD, k 2, alpha 0.3): 4 steps (two syncs) (${tolName(TOL)})`, async () => {
    await optimizerParity('Lookahead(SGD)', () => new Lookahead(tf.train.sgd(0.1), { k: 2, alpha: 0.3 }), 4);
  });

  it(`one full training step: dense model gradients of an MSE loss, then AdamW (${tolName(TOL)})`, async () => {
    await parity('dense model + AdamW step', () => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [4], units: 6, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
          tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
        ],
      });
      const x = toTensor(randn([8, 4], 30));
      const y = toTensor(randn([8, 2], 31));
      const opt = new AdamW({ learningRate: 0.05, weightDecay: 0.01 });
      const loss = opt.minimize(() => tf.mean(tf.square(tf.sub(model.apply(x) as tf.Tensor, y))) as tf.Scalar, true)!;
      const res: Record<string, tf.Tensor> = { loss };
      model.weights.forEach((w, i) => (res[`weight[${i}] ${w.originalName.replace(/^[^/]*\//, '')} after the step`] = tf.clone(w.read())));
      tf.dispose([x, y]);
      opt.dispose();
      model.dispose();
      return res;
    }, { tolerance: TOL });
  });

  it(`SwaAverager: running mean of 3 snapshots, apply, BatchNorm refresh over 2 batches (${tolName(TOL)})`, async () => {
    await parity('SWA', async () => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [4], units: 5, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
          tf.layers.batchNormalization({ momentum: 0.9 }),
          tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
        ],
      });
      const swa = new SwaAverager();
      for (let k = 0; k < 3; k++) {
        model.trainableWeights.forEach((w, i) => writeWeight(w, () => tf.add(w.read(), toTensor(randn(w.shape as number[], 40 + 10 * k + i, 0.2)))));
        swa.update(model);
      }
      const res: Record<string, tf.Tensor> = {};
      swa.averages().forEach((a, i) => (res[`average[${i}]`] = tf.clone(a)));
      swa.apply(model);
      const src = generatorBatchSource({ numBatches: 2, make: (i) => ({ x: toTensor(randn([5 + i, 4], 50 + i, 1 + i, i)), y: tf.zeros([5 + i, 1]) }) });
      await swa.updateBatchNorm(model, src);
      model.weights.forEach((w, i) => (res[`weight[${i}] ${w.originalName.replace(/^[^/]*\//, '')} after apply + BN refresh`] = tf.clone(w.read())));
      swa.dispose();
      model.dispose();
      return res;
    }, { tolerance: TOL });
  });
});
