import { initBackend, tf } from '../backend';
import { roundTrip } from '../blocks/testing';
import { SeededDropout, seededDropout } from './seededDropout';

describe('SeededDropout', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: null });
  });

  const masks = (layer: SeededDropout, x: tf.Tensor, n: number) =>
    Array.from({ length: n }, () => Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync()).map((v) => (v === 0 ? 0 : 1)));

  it('draws a new mask every call, the same sequence for the same seed, scaled by 1/(1-rate)', () => {
    const x = tf.ones([4, 50]);
    const a = masks(seededDropout({ rate: 0.3, seed: 9 }), x, 3);
    const b = masks(seededDropout({ rate: 0.3, seed: 9 }), x, 3);
    expect(a).toEqual(b);
    expect(a[1]).not.toEqual(a[0]);
    expect(a[2]).not.toEqual(a[1]);
    const kept = a.flat().reduce((s: number, v) => s + v, 0) / a.flat().length;
    expect(kept).toBeGreaterThan(0.6);
    expect(kept).toBeLessThan(0.8);
    const y = (seededDropout({ rate: 0.3, seed: 1 }).apply(x, { training: true }) as tf.Tensor).dataSync();
    for (const v of y) expect([0, 1 / 0.7].map((w) => Math.abs(w - v) < 1e-6)).toContain(true);
    // tfjs' own Dropout with a seed repeats its mask: the reason for this layer.
    const stock = tf.layers.dropout({ rate: 0.3, seed: 9 });
    const s1 = (stock.apply(x, { training: true }) as tf.Tensor).dataSync();
    const s2 = (stock.apply(x, { training: true }) as tf.Tensor).dataSync();
    expect(Array.from(s2)).toEqual(Array.from(s1));
    tf.dispose(x);
  });

  it('is the identity at inference and round-trips through a saved model', async () => {
    const inp = tf.input({ shape: [6] });
    const m = tf.model({ inputs: inp, outputs: seededDropout({ rate: 0.5, seed: 3, name: 'd' }).apply(inp) as tf.SymbolicTensor });
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6]]);
    expect(Array.from((m.predict(x) as tf.Tensor).dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    const loaded = await roundTrip(m);
    expect(loaded.getLayer('d').getConfig()).toEqual(m.getLayer('d').getConfig());
    expect(() => seededDropout({ rate: 1 })).toThrow(/rate must be a number in \[0, 1\)/);
    expect(() => seededDropout({ rate: 0.1, seed: 1.5 })).toThrow(/seed must be an integer/);
    tf.dispose(x);
  });
});
