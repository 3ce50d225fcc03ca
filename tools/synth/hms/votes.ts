// Expert votes for the synthetic HMS set: true class-probability vectors from (pattern, strength),
// annotator counts from the real data's two populations, multinomial votes, and expert_consensus.
import { Rng } from './rng';

/** Pattern prior (per EEG): the real expert_consensus shares over train.csv rows (20933, 14856, 16702, 16640, 18861, 18808 of 106,800). */
export const CLASS_PRIOR = [0.196, 0.139, 0.156, 0.156, 0.177, 0.176] as const;

/**
 * Where the votes that do not go to the true pattern go (rows: true class; columns: Seizure,
 * LPD, GPD, LRDA, GRDA, Other). Plausible confusions: LPD<->GPD, LRDA<->GRDA, Seizure<->LPD,
 * and "Other" for everything weak.
 */
export const CONFUSION: readonly (readonly number[])[] = [
  [0, 0.4, 0.15, 0.1, 0.05, 0.3], // Seizure
  [0.3, 0, 0.4, 0.1, 0, 0.2], // LPD
  [0.15, 0.45, 0, 0.05, 0.1, 0.25], // GPD
  [0.1, 0.15, 0, 0, 0.4, 0.35], // LRDA
  [0.05, 0, 0.1, 0.35, 0, 0.5], // GRDA
  [0.15, 0.15, 0.15, 0.2, 0.35, 0], // Other
];

/** Share of the true pattern's probability at strength s: 0.1 + 0.85 s, clipped to [0.1, 0.95]. */
export function clarity(strength: number): number {
  return Math.min(0.95, Math.max(0.1, 0.1 + 0.85 * strength));
}

/**
 * True class probabilities of a labelled window: clarity(s) on the true class, the rest spread
 * as 0.8 * CONFUSION[cls] + 0.2 * `jitter` (a per-EEG Dirichlet draw: annotators' idiosyncrasy
 * about this EEG, not visible in the signal).
 */
export function trueProbabilities(
  cls: number,
  strength: number,
  jitter: ArrayLike<number>,
  /** [intercept, slope] of the clarity line (variants); the default is {@link clarity}'s. */
  line?: readonly [number, number],
): Float64Array {
  const c = line ? Math.min(0.95, Math.max(0.05, line[0] + line[1] * strength)) : clarity(strength);
  const p = new Float64Array(6);
  let rest = 0;
  for (let k = 0; k < 6; k++) {
    p[k] = 0.8 * CONFUSION[cls][k] + 0.2 * jitter[k];
    rest += p[k];
  }
  for (let k = 0; k < 6; k++) p[k] = ((1 - c) * p[k]) / rest;
  p[cls] += c;
  return p;
}

/** The two annotator-count populations of the real data. */
export const LOW_COUNTS = [1, 2, 3, 4, 5, 6, 7];
export const LOW_WEIGHTS = [0.36, 0.24, 0.2, 0.08, 0.05, 0.04, 0.03];
export const HIGH_COUNTS = Array.from({ length: 19 }, (_, i) => 10 + i); // 10..28
export const HIGH_WEIGHTS = HIGH_COUNTS.map((n) => Math.exp(-((n - 14) ** 2) / (2 * 4 * 4)));
/** Share of EEGs whose windows were labelled by the many-annotator population. */
export const HIGH_SHARE = 0.35;

export function drawAnnotatorCount(rng: Rng, high: boolean): number {
  return high ? HIGH_COUNTS[rng.weighted(HIGH_WEIGHTS)] : LOW_COUNTS[rng.weighted(LOW_WEIGHTS)];
}

/**
 * expert_consensus: the class with the most votes; ties go to the first in class order
 * (Seizure, LPD, GPD, LRDA, GRDA, Other). The real data's tie rule is not published.
 */
export function consensus(votes: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < 6; k++) if (votes[k] > votes[best]) best = k;
  return best;
}

/**
 * Votes for the rows (windows) of one EEG: the first row draws n annotators from the EEG's
 * population and Multinomial(n, p_row) votes; each later row copies the previous row's votes
 * with probability 0.6 (as the real data often repeats an EEG's votes across its windows),
 * otherwise draws afresh (n near the EEG's count for the high population).
 */
export function drawEegVotes(rng: Rng, high: boolean, rowProbs: readonly Float64Array[], copyProb = 0.6): Int32Array[] {
  const base = drawAnnotatorCount(rng, high);
  const out: Int32Array[] = [];
  for (let r = 0; r < rowProbs.length; r++) {
    if (r > 0 && rng.bool(copyProb)) {
      out.push(out[r - 1].slice());
      continue;
    }
    const n = r === 0 ? base : high ? Math.min(28, Math.max(10, base + rng.intBetween(-2, 2))) : drawAnnotatorCount(rng, false);
    out.push(rng.multinomial(n, rowProbs[r]));
  }
  return out;
}
