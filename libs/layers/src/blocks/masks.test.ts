import { initBackend, tf } from '../backend';
import { entmax15 } from './entmax15';
import { sparsemax } from './sparsemax';
import { BACKENDS, expectClose, fixture, t } from './testing';

const FNS = { sparsemax, entmax15 } as const;

describe.each(BACKENDS)('sparsemax / entmax15 on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, log: null });
  });

  test.each(['sparsemax', 'entmax15'] as const)('%s: forward and gradient equal the pytorch-tabnet reference', (name) => {
    for (const c of fixture().masks) {
      tf.tidy(() => {
        const x = t(c.x);
        const ref = c[name];
        expectClose(FNS[name](x), ref.y, 1e-6, 1e-5, `${name} y`);
        const r = t(ref.r);
        const dx = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(FNS[name](z), r)))(x);
        expectClose(dx, ref.dx, 1e-5, 1e-4, `${name} dx`);
      });
    }
  });

  test.each(['sparsemax', 'entmax15'] as const)('%s: rows sum to 1, non-negative, sparse, grad orthogonal to ones', (name) => {
    tf.tidy(() => {
      const x = tf.mul(tf.randomNormal([6, 3, 10], 0, 1, 'float32', 3), 3);
      const y = FNS[name](x);
      expectClose(tf.sum(y, -1), tf.ones([6, 3]), 1e-5, 0, 'sum');
      expect(tf.min(y).dataSync()[0]).toBeGreaterThanOrEqual(0);
      const zeros = tf.sum(tf.cast(tf.equal(y, 0), 'float32')).dataSync()[0];
      expect(zeros).toBeGreaterThan(0.3 * y.size); // sparse: softmax would give none
      // Adding a constant to every logit does not change the output: the gradient of any f(y) sums to 0 per row.
      const g = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(FNS[name](z), tf.range(0, 10))))(x);
      expectClose(tf.sum(g, -1), tf.zeros([6, 3]), 1e-4, 0, 'grad row sums');
      expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0.01);
    });
  });

  it('gradient matches central finite differences (float32, off the kinks)', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[0.3, -0.2, 0.9, 0.05, -1.1]]);
      const w = tf.tensor2d([[1, -2, 0.5, 3, 1]]);
      for (const fn of [sparsemax, entmax15]) {
        const f = (z: tf.Tensor) => tf.sum(tf.mul(fn(z), w));
        const g = tf.grad(f)(x).dataSync();
        const xv = x.dataSync();
        const h = 1e-2;
        for (let i = 0; i < 5; i++) {
          const p = Float32Array.from(xv);
          const m = Float32Array.from(xv);
          p[i] += h;
          m[i] -= h;
          const num = (f(tf.tensor2d(p, [1, 5])).dataSync()[0] - f(tf.tensor2d(m, [1, 5])).dataSync()[0]) / (2 * h);
          expect(Math.abs(g[i] - num)).toBeLessThan(2e-3);
        }
      }
    });
  });
});

describe('sparsemax / entmax15 arguments', () => {
  it('rejects non-tensors and scalars, naming the argument', () => {
    expect(() => sparsemax([1, 2] as unknown as tf.Tensor)).toThrow(/sparsemax: x: expected a tf.Tensor/);
    expect(() => entmax15(tf.scalar(1))).toThrow(/entmax15: x: expected a tensor of rank >= 1/);
  });
});
