/**
 * Features from latent pathways. Each mechanism perturbs a sparse set of
 * pathways; a drug's effect is the sum of its mechanisms' vectors plus a
 * drug-specific deviation, scaled by its potency and by the row's dose (D2
 * stronger) and time. Genes g-0..g-771 are a low-rank (sparse loading)
 * read-out of the pathway activities plus a viability term and heavy-tailed
 * Student-t noise; cells c-0..c-100 follow one shared viability factor
 * (cytotoxic drugs push them all down), so they are strongly correlated, and
 * are clipped to [-10, 6] like the real values.
 */
import { MOA_KAGGLE } from '@repro/io';
import type { DrugPlan, RowSet } from './layout';
import { Rng } from './rng';
import type { TargetModel } from './targets';

export const LATENT_PARAMS = {
  pathways: 48,
  /** Each gene loads on 3..5 pathways with N(0, loadingSd^2) weights. */
  loadingsPerGene: [3, 5] as [number, number],
  loadingSd: 0.55,
  /** Each mechanism moves 3..6 pathways by strength U(lo, hi) x U(0.6, 1.2), random sign. */
  pathwaysPerMechanism: [3, 6] as [number, number],
  mechanismStrength: [1.5, 3.5] as [number, number],
  /** Drug-specific deviation from its mechanisms' signature, per pathway. */
  drugDeviationSd: 0.5,
  /** log-normal sigma of drug potency. */
  potencySigma: 0.45,
  /** Row-level pathway noise (biological variation). */
  pathwayNoiseSd: 1.0,
  /** Effect multipliers by dose (D1, D2) and time (24, 48, 72 h). */
  doseEffect: [0.65, 1.0],
  timeEffect: [0.75, 1.0, 1.15],
  /** Cytotoxicity multipliers by time: killing accumulates. */
  timeToxicity: [0.6, 1.0, 1.35],
  /** Viability = -toxicityScale x toxicity x dose x time + N(0, viabilityNoiseSd^2). */
  toxicityScale: 3.0,
  viabilityNoiseSd: 0.45,
  /** Pathway shift shared by all rows of one cp_time (plate/time batch effect). */
  timeBatchSd: 0.25,
  /** Per-gene noise scale: U(lo, hi) x Student-t(4). */
  geneNoise: [0.3, 0.55] as [number, number],
  geneViabilitySd: 0.25,
  geneOffsetSd: 0.15,
  /** Cells: loading U(lo, hi) on viability plus cellNoise x Student-t(4). */
  cellLoading: [0.6, 1.2] as [number, number],
  /** A second, weaker row factor (proliferation) on which cells load N(0, cellSecondSd^2). */
  cellSecondSd: 0.5,
  cellNoise: 0.4,
  geneClip: [-10, 10] as [number, number],
  cellClip: [-10, 6] as [number, number],
};

export interface LatentModel {
  K: number;
  /** Dense pathway -> gene loadings, K x 772 (row-major; mostly zeros). */
  geneLoadings: Float32Array;
  /** Sparse form of the same: for gene g, loadIdx/loadW[loadStart[g]..loadStart[g+1]). */
  loadStart: Int32Array;
  loadIdx: Int32Array;
  loadW: Float64Array;
  geneOffset: Float64Array;
  geneNoise: Float64Array;
  geneViability: Float64Array;
  cellLoading: Float64Array;
  cellSecond: Float64Array;
  /** Mechanism -> pathway vectors, nMechanisms x K (row-major). */
  mechanismPathways: Float32Array;
  timeBatch: Float64Array;
  /** Per drug: potency, toxicity and its full pathway effect (K each, before dose/time). */
  drugPotency: Float64Array;
  drugToxicity: Float64Array;
  drugEffect: Float64Array;
}

function intIn(rng: Rng, [lo, hi]: [number, number]): number {
  return lo + rng.int(hi - lo + 1);
}

/** Agonist/antagonist pairs on the same receptor share pathways with opposite signs. */
function opposite(name: string): string | null {
  if (name.endsWith('_antagonist')) return name.slice(0, -'_antagonist'.length) + '_agonist';
  return null;
}

