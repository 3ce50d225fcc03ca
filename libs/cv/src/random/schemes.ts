/**
 * The generators the project has used, as schemes of the one `Rng`. Each keeps its historical
 * seeding and float conventions bit for bit, so no synthetic file, fold split or measured score
 * changed when they were merged here. New code should use `createRng`.
 */
import type { BitGenerator } from './bitGenerator';
import type { RngScheme } from './rng';
import { mulberry32 } from './mulberry32';
import { sfc32 } from './sfc32';
import { xoshiro128ss } from './xoshiro128ss';
import { deriveMixedSeed, foldSeed, hashInts, hashSeed, mixSeed, splitmix32 } from './seedMixing';

type Normal = RngScheme['normal'];
const OPEN_OPEN: Normal = { radius: 'open', angle: 'open' };
const OPEN_NEXT: Normal = { radius: 'open', angle: 'next' };
const NONZERO_NEXT: Normal = { radius: 'nonzero', angle: 'next' };

function scheme(name: string, floatBits: 32 | 53, normal: Normal, create: RngScheme['create']): RngScheme {
  return { name, floatBits, normal, create };
}

/** Stream key of a splitmix32-seeded scheme: none for the root stream; one label, or several hashed. */
function streamKey(labels: readonly number[], multiplier: number): number {
  if (labels.length === 0) return 0;
  const stream = labels.length === 1 ? labels[0] : hashInts(...labels);
  return Math.imul(stream + 1, multiplier);
}

function xoshiroFrom(state: number): BitGenerator {
  const sm = splitmix32(state);
  return xoshiro128ss(sm(), sm(), sm(), sm());
}

function sfc32From(state: number): BitGenerator {
  const sm = splitmix32(state);
  return sfc32(sm(), sm(), sm());
}

/** xoshiro128** seeded through splitmix32: fold splits (`createRng`) and the Ion Switching generator. */
export const XOSHIRO128SS_SPLITMIX = scheme('xoshiro128**/splitmix32', 53, OPEN_OPEN, (seed, labels) =>
  xoshiroFrom(foldSeed(seed) ^ streamKey(labels, 0x9e3779b9)));

/** xoshiro128** seeded through splitmix32 of the FNV hash of (seed, ...labels): the HMS generator. */
export const XOSHIRO128SS_HASHED = scheme('xoshiro128**/hashInts', 32, NONZERO_NEXT, (seed, labels) => xoshiroFrom(hashInts(seed, ...labels)));

/** sfc32 seeded through splitmix32 (safe-integer seeds only): the MoA generator. */
export const SFC32_SPLITMIX = scheme('sfc32/splitmix32', 32, OPEN_NEXT, (seed, labels) => {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`Rng: seed must be a safe integer, received ${String(seed)}`);
  return sfc32From(foldSeed(seed) ^ streamKey(labels, 0x632be5ab));
});

/** sfc32 seeded through `mixSeed`: the histogram forest (tree t is stream (seed, t)). */
export const SFC32_MIXSEED = scheme('sfc32/mixSeed', 32, OPEN_NEXT, (seed, labels) => {
  const s = deriveMixedSeed(seed, ...labels);
  return sfc32(mixSeed(s, 1), mixSeed(s, 2), mixSeed(s, 3));
});

/** mulberry32 started at the seed itself: QuantileTransformer's subsample. */
export const MULBERRY32 = scheme('mulberry32', 32, OPEN_NEXT, (seed, labels) => mulberry32(labels.length === 0 ? seed : hashSeed(seed, ...labels)));

/** mulberry32 started at `hashSeed(seed)`: the training loop (stream (seed, epoch) is `hashSeed(seed, epoch)` hashed again). */
export const MULBERRY32_HASHED = scheme('mulberry32/hashSeed', 32, OPEN_NEXT, (seed, labels) =>
  mulberry32(hashSeed(labels.length === 0 ? seed : hashSeed(seed, ...labels))));
