import { initBackend } from '../backend';
import { arrayBatchSource } from './batchSource';
import { compareBatchSources } from './compareBatchSources';

beforeAll(() => initBackend({ backend: 'cpu', log: null }));

it('finds equal sources equal and names the first difference: batch count, shape, inputs, targets', async () => {
  const x = Float32Array.from({ length: 12 }, (_, i) => i);
  const y = Float32Array.from({ length: 6 }, (_, i) => i % 2);
  const src = (xx: Float32Array, yy: Float32Array, batchSize = 2, cols = 2) => arrayBatchSource({ x: xx, xShape: [12 / cols, cols], y: yy, yShape: [6, 1], batchSize, shuffle: true, seed: 1 });
  expect(await compareBatchSources(src(x, y), src(x, y), [0, 1])).toEqual({ compared: 12 });
  expect((await compareBatchSources(src(x, y), src(x, y, 3), [0])).mismatch).toBe('epoch 0: 2 batches, expected 3');
  const x2 = x.slice();
  x2[11] = -1;
  expect((await compareBatchSources(src(x, y), src(x2, y), [0])).mismatch).toMatch(/^epoch 0 batch \d: the inputs differ$/);
  const y2 = y.slice();
  y2[0] = 5;
  expect((await compareBatchSources(src(x, y), src(x, y2), [0])).mismatch).toMatch(/^epoch 0 batch \d: the targets differ$/);
});
