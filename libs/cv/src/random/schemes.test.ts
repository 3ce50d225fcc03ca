// Each scheme's first draws, recorded from the generator it replaced (libs/cv rng.ts, the forest's
// and the features' generators, the training loop's SeededRng, the three synthetic-data
// generators): a scheme that drifted would change fold splits, synthetic files and scores.
import { Rng, type RngScheme } from './rng';
import { createRng } from './createRng';
import { MULBERRY32, MULBERRY32_HASHED, SFC32_MIXSEED, SFC32_SPLITMIX, XOSHIRO128SS_HASHED, XOSHIRO128SS_SPLITMIX } from './schemes';
import { deriveMixedSeed } from './seedMixing';

const three = (f: () => number) => [f(), f(), f()];

describe('schemes keep the streams of the generators they replaced', () => {
  it.each<[string, () => Rng, 'next' | 'nextU32', number[]]>([
    ['createRng (cv folds)', () => createRng(42), 'next', [0.6606157226783409, 0.11170196412479017, 0.07910565008091508]],
    ['SFC32_MIXSEED (forest)', () => new Rng(SFC32_MIXSEED, 42), 'nextU32', [838480722, 2551077616, 3163042396]],
    ['MULBERRY32 (QuantileTransformer)', () => new Rng(MULBERRY32, 42), 'next', [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]],
    ['MULBERRY32_HASHED (training loop)', () => new Rng(MULBERRY32_HASHED, 42), 'next', [0.4037961766589433, 0.9061603990849108, 0.8167243080679327]],
    ['SFC32_SPLITMIX (MoA data)', () => new Rng(SFC32_SPLITMIX, 42, [4]), 'nextU32', [3693849689, 2317040787, 3503920349]],
    ['XOSHIRO128SS_HASHED (HMS data)', () => new Rng(XOSHIRO128SS_HASHED, 42, [2, 7]), 'nextU32', [1399893137, 1413866860, 2766338241]],
    ['XOSHIRO128SS_SPLITMIX (Ion Switching data)', () => new Rng(XOSHIRO128SS_SPLITMIX, 42, [1003]), 'nextU32', [3776494709, 2412521315, 2648394338]],
  ])('%s', (_name, make, draw, expected) => {
    const rng = make();
    expect(three(() => rng[draw]())).toEqual(expected);
  });

  it.each<[string, RngScheme, number[]]>([
    ['SFC32_SPLITMIX', SFC32_SPLITMIX, [-0.5444635757056072, -0.28811795859295225]],
    ['XOSHIRO128SS_HASHED', XOSHIRO128SS_HASHED, [2.638944860093645, 0.665054900431551]],
    ['XOSHIRO128SS_SPLITMIX', XOSHIRO128SS_SPLITMIX, [-0.540452842743875, 2.116136298041405]],
  ])("%s normals (each generator's own Box-Muller uniforms)", (_name, scheme, pair) => {
    const rng = new Rng(scheme, 7, [1]);
    expect([rng.normal(), rng.normal()]).toEqual(pair);
  });

  it("derives the forest's tree streams from (seed, tree)", () => {
    expect([0, 1, 2].map((t) => deriveMixedSeed(42, t))).toEqual([2168573444, 1363141113, 54142366]);
    expect(new Rng(SFC32_MIXSEED, 42, [1]).nextU32()).toBe(new Rng(SFC32_MIXSEED, deriveMixedSeed(42, 1)).nextU32());
  });

  it('refuses a non-integer seed where the generator always did', () => {
    expect(() => new Rng(SFC32_SPLITMIX, 1.5)).toThrow(/seed must be a safe integer, received 1.5/);
  });
});
