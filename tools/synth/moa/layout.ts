/**
 * Which rows exist: drugs, their replicate rows over cp_time x cp_dose, the
 * control rows, sig_ids and drug ids. Cheap (no features), so tests can check
 * the kaggle-scale layout without generating it.
 */
import { MOA_CP_TIMES, MOA_CTL_DRUG_ID, MOA_KAGGLE, type Scale } from '@repro/io';
import { Rng } from './rng';

export interface MoaScaleSpec {
  trainRows: number;
  testRows: number;
  /** Drugs with far more than 18 rows (the real set has ~8 with 178..718 rows besides the controls). */
  largeDrugs: number;
}

export const MOA_SCALES: Record<Scale, MoaScaleSpec> = {
  smoke: { trainRows: 240, testRows: 60, largeDrugs: 2 },
  default: { trainRows: 3000, testRows: 600, largeDrugs: 4 },
  kaggle: { trainRows: MOA_KAGGLE.trainRows, testRows: MOA_KAGGLE.testRows, largeDrugs: 8 },
};

/** Row counts of the real large drugs (train), as fractions of 23,814 rows. */
const LARGE_DRUG_ROWS = [718, 246, 203, 202, 196, 194, 186, 178];
/** Large drugs have at least this many rows at any scale, so the drug-aware CV's row-wise path is exercised. */
export const MIN_LARGE_DRUG_ROWS = 24;

/** Replicate-row counts of the small drugs and how often each occurs (real: mostly 6, then 12, some 18, a few odd). */
const SMALL_SIZES = [6, 12, 18, 7, 8, 5, 4, 3, 2, 1, 9, 10, 11];
const SMALL_SIZE_WEIGHTS = [0.84, 0.08, 0.025, 0.012, 0.01, 0.006, 0.006, 0.004, 0.004, 0.004, 0.003, 0.003, 0.003];

export type DrugKind = 'ctl' | 'large' | 'small';

export interface DrugPlan {
  id: string;
  kind: DrugKind;
  nTrain: number;
  nTest: number;
}

export interface RowSet {
  sigIds: string[];
  /** Index into `drugs`. */
  drug: Int32Array;
  /** Index into MOA_CP_TIMES (0: 24 h, 1: 48 h, 2: 72 h). */
  time: Uint8Array;
  /** Index into MOA_CP_DOSES (0: D1, 1: D2). */
  dose: Uint8Array;
}

export interface MoaLayout {
  scale: Scale;
  spec: MoaScaleSpec;
  /** drugs[0] is the control drug (ctl_vehicle rows); then the large drugs; then the small ones. */
  drugs: DrugPlan[];
  /** Rows in file order (sorted by sig_id, like the real files). */
  train: RowSet;
  test: RowSet;
}

function uniqueHex(rng: Rng, n: number, prefix: string, taken: Set<string>): string {
  for (;;) {
    const id = prefix + rng.hex(n);
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

function smallSizes(rng: Rng, rows: number): number[] {
  const total = SMALL_SIZE_WEIGHTS.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  let left = rows;
  while (left > 0) {
    const s = Math.min(left, SMALL_SIZES[rng.weighted(SMALL_SIZE_WEIGHTS, total)]);
    out.push(s);
    left -= s;
  }
  return out;
}

/** The drugs and rows of a data set; deterministic in (scale, seed). */
export function planMoaLayout(scale: Scale, seed: number): MoaLayout {
  const spec = MOA_SCALES[scale];
  if (!spec) throw new RangeError(`planMoaLayout: unknown scale '${scale}' (expected smoke, default or kaggle)`);
  const rng = new Rng(seed, 1);
  const ctlTrain = Math.round((spec.trainRows * MOA_KAGGLE.trainCtlRows) / MOA_KAGGLE.trainRows);
  const ctlTest = Math.round((spec.testRows * MOA_KAGGLE.testCtlRows) / MOA_KAGGLE.testRows);
  const testShare = spec.testRows / spec.trainRows;

  const drugIds = new Set<string>([MOA_CTL_DRUG_ID]);
  const drugs: DrugPlan[] = [{ id: MOA_CTL_DRUG_ID, kind: 'ctl', nTrain: ctlTrain, nTest: ctlTest }];
  let trainLeft = spec.trainRows - ctlTrain;
  let testLeft = spec.testRows - ctlTest;
  for (let k = 0; k < spec.largeDrugs; k++) {
    const nTrain = Math.max(MIN_LARGE_DRUG_ROWS, Math.round((LARGE_DRUG_ROWS[k % LARGE_DRUG_ROWS.length] / MOA_KAGGLE.trainRows) * spec.trainRows));
    const nTest = Math.max(2, Math.round(nTrain * testShare));
    drugs.push({ id: uniqueHex(rng, 9, '', drugIds), kind: 'large', nTrain, nTest });
    trainLeft -= nTrain;
    testLeft -= nTest;
  }
  if (trainLeft < 6 || testLeft < 6) throw new RangeError(`planMoaLayout: scale '${scale}' leaves too few rows for small drugs`);
  // Small drugs are either train or test drugs: test drugs are unseen in train, as the drug-aware CV assumes.
  for (const s of smallSizes(rng, trainLeft)) drugs.push({ id: uniqueHex(rng, 9, '', drugIds), kind: 'small', nTrain: s, nTest: 0 });
  for (const s of smallSizes(rng, testLeft)) drugs.push({ id: uniqueHex(rng, 9, '', drugIds), kind: 'small', nTrain: 0, nTest: s });

  const sigIds = new Set<string>();
  const rows = (split: 'nTrain' | 'nTest'): RowSet => {
    const total = drugs.reduce((a, d) => a + d[split], 0);
    const ids: string[] = new Array(total);
    const drug = new Int32Array(total);
    const combo = new Uint8Array(total);
    let r = 0;
    drugs.forEach((d, di) => {
      // Replicates spread over the 6 cp_time x cp_dose combinations, round robin from a shuffled order.
      const order = rng.shuffle([0, 1, 2, 3, 4, 5]);
      for (let k = 0; k < d[split]; k++, r++) {
        ids[r] = uniqueHex(rng, 9, 'id_', sigIds);
        drug[r] = di;
        combo[r] = d.kind === 'ctl' ? rng.int(6) : order[k % 6];
      }
    });
    // File order: sorted by sig_id, as in the real files.
    const perm = Array.from({ length: total }, (_, i) => i).sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
    const out: RowSet = { sigIds: new Array(total), drug: new Int32Array(total), time: new Uint8Array(total), dose: new Uint8Array(total) };
    perm.forEach((src, i) => {
      out.sigIds[i] = ids[src];
      out.drug[i] = drug[src];
      out.time[i] = Math.floor(combo[src] / 2) % MOA_CP_TIMES.length;
      out.dose[i] = combo[src] % 2;
    });
    return out;
  };
  const train = rows('nTrain');
  const test = rows('nTest');
  return { scale, spec, drugs, train, test };
}
