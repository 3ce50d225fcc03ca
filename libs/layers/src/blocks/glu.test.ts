import { initBackend, tf } from '../backend';
import { gatedLinearUnit, glu } from './glu';
import { ghostBatchNormalization, ghostBatchSizes, torchChunkSizes } from './ghostBatchNorm';
import { BACKENDS, expectClose, roundTrip } from './testing';

describe.each(BACKENDS)('Glu and GhostBatchNormalization on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, log: null });
  });

  it('Glu: a * sigmoid(b) over the halves of the last axis', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[1, -2, 0.5, 3], [0, 4, -1, -3]]);
      const s = (v: number) => 1 / (1 + Math.exp(-v));
      const want = tf.tensor2d([[1 * s(0.5), -2 * s(3)], [0, 4 * s(-3)]]);
      expectClose(gatedLinearUnit(x), want, 1e-6, 0, 'op');
      expectClose(glu().apply(x) as tf.Tensor, want, 1e-6, 0, 'layer');
      expect(glu().computeOutputShape([null, 3, 8])).toEqual([null, 3, 4]);
      expect(() => gatedLinearUnit(tf.ones([2, 3]))).toThrow(/gatedLinearUnit: x: expected an even-length last axis/);
    });
  });

  it('GhostBatchNormalization: per-chunk statistics in training, PyTorch running updates, running stats at inference', async () => {
    const x = tf.tensor2d([[1, 2], [3, 6], [5, -1], [0, 0], [2, 2], [9, 1], [4, 4]]);
    const input = tf.input({ shape: [2] });
    const layer = ghostBatchNormalization({ virtualBatchSize: 3, momentum: 0.1, epsilon: 1e-5 });
    const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    // torch.chunk(7 rows, ceil(7/3) = 3) -> 3, 3, 1
    const rows = x.arraySync();
    let rm = [0, 0];
    let rv = [1, 1];
    const want: number[][] = [];
    for (const [a, b] of [[0, 3], [3, 6], [6, 7]]) {
      const c = rows.slice(a, b);
      const n = c.length;
      const mean = [0, 1].map((j) => c.reduce((s, r) => s + r[j], 0) / n);
      const v = [0, 1].map((j) => c.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / n);
      for (const r of c) want.push([0, 1].map((j) => (r[j] - mean[j]) / Math.sqrt(v[j] + 1e-5)));
      rm = rm.map((m, j) => 0.9 * m + 0.1 * mean[j]);
      rv = rv.map((m, j) => 0.9 * m + 0.1 * (n > 1 ? (v[j] * n) / (n - 1) : v[j]));
    }
    expectClose(y, tf.tensor2d(want), 1e-4, 0, 'train output');
    const [, , mm, mv] = layer.getWeights();
    expectClose(mm, tf.tensor1d(rm), 1e-5, 0, 'moving mean');
    expectClose(mv, tf.tensor1d(rv), 1e-5, 0, 'moving variance');
    const inf = model.predict(x) as tf.Tensor;
    expectClose(inf, tf.tensor2d(rows.map((r) => r.map((v, j) => (v - rm[j]) / Math.sqrt(rv[j] + 1e-5)))), 1e-4, 0, 'inference');
    const loaded = await roundTrip(model);
    expectClose(loaded.predict(x) as tf.Tensor, inf, 0, 0, 'round trip');
    tf.dispose([x, y, inf]);
    model.dispose();
    loaded.dispose();
  });
});

describe('ghost batch sizes', () => {
  it('follow torch.chunk(ceil(B / vbs))', () => {
    expect(torchChunkSizes(9, 3)).toEqual([3, 3, 3]);
    expect(ghostBatchSizes(9, 4)).toEqual([3, 3, 3]); // not 4, 4, 1
    expect(ghostBatchSizes(10, 4)).toEqual([4, 4, 2]);
    expect(ghostBatchSizes(5, 4)).toEqual([3, 2]);
    expect(ghostBatchSizes(256, 128)).toEqual([128, 128]);
    expect(ghostBatchSizes(100, 128)).toEqual([100]);
    expect(ghostBatchSizes(100, null)).toEqual([100]);
    expect(() => ghostBatchNormalization({ virtualBatchSize: 0 })).toThrow(/virtualBatchSize: expected an integer >= 1, received 0/);
    expect(() => ghostBatchNormalization({ momentum: 2 })).toThrow(/momentum: expected a number in \[0, 1\], received 2/);
  });
});
