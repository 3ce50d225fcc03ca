/**
 * The training loop's generator: `Rng` of @repro/cv on mulberry32, whose whole state is one
 * uint32, so a checkpoint stores it in JSON and a resumed run draws the very same numbers
 * (Math.random cannot be seeded or saved). Nearby seeds are spread by `hashSeed`.
 */
import { hashSeed, MULBERRY32_HASHED, Rng } from '@repro/cv';

export { hashSeed };

export class SeededRng extends Rng {
  constructor(seed: number) {
    super(MULBERRY32_HASHED, seed);
  }

  /** The state, for checkpoints: one uint32. */
  getState(): number {
    return this.state().words[0];
  }

  setState(state: number): void {
    this.restore({ scheme: this.scheme.name, words: [state >>> 0], spare: null });
  }
}

/** A permutation of 0..n-1 drawn from `rng`. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return rng.shuffle(p);
}
