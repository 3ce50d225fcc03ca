import { createRng } from './createRng';

describe('createRng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = createRng(1);
    const b = createRng(1);
    const xs = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(xs);
    const c = createRng(2);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(xs);
  });

  it('draws roughly uniform floats in [0, 1) and ints in [0, n)', () => {
    const rng = createRng(7);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 20000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      counts[rng.int(10)]++;
    }
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });

  it('shuffles into a permutation', () => {
    const a = createRng(3).shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('rejects a non-integer seed', () => {
    expect(() => createRng(1.5)).toThrow(/seed must be a safe integer, received 1.5/);
  });
});