export function buildLatentModel(targets: TargetModel, drugs: DrugPlan[], seed: number, L: typeof LATENT_PARAMS = LATENT_PARAMS): LatentModel {
  const rng = new Rng(seed, 3);
  const K = L.pathways;
  const G = MOA_KAGGLE.genes;
  const C = MOA_KAGGLE.cells;

  const geneLoadings = new Float32Array(K * G);
  const loadStart = new Int32Array(G + 1);
  const idx: number[] = [];
  const w: number[] = [];
  for (let g = 0; g < G; g++) {
    loadStart[g] = idx.length;
    const k = intIn(rng, L.loadingsPerGene);
    const picked: number[] = [];
    while (picked.length < k) {
      const p = rng.int(K);
      if (!picked.includes(p)) picked.push(p);
    }
    for (const p of picked.sort((a, b) => a - b)) {
      const v = L.loadingSd * rng.normal();
      idx.push(p);
      w.push(v);
      geneLoadings[p * G + g] = v;
    }
  }
  loadStart[G] = idx.length;
  const geneOffset = Float64Array.from({ length: G }, () => L.geneOffsetSd * rng.normal());
  const geneNoise = Float64Array.from({ length: G }, () => rng.uniform(...L.geneNoise));
  const geneViability = Float64Array.from({ length: G }, () => L.geneViabilitySd * rng.normal());
  const cellLoading = Float64Array.from({ length: C }, () => rng.uniform(...L.cellLoading));
  const cellSecond = Float64Array.from({ length: C }, () => L.cellSecondSd * rng.normal());
  const timeBatch = Float64Array.from({ length: 3 * K }, () => L.timeBatchSd * rng.normal());

  const nMech = targets.mechanisms.length;
  const mechanismPathways = new Float32Array(nMech * K);
  const byName = new Map(targets.mechanisms.map((m, j) => [m.name, j]));
  for (let j = 0; j < nMech; j++) {
    const strength = rng.uniform(...L.mechanismStrength);
    const k = intIn(rng, L.pathwaysPerMechanism);
    for (let t = 0; t < k; t++) {
      const p = rng.int(K);
      mechanismPathways[j * K + p] += (rng.next() < 0.5 ? -1 : 1) * strength * rng.uniform(0.6, 1.2);
    }
  }
  for (let j = 0; j < nMech; j++) {
    const other = opposite(targets.mechanisms[j].name);
    const o = other === null ? undefined : byName.get(other);
    if (o === undefined) continue;
    for (let p = 0; p < K; p++) mechanismPathways[j * K + p] = -mechanismPathways[o * K + p];
  }

  const nDrugs = drugs.length;
  const drugPotency = new Float64Array(nDrugs);
  const drugToxicity = new Float64Array(nDrugs);
  const drugEffect = new Float64Array(nDrugs * K);
  for (let d = 0; d < nDrugs; d++) {
    if (drugs[d].kind === 'ctl') continue;
    const potency = Math.exp(L.potencySigma * rng.normal());
    drugPotency[d] = potency;
    let tox = 0;
    for (const j of targets.drugs[d].mechanisms) tox = Math.max(tox, targets.mechanisms[j].toxicity);
    if (tox === 0 && rng.next() < 0.03) tox = rng.uniform(0.2, 1.5); // an unannotated cytotoxic compound
    drugToxicity[d] = tox * rng.uniform(0.7, 1.3) * Math.sqrt(potency);
    for (let p = 0; p < K; p++) {
      let e = L.drugDeviationSd * rng.normal();
      for (const j of targets.drugs[d].mechanisms) e += mechanismPathways[j * K + p];
      drugEffect[d * K + p] = potency * e;
    }
  }
  return {
    K,
    geneLoadings,
    loadStart,
    loadIdx: Int32Array.from(idx),
    loadW: Float64Array.from(w),
    geneOffset,
    geneNoise,
    geneViability,
    cellLoading,
    cellSecond,
    mechanismPathways,
    timeBatch,
    drugPotency,
    drugToxicity,
    drugEffect,
  };
}

/** Round to 4 decimals (what the CSV holds), never -0. */
function q4(v: number): number {
  const r = Math.round(v * 1e4) / 1e4;
  return r === 0 ? 0 : r;
}

/**
 * Genes and cells of one split, column-major (column c of row i at c * n + i),
 * already rounded to the 4 decimals written to the CSV.
 */
export function synthesizeFeatures(
  model: LatentModel,
  drugs: DrugPlan[],
  rows: RowSet,
  rng: Rng,
  L: typeof LATENT_PARAMS = LATENT_PARAMS,
): { genes: Float32Array; cells: Float32Array } {
  const { K } = model;
  const G = MOA_KAGGLE.genes;
  const C = MOA_KAGGLE.cells;
  const n = rows.sigIds.length;
  const genes = new Float32Array(n * G);
  const cells = new Float32Array(n * C);
  const z = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const d = rows.drug[i];
    const t = rows.time[i];
    const ctl = drugs[d].kind === 'ctl';
    const f = ctl ? 0 : L.doseEffect[rows.dose[i]] * L.timeEffect[t];
    for (let p = 0; p < K; p++) z[p] = f * model.drugEffect[d * K + p] + model.timeBatch[t * K + p] + L.pathwayNoiseSd * rng.normal();
    const tox = ctl ? 0 : model.drugToxicity[d] * L.doseEffect[rows.dose[i]] * L.timeToxicity[t];
    const v = -L.toxicityScale * tox + L.viabilityNoiseSd * rng.normal();
    const u = rng.normal();
    for (let g = 0; g < G; g++) {
      let x = model.geneOffset[g] + model.geneViability[g] * v + model.geneNoise[g] * rng.studentT4();
      for (let s = model.loadStart[g]; s < model.loadStart[g + 1]; s++) x += model.loadW[s] * z[model.loadIdx[s]];
      genes[g * n + i] = q4(Math.min(L.geneClip[1], Math.max(L.geneClip[0], x)));
    }
    for (let c = 0; c < C; c++) {
      const x = model.cellLoading[c] * v + model.cellSecond[c] * u + L.cellNoise * rng.studentT4();
      cells[c * n + i] = q4(Math.min(L.cellClip[1], Math.max(L.cellClip[0], x)));
    }
  }
  return { genes, cells };
}
