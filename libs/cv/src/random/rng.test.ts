import { Rng } from './rng';
import { MULBERRY32, MULBERRY32_HASHED, SFC32_MIXSEED, SFC32_SPLITMIX, XOSHIRO128SS_HASHED, XOSHIRO128SS_SPLITMIX } from './schemes';

const SCHEMES = [MULBERRY32, MULBERRY32_HASHED, SFC32_MIXSEED, SFC32_SPLITMIX, XOSHIRO128SS_HASHED, XOSHIRO128SS_SPLITMIX];

describe.each(SCHEMES.map((s) => [s.name, s] as const))('Rng on %s', (_name, scheme) => {
  it('restores a JSON checkpoint, a cached normal included', () => {
    const rng = new Rng(scheme, 11);
    for (let i = 0; i < 5; i++) rng.next();
    rng.normal();
    const saved = JSON.parse(JSON.stringify(rng.state()));
    const ahead = [rng.normal(), rng.next(), rng.int(100), rng.normal()];
    const other = new Rng(scheme, 99);
    other.restore(saved);
    expect([other.normal(), other.next(), other.int(100), other.normal()]).toEqual(ahead);
  });

  it('derives streams that depend on the labels only, not on what was drawn', () => {
    const a = new Rng(scheme, 5);
    const b = new Rng(scheme, 5);
    b.next();
    const xs = Array.from({ length: 8 }, () => a.derive(3).nextU32());
    expect(Array.from({ length: 8 }, () => b.derive(3).nextU32())).toEqual(xs);
    expect(a.derive(4).nextU32()).not.toBe(xs[0]);
    expect(a.derive(3, 1).nextU32()).not.toBe(a.derive(1, 3).nextU32());
    expect(a.derive(3).nextU32()).not.toBe(new Rng(scheme, 5).nextU32());
  });

  it('draws uniform floats in [0, 1), ints in [0, n) and in [lo, hi]', () => {
    const rng = new Rng(scheme, 7);
    const counts = new Array(10).fill(0);
    const between = new Set<number>();
    let [lo, hi] = [1, 0];
    for (let i = 0; i < 20000; i++) {
      const x = rng.next();
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
      counts[rng.int(10)]++;
      between.add(rng.intBetween(-2, 2));
    }
    expect(lo >= 0 && hi < 1).toBe(true);
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
    expect([...between].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
  });

  it('draws standard normals', () => {
    const rng = new Rng(scheme, 3);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('shuffles into a permutation and chooses distinct indices', () => {
    const rng = new Rng(scheme, 3);
    const a = rng.shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    const c = rng.choice(100, 30);
    expect(new Set(c).size).toBe(30);
    expect(Math.min(...c) >= 0 && Math.max(...c) < 100).toBe(true);
    expect(() => rng.choice(3, 4)).toThrow(/0 <= k <= n/);
  });

  it('draws an index in proportion to its weight', () => {
    const rng = new Rng(scheme, 1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30000; i++) counts[rng.weighted([1, 0, 2])]++;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[2] / counts[0] - 2)).toBeLessThan(0.1);
  });
});

describe('Rng.restore', () => {
  it("refuses another generator's state", () => {
    const state = new Rng(MULBERRY32, 1).state();
    expect(() => new Rng(SFC32_MIXSEED, 1).restore(state)).toThrow(/a mulberry32 state cannot be restored into a sfc32\/mixSeed generator/);
    expect(() => new Rng(MULBERRY32, 1).restore({ ...state, words: [1, 2] })).toThrow(/state must be 1 integer words/);
  });
});
