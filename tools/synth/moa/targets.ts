/**
 * Targets: a long-tailed catalogue of mechanisms (206 scored + 402
 * non-scored), their assignment to drugs, and the per-row probabilities the
 * labels are drawn from. The probabilities are the ground truth: a drug's own
 * mechanisms are positive with probability q_d (0.95..0.99, per replicate),
 * every other target of a treated row with a small background rate b_j
 * (annotations no feature explains), control rows never.
 */
import { MOA_NONSCORED_TARGETS, MOA_SCORED_TARGETS } from '@repro/io';
import type { DrugPlan, MoaLayout, RowSet } from './layout';
import { Rng } from './rng';

export const TARGET_PARAMS = {
  /** Spread (log-normal sigma) of the scored mechanisms' popularity. */
  scoredWeightSigma: 1.2,
  /** Spread of the non-scored ones: longer tail, many never drawn. */
  nonscoredWeightSigma: 1.5,
  /** P(a small drug has 0, 1, 2, 3 scored mechanisms). */
  scoredPerDrug: [0.62, 0.345, 0.025, 0.01],
  /** P(a small drug has 0, 1, 2 non-scored mechanisms). */
  nonscoredPerDrug: [0.8, 0.17, 0.03],
  /** A drug's mechanisms are positive with probability U(lo, hi) per replicate row. */
  labelProb: [0.95, 0.99] as [number, number],
  /**
   * Expected background positives per treated row over all scored targets,
   * for rows of drugs without / with a scored mechanism of their own (real
   * rows mostly hold 0 or 1 positives). Spread over targets by popularity^backgroundPower.
   */
  scoredBackground: [0.55, 0.05] as [number, number],
  backgroundPower: 0.5,
  /** The same over the non-scored targets. */
  nonscoredBackground: 0.03,
  /** Scored mechanisms that kill cells (drive c- features down), as in the real data. */
  cytotoxic: [
    'proteasome_inhibitor', 'nfkb_inhibitor', 'hdac_inhibitor', 'tubulin_inhibitor', 'topoisomerase_inhibitor', 'cdk_inhibitor',
    'hsp_inhibitor', 'dna_inhibitor', 'dna_alkylating_agent', 'atpase_inhibitor', 'protein_synthesis_inhibitor',
    'rna_polymerase_inhibitor', 'aurora_kinase_inhibitor', 'mtor_inhibitor', 'pi3k_inhibitor', 'bcl_inhibitor', 'apoptosis_stimulant',
    'ribonucleoside_reductase_inhibitor', 'thymidylate_synthase_inhibitor', 'mdm_inhibitor', 'chk_inhibitor', 'atr_kinase_inhibitor',
  ],
  /**
   * The most common scored mechanisms among the real train set's small drugs, most common first
   * (nfkb/proteasome top the real counts only through one 718-row drug: the first large drug here).
   */
  common: [
    'cyclooxygenase_inhibitor', 'dopamine_receptor_antagonist', 'serotonin_receptor_antagonist',
    'dna_inhibitor', 'glutamate_receptor_antagonist', 'adrenergic_receptor_antagonist', 'cdk_inhibitor', 'egfr_inhibitor',
    'tubulin_inhibitor', 'pdgfr_inhibitor', 'calcium_channel_blocker', 'histamine_receptor_antagonist', 'acetylcholine_receptor_antagonist',
    'hdac_inhibitor', 'kit_inhibitor', 'phosphodiesterase_inhibitor', 'estrogen_receptor_agonist', 'flt3_inhibitor',
  ],
};

/** One mechanism: a target column (scored first, then non-scored). */
export interface Mechanism {
  name: string;
  scored: boolean;
  /** Popularity: how often drugs are drawn with it. */
  weight: number;
  /** Cytotoxicity (0 for most). */
  toxicity: number;
}

export interface DrugTargets {
  /** Mechanism indices (into the catalogue: scored 0..205, non-scored 206..607). */
  mechanisms: number[];
  /** P(label = 1) for each of its mechanisms on each of its treated rows. */
  labelProb: number;
}

export interface TargetModel {
  mechanisms: Mechanism[];
  nScored: number;
  nNonscored: number;
  /** Background rate of each mechanism on treated rows of drugs without a scored mechanism. */
  background: Float64Array;
  /** The same for rows of drugs with one. */
  backgroundWithMechanism: Float64Array;
  drugs: DrugTargets[];
}

function drawCount(rng: Rng, probs: readonly number[]): number {
  return rng.weighted(probs, probs.reduce((a, b) => a + b, 0));
}

/** `k` distinct indices in [from, to) drawn by weight, avoiding `taken`. */
function drawDistinct(rng: Rng, weights: Float64Array, from: number, to: number, k: number, taken: number[]): number[] {
  const out = [...taken];
  for (let t = 0; t < k; t++) {
    let total = 0;
    for (let j = from; j < to; j++) if (!out.includes(j)) total += weights[j];
    let u = rng.next() * total;
    let pick = -1;
    for (let j = from; j < to; j++) {
      if (out.includes(j)) continue;
      pick = j;
      u -= weights[j];
      if (u < 0) break;
    }
    out.push(pick);
  }
  return out;
}

