/**
 * The project's one seeded random source. Every library and tool draws through `Rng` (uniform,
 * int, normal, shuffle, weighted index, choice without replacement, `state()`/`restore()` for
 * checkpoints, `derive(label)` for independent streams); its bits come from one of the three
 * generators the project has always used (xoshiro128**, sfc32, mulberry32), each with the seeding
 * it had (`schemes.ts`), so every seed still gives the same stream.
 *
 * Not pure-rand (which jest already brings in): it offers mersenne, LCG, xorshift128+ and
 * xoroshiro128+, none of these three, so using it would change every synthetic data byte and every
 * score measured on those sets in the READMEs. With one interface, a later switch is one place.
 */
export type { BitGenerator } from './bitGenerator';
export { xoshiro128ss } from './xoshiro128ss';
export { sfc32 } from './sfc32';
export { mulberry32 } from './mulberry32';
export { deriveMixedSeed, foldSeed, hashInts, hashSeed, mixSeed, splitmix32 } from './seedMixing';
export type { RngScheme, RngState, Shuffleable } from './rng';
export { Rng } from './rng';
export { MULBERRY32, MULBERRY32_HASHED, SFC32_MIXSEED, SFC32_SPLITMIX, XOSHIRO128SS_HASHED, XOSHIRO128SS_SPLITMIX } from './schemes';
export { createRng } from './createRng';
