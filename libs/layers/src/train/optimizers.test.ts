import { initBackend, tf } from '../backend';
import { AdamW } from './adamW';
import { KerasAdam } from './kerasAdam';
import { Lookahead } from './lookahead';
import { getLearningRate, setLearningRate } from './learningRate';
import { denseModel, regressionData } from './testing';
import fixture from './__fixtures__/optimizers.json';

const { a, c, w0 } = fixture.quadratic;

/** Run `steps` minimize() calls on 0.5 * sum(a (w - c)^2); return w after each step. */
function trajectory(opt: tf.Optimizer, steps: number): number[][] {
  const w = tf.tidy(() => tf.variable(tf.tensor1d(w0)));
  const A = tf.tensor1d(a);
  const C = tf.tensor1d(c);
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    opt.minimize(() => tf.mul(0.5, tf.sum(tf.mul(A, tf.square(tf.sub(w, C))))) as tf.Scalar, false, [w]);
    out.push(Array.from(w.dataSync()));
  }
  tf.dispose([w, A, C]);
  opt.dispose();
  return out;
}

function expectClose(got: number[][], want: number[][], tol: number): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  got.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - want[i][j])))));
  expect(worst).toBeLessThan(tol);
}

describe.each(['cpu', 'wasm'] as const)('optimizers on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, log: null });
  });

  it.each(fixture.adamw.map((c, i) => [i, c] as const))('AdamW case %i matches torch.optim.AdamW for 5 steps', (_i, cs) => {
    const before = tf.memory().numTensors;
    expectClose(trajectory(new AdamW(cs.options), 5), cs.trajectory, 1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('AdamW without weight decay differs from the fixture (the decay is exercised)', () => {
    const got = trajectory(new AdamW({ ...fixture.adamw[1].options, weightDecay: 0 }), 5);
    const diff = Math.max(...got[4].map((v, j) => Math.abs(v - fixture.adamw[1].trajectory[4][j])));
    expect(diff).toBeGreaterThan(1e-3);
  });

  it.each(fixture.kerasAdam.map((c, i) => [i, c] as const))('KerasAdam case %i matches the Keras 2 Adam(decay) formula', (_i, cs) => {
    expectClose(trajectory(new KerasAdam(cs.options), 5), cs.trajectory, 1e-5);
  });

  it('Lookahead(SGD) matches the reference (sync every k steps)', () => {
    const { learningRate, k, alpha } = fixture.lookaheadSgd.options;
    expectClose(trajectory(new Lookahead(tf.train.sgd(learningRate), { k, alpha }), 8), fixture.lookaheadSgd.trajectory, 1e-5);
  });

  it.each([
    ['AdamW', () => new AdamW({ learningRate: 0.02 })],
    ['KerasAdam', () => new KerasAdam({ learningRate: 0.02, decay: 1e-3 })],
    ['Lookahead(Adam)', () => new Lookahead(tf.train.adam(0.02), { k: 3 })],
  ] as const)('%s trains a tiny dense model through model.compile/fit', async (_name, make) => {
    const before = tf.memory().numTensors;
    const model = denseModel();
    const opt = make();
    model.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const { x, y } = regressionData(64);
    const xs = tf.tensor2d(x, [64, 4]);
    const ys = tf.tensor2d(y, [64, 1]);
    const h = await model.fit(xs, ys, { epochs: 15, batchSize: 16, verbose: 0, shuffle: false });
    const loss = h.history.loss as number[];
    expect(loss[loss.length - 1]).toBeLessThan(loss[0] * 0.5);
    tf.dispose([xs, ys]);
    opt.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('optimizer plumbing (cpu)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: null });
  });

  it('registers with tfjs serialization and round-trips its config', () => {
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const [name, opt] of [
      ['AdamW', new AdamW({ learningRate: 0.3, weightDecay: 0.2 })],
      ['KerasAdam', new KerasAdam({ learningRate: 1e-4, decay: 1e-4 })],
      ['Lookahead', new Lookahead(new AdamW({ learningRate: 0.1 }), { k: 7, alpha: 0.8 })],
    ] as const) {
      expect(map[name]).toBeDefined();
      const [cls, fromConfig] = map[name];
      const back = fromConfig(cls, opt.getConfig()) as tf.Optimizer;
      expect(back.getClassName()).toBe(name);
      expect(back.getConfig()).toEqual(opt.getConfig());
      back.dispose();
      opt.dispose();
    }
  });

  it('getWeights/setWeights carry the state: a restored AdamW continues the trajectory', async () => {
    const full = trajectory(new AdamW({ learningRate: 0.1 }), 6);
    const w = tf.tidy(() => tf.variable(tf.tensor1d(w0)));
    const A = tf.tensor1d(a);
    const C = tf.tensor1d(c);
    const f = () => tf.mul(0.5, tf.sum(tf.mul(A, tf.square(tf.sub(w, C))))) as tf.Scalar;
    const first = new AdamW({ learningRate: 0.1 });
    for (let i = 0; i < 3; i++) first.minimize(f, false, [w]);
    const saved = (await first.getWeights()).map((x) => ({ name: x.name, tensor: tf.clone(x.tensor) }));
    first.dispose();
    const second = new AdamW({ learningRate: 0.1 });
    await second.setWeights(saved);
    tf.dispose(saved.map((s) => s.tensor));
    expect(second.iterations).toBe(3);
    for (let i = 0; i < 3; i++) second.minimize(f, false, [w]);
    const got = Array.from(w.dataSync());
    got.forEach((v, j) => expect(Math.abs(v - full[5][j])).toBeLessThan(1e-6));
    second.dispose();
    tf.dispose([w, A, C]);
  });

  it('setLearningRate works for ours and for tfjs optimizers (SGD keeps a cached constant)', () => {
    const sgd = tf.train.sgd(0.1);
    setLearningRate(sgd, 0.5);
    expect(getLearningRate(sgd)).toBe(0.5);
    const w = tf.tidy(() => tf.variable(tf.scalar(1)));
    sgd.minimize(() => tf.mul(w, 1) as tf.Scalar, false, [w]); // grad 1 -> w = 1 - 0.5
    expect(w.dataSync()[0]).toBeCloseTo(0.5, 6);
    const la = new Lookahead(new AdamW());
    setLearningRate(la, 0.01);
    expect(getLearningRate(la)).toBe(0.01);
    tf.dispose([w]);
    sgd.dispose();
    la.dispose();
  });

  it('rejects bad options, naming the argument', () => {
    expect(() => new AdamW({ beta1: 1 })).toThrow(/AdamW: beta1: expected a number in \[0, 1\), received 1/);
    expect(() => new KerasAdam({ decay: -1 })).toThrow(/KerasAdam: decay: expected a finite number >= 0, received -1/);
    expect(() => new Lookahead(tf.train.sgd(1), { k: 0 })).toThrow(/Lookahead: k: expected an integer >= 1, received 0/);
  });
});
