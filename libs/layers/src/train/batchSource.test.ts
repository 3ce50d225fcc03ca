import { initBackend, tf } from '../backend';
import { arrayBatchSource, generatorBatchSource, iterableBatchSource, iterateBatches, disposeBatch } from './batchSource';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

const rows = 10;
const x = Float32Array.from({ length: rows * 2 }, (_, i) => i); // row r = [2r, 2r + 1]
const y = Float32Array.from({ length: rows }, (_, i) => i);

async function epochRows(src: ReturnType<typeof arrayBatchSource>, epoch: number): Promise<number[][]> {
  const out: number[][] = [];
  for await (const b of iterateBatches(src, epoch)) {
    const xs = (b.x as tf.Tensor).arraySync() as number[][];
    const ys = b.y.dataSync();
    xs.forEach((r, i) => expect(r).toEqual([2 * ys[i], 2 * ys[i] + 1])); // x and y stay paired
    out.push(Array.from(ys));
    disposeBatch(b);
  }
  return out;
}

describe('arrayBatchSource', () => {
  it('batches in order without shuffle, last batch smaller', async () => {
    const src = arrayBatchSource({ x, xShape: [rows, 2], y, yShape: [rows], batchSize: 4 });
    expect(src.numBatches()).toBe(3);
    expect(await epochRows(src, 0)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(arrayBatchSource({ x, xShape: [rows, 2], y, yShape: [rows], batchSize: 4, dropRemainder: true }).numBatches()).toBe(2);
  });

  it('shuffles per epoch, deterministically from the seed, covering every row once', async () => {
    const mk = (seed: number) => arrayBatchSource({ x, xShape: [rows, 2], y, yShape: [rows], batchSize: 3, shuffle: true, seed });
    const e0 = (await epochRows(mk(1), 0)).flat();
    const e1 = (await epochRows(mk(1), 1)).flat();
    expect([...e0].sort((a, b) => a - b)).toEqual([...Array(rows).keys()]);
    expect(e0).not.toEqual([...Array(rows).keys()]);
    expect(e1).not.toEqual(e0);
    expect((await epochRows(mk(1), 1)).flat()).toEqual(e1);
    expect((await epochRows(mk(2), 0)).flat()).not.toEqual(e0);
    // random access: batch 2 of epoch 1 asked for alone is the same batch
    const b = mk(1).batch(2, 1);
    expect(Array.from(b.y.dataSync())).toEqual(e1.slice(6, 9));
    disposeBatch(b);
  });

  it('supports several inputs and int32 targets', () => {
    const src = arrayBatchSource({ x: [x, y], xShape: [[rows, 2], [rows, 1]], y: Int32Array.from(y), yShape: [rows], batchSize: 5 });
    const b = src.batch(1, 0);
    expect(Array.isArray(b.x)).toBe(true);
    expect((b.x as tf.Tensor[]).map((t) => t.shape)).toEqual([[5, 2], [5, 1]]);
    expect(b.y.dtype).toBe('int32');
    disposeBatch(b);
  });

  it('names the argument on bad shapes', () => {
    expect(() => arrayBatchSource({ x, xShape: [rows, 3], y, yShape: [rows], batchSize: 2 })).toThrow(/arrayBatchSource: x.length: expected 30 \(xShape \[10,3\]\), received 20/);
    expect(() => arrayBatchSource({ x, xShape: [9, 2], y, yShape: [rows], batchSize: 2 })).toThrow(/xShape\[0\]: expected 10 rows \(as y\), received 9/);
    expect(() => arrayBatchSource({ x, xShape: [rows, 2], y, yShape: [rows], batchSize: 0 })).toThrow(/batchSize: expected an integer >= 1, received 0/);
  });
});

describe('generatorBatchSource / iterableBatchSource', () => {
  it('builds batch i of epoch e from an rng seeded by (seed, e, i) only', async () => {
    const src = generatorBatchSource({
      numBatches: 3,
      seed: 4,
      make: (_i, _e, rng) => ({ x: tf.tensor1d([rng.next()]), y: tf.tensor1d([0]) }),
    });
    const val = async (i: number, e: number) => {
      const b = await src.batch(i, e);
      const v = (b.x as tf.Tensor).dataSync()[0];
      disposeBatch(b);
      return v;
    };
    expect(await val(2, 1)).toBe(await val(2, 1));
    expect(await val(2, 1)).not.toBe(await val(1, 2));
    expect(await val(0, 0)).not.toBe(await val(0, 1));
  });

  it('iterates an async generator per epoch', async () => {
    const src = iterableBatchSource(async function* (epoch) {
      for (let i = 0; i < 2; i++) yield { x: tf.tensor1d([epoch, i]), y: tf.tensor1d([i]) };
    }, 2);
    const seen: number[][] = [];
    for await (const b of iterateBatches(src, 5)) {
      seen.push(Array.from((b.x as tf.Tensor).dataSync()));
      disposeBatch(b);
    }
    expect(seen).toEqual([[5, 0], [5, 1]]);
  });
});
