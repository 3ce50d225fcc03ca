/**
 * The MoA generator's random source: `Rng` of @repro/cv on sfc32 seeded through splitmix32
 * (Box-Muller normals), the same stream per seed as ever, so the files stay byte-identical.
 * Adds the two draws only this generator makes.
 */
import { Rng as SeededRandom, SFC32_SPLITMIX } from '@repro/cv';

export class Rng extends SeededRandom {
  /** `stream` separates independent streams from one seed (layout, model, features, labels...). */
  constructor(seed: number, stream = 0) {
    super(SFC32_SPLITMIX, seed, [stream]);
  }

  /** Student-t with 4 degrees of freedom (variance 2): Z / sqrt(chi2_4 / 4), chi2_4 = -2 ln(U1 U2). */
  studentT4(): number {
    const chi2 = -2 * Math.log(this.open() * this.open());
    return this.normal() / Math.sqrt(chi2 / 4);
  }

  /** `n` lowercase hex digits. */
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += this.nextU32().toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
}
