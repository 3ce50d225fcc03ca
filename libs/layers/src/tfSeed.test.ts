import { initBackend, tf } from './backend';
import { tfSeed } from './tfSeed';

describe('tfSeed', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: null });
  });

  it('passes seeds through but 0, which tfjs reads as no seed', () => {
    expect([tfSeed(1), tfSeed(42), tfSeed(-3), tfSeed(undefined)]).toEqual([1, 42, -3, undefined]);
    expect(tfSeed(0)).toBe(2 ** 31 - 1);
  });

  it('makes a normal initializer with seed 0 draw the same weights every time (tfjs alone does not)', () => {
    const draw = (seed: number) => tf.initializers.glorotNormal({ seed }).apply([64, 8]).dataSync();
    expect(Array.from(draw(0))).not.toEqual(Array.from(draw(0)));
    expect(Array.from(draw(tfSeed(0)))).toEqual(Array.from(draw(tfSeed(0))));
    expect(Array.from(draw(tfSeed(5)))).toEqual(Array.from(draw(5)));
  });
});
