// Blending HMS runs (hms-wavenet's and hms-efficientnet's, read as files): each run folder
// offers oof.npy (n x 6) with its eeg_ids (oof_eeg_ids.npy) and a submission.csv; weights
// (non-negative, summing to 1) are chosen on the out-of-fold KL divergence over the eeg_ids every
// member predicted, so the blend is never worse than the best member on those rows, and the
// members' submissions are blended with the same weights.
import * as fs from 'fs';
import * as path from 'path';
import { DataError, HMS_VOTE_COLUMNS, loadNpy, readCsvColumns, saveNpy, writeHmsSubmission, writeJson } from '@repro/io';
import { klDivergenceScore } from '@repro/metrics';
import { blendPredictions, optimizeBlendWeights } from './blendWeights';

export interface HmsBlendMember {
  name: string;
  dir: string;
  /** eegIds.length x 6, NaN where the member has no out-of-fold prediction. */
  oof: Float32Array;
  /** The member's submission: eeg_ids and row-major probabilities. */
  testIds: Float64Array;
  test: Float32Array;
}

export interface HmsBlendOptions {
  /**
   * Accept a run without oof_eeg_ids.npy when its oof.npy has one row per train eeg_id, taken in
   * eegIds order (the seeds' order: train.csv grouped by ascending eeg_id).
   */
  implicitIds?: boolean;
}

const ID_FILES = ['oof_eeg_ids.npy', 'eeg_ids.npy'];

/** Rows of a row-major n x 6 array scaled to sum to 1, in place. */
function normalizeRows(p: Float32Array): Float32Array {
  for (let i = 0; i < p.length; i += 6) {
    let s = 0;
    for (let k = 0; k < 6; k++) s += p[i + k];
    for (let k = 0; k < 6; k++) p[i + k] /= s;
  }
  return p;
}

/** An HMS submission.csv: eeg_id and the six vote columns. */
export async function readHmsSubmission(file: string): Promise<{ ids: Float64Array; probs: Float32Array }> {
  const cols = Object.fromEntries([['eeg_id', 'float64'], ...HMS_VOTE_COLUMNS.map((c) => [c, 'float64'])]) as Record<string, 'float64'>;
  const t = await readCsvColumns(file, { columns: cols });
  const probs = new Float32Array(t.nRows * 6);
  HMS_VOTE_COLUMNS.forEach((c, k) => {
    const col = t.columns[c] as Float64Array;
    for (let i = 0; i < t.nRows; i++) probs[i * 6 + k] = col[i];
  });
  return { ids: t.columns.eeg_id as Float64Array, probs };
}

/** One run folder as a blend member over the train eeg_ids, or the reason it cannot be one. */
export async function loadHmsBlendMember(name: string, dir: string, eegIds: ArrayLike<number>, options: HmsBlendOptions = {}): Promise<HmsBlendMember | string> {
  const oofFile = path.join(dir, 'oof.npy');
  if (!fs.existsSync(oofFile)) return 'no oof.npy (training not finished, or not a training run)';
  const sub = path.join(dir, 'submission.csv');
  if (!fs.existsSync(sub)) return 'no submission.csv (run infer for it first)';
  const { data, shape } = loadNpy(oofFile);
  if (shape.length !== 2 || shape[1] !== 6) return `oof.npy has shape [${shape}], expected [n, 6]`;
  const idFile = ID_FILES.map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  let ids: ArrayLike<number>;
  if (idFile) ids = loadNpy(idFile).data;
  else if (options.implicitIds && shape[0] === eegIds.length) ids = eegIds;
  else return `no ${ID_FILES.join(' / ')} next to oof.npy${options.implicitIds ? ` and ${shape[0]} rows != ${eegIds.length} eeg_ids` : ''}`;
  if (ids.length !== shape[0]) return `${path.basename(idFile!)} has ${ids.length} ids for ${shape[0]} oof rows`;
  const rowOf = new Map<number, number>();
  for (let r = 0; r < eegIds.length; r++) rowOf.set(eegIds[r], r);
  const oof = new Float32Array(eegIds.length * 6).fill(NaN);
  for (let i = 0; i < ids.length; i++) {
    const r = rowOf.get(Number(ids[i]));
    if (r === undefined) return `eeg_id ${ids[i]} of its OOF is not in this data's train.csv`;
    for (let k = 0; k < 6; k++) oof[r * 6 + k] = data[i * 6 + k];
  }
  const s = await readHmsSubmission(sub);
  return { name, dir, oof, testIds: s.ids, test: s.probs };
}

