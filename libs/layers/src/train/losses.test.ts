import { initBackend, tf } from '../backend';
import { binaryCrossentropy, smoothBceWithLogits } from './binaryCrossentropy';
import { categoricalCrossentropy } from './categoricalCrossentropy';
import { klDivergence, klDivWithLogits } from './klDivergence';
import { LossFn } from './loss';
import { withPenalty } from './withPenalty';
import fixture from './__fixtures__/losses.json';

type Case = (typeof fixture.cases)[number];

function value(loss: LossFn, yTrue: number[], yPred: number[], shape: number[]): number {
  return tf.tidy(() => loss(tf.tensor(yTrue, shape), tf.tensor(yPred, shape)).dataSync()[0]);
}

/** float32 evaluation against float64 references. */
const close = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThan(2e-6 * Math.max(1, Math.abs(want)));

describe.each(['cpu', 'wasm'] as const)('losses on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, log: null });
  });
  const cases = fixture.cases.map((c, i) => [i, c] as [number, Case]);

  it.each(cases)('KLDivLoss(batchmean) on log_softmax(logits) matches torch, case %i', (_i, c) => {
    close(value(klDivWithLogits(), c.target, c.logits, c.shape), c.klDivLogits);
  });

  it.each(cases)('Keras KLDivergence on probabilities, case %i', (_i, c) => {
    close(value(klDivergence(), c.target, c.probs, c.shape), c.klDivergence);
  });

  it.each(cases)('binary cross-entropy with Keras label smoothing, case %i', (_i, c) => {
    for (const [s, want] of Object.entries(c.bce)) close(value(binaryCrossentropy({ labelSmoothing: Number(s) }), c.binary, c.sigmoid, c.shape), want);
  });

  it.each(cases)("seed 004's SmoothBCEwLogits (same smoothing formula, from logits) matches torch, case %i", (_i, c) => {
    for (const [s, want] of Object.entries(c.smoothBceLogits)) {
      close(value(smoothBceWithLogits(Number(s)), c.binary, c.logits, c.shape), want);
      close(value(binaryCrossentropy({ labelSmoothing: Number(s), fromLogits: true }), c.binary, c.logits, c.shape), want);
    }
  });

  it.each(cases)('categorical cross-entropy (plain, soft targets, class weights), case %i', (_i, c) => {
    close(value(categoricalCrossentropy(), c.onehot, c.probs, c.shape), c.cce);
    close(value(categoricalCrossentropy(), c.target, c.probs, c.shape), c.cceSoft);
    close(value(categoricalCrossentropy({ classWeights: c.classWeights }), c.onehot, c.probs, c.shape), c.cceWeighted);
  });
});

describe('loss plumbing (cpu)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: null });
  });

  it('label smoothing changes the value (the fixture distinguishes s)', () => {
    const c = fixture.cases[0];
    expect(Math.abs(c.bce['0.1'] - c.bce['0.0'])).toBeGreaterThan(1e-4); // 50x the test tolerance
  });

  it('klDivWithLogits has finite gradients where the target is exactly 0', () => {
    const g = tf.tidy(() => {
      const t = tf.tensor2d([[0, 1, 0]]);
      return tf.grad((x: tf.Tensor) => klDivWithLogits()(t, x))(tf.tensor2d([[1, 2, 3]])).arraySync() as number[][];
    });
    g[0].forEach((v) => expect(Number.isFinite(v)).toBe(true));
  });

  it('withPenalty adds a weighted penalty inside the gradient tape', () => {
    const base: LossFn = (y, p) => tf.mean(tf.square(tf.sub(y, p))) as tf.Scalar;
    const loss = withPenalty(base, (_y, p) => tf.sum(tf.abs(p)) as tf.Scalar, { weight: 0.5 });
    const y = tf.tensor2d([[1, 2]]);
    const p = tf.tensor2d([[0.5, -1]]);
    // mean((0.5, 3)^2) = (0.25 + 9) / 2 = 4.625; + 0.5 * 1.5
    expect(loss(y, p).dataSync()[0]).toBeCloseTo(5.375, 5);
    const g = tf.grad((x: tf.Tensor) => loss(y, x))(p).dataSync();
    // d/dp: (p - y) + 0.5 * sign(p)
    expect(Array.from(g)).toEqual([expect.closeTo(-0.5 + 0.5, 5), expect.closeTo(-3 - 0.5, 5)]);
    tf.dispose([y, p]);
  });

  it('works in model.compile', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: categoricalCrossentropy({ classWeights: [1, 2, 1] }) });
    const x = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
    const y = tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const h = await model.fit(x, y, { epochs: 5, verbose: 0 });
    const l = h.history.loss as number[];
    expect(l[4]).toBeLessThan(l[0]);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('names the argument on bad input', () => {
    expect(() => binaryCrossentropy({ labelSmoothing: 2 })).toThrow(/binaryCrossentropy: labelSmoothing: expected a number in \[0, 1\], received 2/);
    expect(() => value(categoricalCrossentropy({ classWeights: [1, 1] }), [1, 0, 0], [0.2, 0.3, 0.5], [1, 3])).toThrow(
      /classWeights.length: expected 3 \(classes in yTrue\), received 2/,
    );
    expect(() => value(klDivergence(), [1, 0], [0.2, 0.3, 0.5], [1, 2])).toThrow();
  });
});
