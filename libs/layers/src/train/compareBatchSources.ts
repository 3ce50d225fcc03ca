// Two ways of building the same model inputs (in memory, from sharded caches, per batch) must give
// the same batches bit for bit; this walks both sources and reports the first difference.
import { tf } from '../backend';
import type { IndexedBatchSource } from './batchSource';

function bytes(t: tf.Tensor): Buffer {
  const d = t.dataSync();
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}

/**
 * Every batch of `a` and `b` over `epochs`, compared bit for bit (batch counts, input shapes,
 * input and target bytes). Returns the rows compared and the first mismatch, if any.
 */
export async function compareBatchSources(a: IndexedBatchSource, b: IndexedBatchSource, epochs: readonly number[]): Promise<{ compared: number; mismatch?: string }> {
  let compared = 0;
  for (const epoch of epochs) {
    if (b.numBatches(epoch) !== a.numBatches(epoch)) return { compared, mismatch: `epoch ${epoch}: ${b.numBatches(epoch)} batches, expected ${a.numBatches(epoch)}` };
    for (let i = 0; i < a.numBatches(epoch); i++) {
      const [p, q] = (await Promise.all([a.batch(i, epoch), b.batch(i, epoch)])).map((z) => ({ x: z.x as tf.Tensor, y: z.y as tf.Tensor }));
      try {
        const at = `epoch ${epoch} batch ${i}`;
        if (q.x.shape.join(',') !== p.x.shape.join(',')) return { compared, mismatch: `${at}: inputs [${q.x.shape}], expected [${p.x.shape}]` };
        if (!bytes(q.x).equals(bytes(p.x))) return { compared, mismatch: `${at}: the inputs differ` };
        if (!bytes(q.y).equals(bytes(p.y))) return { compared, mismatch: `${at}: the targets differ` };
        compared += p.x.shape[0];
      } finally {
        tf.dispose([p.x, p.y, q.x, q.y]);
      }
    }
  }
  return { compared };
}