/** The catalogue and each drug's mechanisms; deterministic in the seed. */
export function buildTargetModel(layout: MoaLayout, seed: number, P: typeof TARGET_PARAMS = TARGET_PARAMS): TargetModel {
  const rng = new Rng(seed, 2);
  const nScored = MOA_SCORED_TARGETS.length;
  const nNonscored = MOA_NONSCORED_TARGETS.length;
  const nMech = nScored + nNonscored;

  // Popularity: log-normal draws, the largest given to the real-data favourites.
  const scoredW = Array.from({ length: nScored }, () => Math.exp(P.scoredWeightSigma * rng.normal())).sort((a, b) => b - a);
  const commonIdx = P.common.map((n) => MOA_SCORED_TARGETS.indexOf(n)).filter((j) => j >= 0);
  const rest = rng.shuffle(Array.from({ length: nScored }, (_, j) => j).filter((j) => !commonIdx.includes(j)));
  const weight = new Float64Array(nMech);
  [...commonIdx, ...rest].forEach((j, rank) => (weight[j] = scoredW[rank]));
  for (let j = nScored; j < nMech; j++) weight[j] = Math.exp(P.nonscoredWeightSigma * rng.normal());

  const cytotoxic = new Set(P.cytotoxic);
  const mechanisms: Mechanism[] = [];
  for (let j = 0; j < nMech; j++) {
    const scored = j < nScored;
    const name = scored ? MOA_SCORED_TARGETS[j] : MOA_NONSCORED_TARGETS[j - nScored];
    let toxicity = 0;
    if (cytotoxic.has(name)) toxicity = rng.uniform(1, 3);
    else if (rng.next() < 0.05) toxicity = rng.uniform(0.2, 1);
    mechanisms.push({ name, scored, weight: weight[j], toxicity });
  }

  const spread = weight.map((w) => w ** P.backgroundPower);
  const sumW = (a: number, b: number): number => spread.subarray(a, b).reduce((s, x) => s + x, 0);
  const wS = sumW(0, nScored);
  const wN = sumW(nScored, nMech);
  const rates = (scoredTotal: number): Float64Array =>
    Float64Array.from(spread, (w, j) => (j < nScored ? (scoredTotal * w) / wS : (P.nonscoredBackground * w) / wN));
  const background = rates(P.scoredBackground[0]);
  const backgroundWithMechanism = rates(P.scoredBackground[1]);

  const drugs: DrugTargets[] = layout.drugs.map(() => ({ mechanisms: [], labelProb: 0 }));
  const largeIdx = layout.drugs.map((d, i) => (d.kind === 'large' ? i : -1)).filter((i) => i >= 0);
  largeIdx.forEach((di, k) => {
    const mech =
      k === 0
        ? ['proteasome_inhibitor', 'nfkb_inhibitor'].map((n) => MOA_SCORED_TARGETS.indexOf(n)) // like the real 718-row drug
        : [commonIdx[rng.int(commonIdx.length)]];
    drugs[di] = { mechanisms: mech, labelProb: rng.uniform(...P.labelProb) };
  });

  const small = layout.drugs.map((d, i) => (d.kind === 'small' ? i : -1)).filter((i) => i >= 0);
  const counts = new Map(small.map((di) => [di, drawCount(rng, P.scoredPerDrug)]));
  // Every scored target gets at least one train drug when there are enough drugs for it (as in the real data).
  const trainWithMech = rng.shuffle(small.filter((di) => layout.drugs[di].nTrain > 0 && counts.get(di)! > 0));
  const forced = new Map<number, number>();
  if (trainWithMech.length >= 2 * nScored) for (let j = 0; j < nScored; j++) forced.set(trainWithMech[j], j);
  for (const di of small) {
    const k = counts.get(di)!;
    const first = forced.has(di) ? [forced.get(di)!] : [];
    const scored = drawDistinct(rng, weight, 0, nScored, k - first.length, first);
    const nonscored = drawDistinct(rng, weight, nScored, nMech, drawCount(rng, P.nonscoredPerDrug), []);
    drugs[di] = { mechanisms: [...scored, ...nonscored], labelProb: rng.uniform(...P.labelProb) };
  }
  return { mechanisms, nScored, nNonscored, background, backgroundWithMechanism, drugs };
}

/**
 * True P(label = 1) for every row and target of one split: row-major
 * rows x (nScored + nNonscored). Control rows are all 0.
 */
export function rowProbabilities(model: TargetModel, layoutDrugs: DrugPlan[], rows: RowSet): Float32Array {
  const nMech = model.mechanisms.length;
  const n = rows.sigIds.length;
  const P = new Float32Array(n * nMech);
  for (let i = 0; i < n; i++) {
    const di = rows.drug[i];
    if (layoutDrugs[di].kind === 'ctl') continue;
    const row = P.subarray(i * nMech, (i + 1) * nMech);
    const d = model.drugs[di];
    row.set(d.mechanisms.some((j) => j < model.nScored) ? model.backgroundWithMechanism : model.background);
    for (const j of d.mechanisms) row[j] = d.labelProb;
  }
  return P;
}

/** Labels drawn from the probabilities (row-major, same shape), one uniform per entry in row-major order. */
export function drawLabels(P: Float32Array, rng: Rng): Uint8Array {
  const Y = new Uint8Array(P.length);
  for (let i = 0; i < P.length; i++) {
    const u = rng.next();
    Y[i] = P[i] > 0 && u < P[i] ? 1 : 0;
  }
  return Y;
}