export interface HmsBlendArgs extends HmsBlendOptions {
  /** Run folders to try, by display name. */
  candidates: { name: string; dir: string }[];
  /** train.csv's eeg_ids, one per row of targets. */
  eegIds: ArrayLike<number>;
  /** eegIds.length x 6 vote fractions. */
  targets: ArrayLike<number>;
  /** Gets oof.npy, oof_eeg_ids.npy, submission.csv and metrics.json of the blend. */
  outDir: string;
  log: (line: string) => void;
}

/** Blend the candidates that qualify; throws a DataError when none does. Returns metrics.json's content. */
export async function blendHmsRuns(a: HmsBlendArgs): Promise<Record<string, unknown>> {
  const { eegIds, targets, outDir, log } = a;
  const members: HmsBlendMember[] = [];
  for (const c of a.candidates) {
    const m = await loadHmsBlendMember(c.name, c.dir, eegIds, a);
    if (typeof m === 'string') log(`  skip ${c.name}: ${m}`);
    else members.push(m);
  }
  if (members.length === 0) throw new DataError(outDir, 'no run to blend (each needs oof.npy, oof_eeg_ids.npy and submission.csv: run train and infer first)');

  // Test rows in the first member's order; members covering other eeg_ids are left out.
  const ref = members[0].testIds;
  const aligned: Float32Array[] = [];
  const used: HmsBlendMember[] = [];
  for (const m of members) {
    const pos = new Map<number, number>();
    m.testIds.forEach((id, i) => pos.set(id, i));
    if (m.testIds.length !== ref.length || !Array.from(ref).every((id) => pos.has(id))) {
      log(`  skip ${m.name}: its submission covers other eeg_ids than ${members[0].name}'s`);
      continue;
    }
    const t = new Float32Array(ref.length * 6);
    ref.forEach((id, i) => t.set(m.test.subarray(pos.get(id)! * 6, pos.get(id)! * 6 + 6), i * 6));
    aligned.push(t);
    used.push(m);
  }

  // Rows every member predicted out of fold.
  const rows: number[] = [];
  for (let r = 0; r < eegIds.length; r++) if (used.every((m) => Number.isFinite(m.oof[r * 6]))) rows.push(r);
  if (rows.length === 0) throw new DataError(outDir, `the members' out-of-fold predictions share no eeg_id (${used.map((m) => m.name).join(', ')})`);
  const sol = new Float64Array(rows.length * 6);
  rows.forEach((r, i) => {
    for (let k = 0; k < 6; k++) sol[i * 6 + k] = targets[r * 6 + k];
  });
  const preds = used.map((m) => {
    const p = new Float32Array(rows.length * 6);
    rows.forEach((r, i) => p.set(m.oof.subarray(r * 6, r * 6 + 6), i * 6));
    return p;
  });
  const blend = optimizeBlendWeights(preds, (p) => klDivergenceScore(sol, normalizeRows(Float32Array.from(p)), 6));

  const width = Math.max(40, ...used.map((m) => m.name.length + 2));
  log(`Blend of ${used.length} member(s) on ${rows.length} out-of-fold eeg_ids (weights chosen on OOF KL):`);
  used.forEach((m, k) => log(`  ${m.name.padEnd(width)} OOF KL ${blend.memberScores[k].toFixed(5)}  weight ${blend.weights[k].toFixed(4)}`));
  const best = Math.min(...blend.memberScores);
  log(`Blended OOF KL = ${blend.score.toFixed(5)} (best single member ${best.toFixed(5)})`);

  fs.mkdirSync(outDir, { recursive: true });
  saveNpy(path.join(outDir, 'oof.npy'), normalizeRows(blendPredictions(preds, blend.weights)), [rows.length, 6]);
  saveNpy(path.join(outDir, 'oof_eeg_ids.npy'), Float64Array.from(rows, (r) => eegIds[r]));
  const submission = path.join(outDir, 'submission.csv');
  await writeHmsSubmission(submission, ref, normalizeRows(blendPredictions(aligned, blend.weights)));
  const metrics = {
    blendKL: blend.score,
    bestMemberKL: best,
    members: used.map((m, k) => ({ name: m.name, oofKL: blend.memberScores[k], weight: blend.weights[k] })),
    oofRows: rows.length,
    nTest: ref.length,
    submission,
  };
  writeJson(path.join(outDir, 'metrics.json'), metrics);
  log(`Blended submission (${ref.length} rows) -> ${submission}`);
  return metrics;
}
