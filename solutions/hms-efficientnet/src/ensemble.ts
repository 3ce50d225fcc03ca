// Beyond the seed (the ensemble step): blend this solution's runs and, when present,
// hms-wavenet's runs (runs/hms-wavenet/<id>/oof.npy + oof_eeg_ids.npy + submission.csv, read as
// files), with non-negative weights summing to 1 chosen on the out-of-fold KL (never worse than
// the best member on those rows), then blend the members' submissions with those weights.
import * as fs from 'fs';
import * as path from 'path';
import { blendPredictions, optimizeBlendWeights } from '@repro/cv';
import { DataError, HMS_VOTE_COLUMNS, listRuns, loadNpy, readCsvColumns, saveNpy, writeHmsSubmission, writeJson } from '@repro/io';
import { klDivergenceScore } from '@repro/metrics';
import type { HmsEfficientnetConfig } from './config';
import { loadTrain, type EegTable } from './load';
import { normalizeRows } from './model';
import { SOLUTION } from './train';

export const WAVENET = 'hms-wavenet';

export interface Member {
  name: string;
  dir: string;
  /** table.n x 6, NaN where the member has no out-of-fold prediction. */
  oof: Float32Array;
  testIds: Float64Array;
  test: Float32Array;
}

async function readSubmission(file: string): Promise<{ ids: Float64Array; probs: Float32Array }> {
  const cols = Object.fromEntries([['eeg_id', 'float64'], ...HMS_VOTE_COLUMNS.map((c) => [c, 'float64'])]) as Record<string, 'float64'>;
  const t = await readCsvColumns(file, { columns: cols });
  const probs = new Float32Array(t.nRows * 6);
  HMS_VOTE_COLUMNS.forEach((c, k) => {
    const col = t.columns[c] as Float64Array;
    for (let i = 0; i < t.nRows; i++) probs[i * 6 + k] = col[i];
  });
  return { ids: t.columns.eeg_id as Float64Array, probs };
}

/** One run folder as a blend member, or the reason it cannot be one. */
export async function loadMember(name: string, dir: string, table: EegTable, rowOf: Map<number, number>): Promise<Member | string> {
  const oofFile = path.join(dir, 'oof.npy');
  if (!fs.existsSync(oofFile)) return 'no oof.npy (training not finished, or an experiment folder)';
  const sub = path.join(dir, 'submission.csv');
  if (!fs.existsSync(sub)) return 'no submission.csv (run infer for it first)';
  const { data, shape } = loadNpy(oofFile);
  if (shape.length !== 2 || shape[1] !== 6) return `oof.npy has shape [${shape}], expected [n, 6]`;
  const idFile = ['oof_eeg_ids.npy', 'eeg_ids.npy'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!idFile) return 'no oof_eeg_ids.npy next to oof.npy';
  const ids = loadNpy(idFile).data;
  if (ids.length !== shape[0]) return `${path.basename(idFile)} has ${ids.length} ids for ${shape[0]} oof rows`;
  const oof = new Float32Array(table.n * 6).fill(NaN);
  for (let i = 0; i < ids.length; i++) {
    const r = rowOf.get(Number(ids[i]));
    if (r === undefined) return `eeg_id ${ids[i]} of its OOF is not in this data's train.csv`;
    for (let k = 0; k < 6; k++) oof[r * 6 + k] = data[i * 6 + k];
  }
  const s = await readSubmission(sub);
  return { name, dir, oof, testIds: s.ids, test: s.probs };
}

/** `nx run hms-efficientnet:ensemble`. */
export async function ensemble(ctx: { config: HmsEfficientnetConfig; runsRoot: string }): Promise<Record<string, unknown>> {
  const outDir = path.join(ctx.runsRoot, SOLUTION, 'ensemble');
  fs.mkdirSync(outDir, { recursive: true });
  const log = (l: string) => {
    fs.appendFileSync(path.join(outDir, 'log.txt'), `${new Date().toISOString()} ${l}\n`);
    process.stdout.write(l + '\n');
  };
  const table = await loadTrain(ctx.config.data.dir, { maxEegs: 0, seed: 0 });
  const rowOf = new Map<number, number>();
  table.eegId.forEach((id, r) => rowOf.set(id, r));

  const wanted = ctx.config.ensemble.runs;
  const own = listRuns(ctx.runsRoot, SOLUTION).filter((r) => wanted.length === 0 || wanted.includes(r.id));
  for (const id of wanted) {
    if (!own.some((r) => r.id === id)) throw new DataError(path.join(ctx.runsRoot, SOLUTION, id), `ensemble.runs names run '${id}', which does not exist`);
  }
  const candidates = own.map((r) => ({ name: `${SOLUTION}/${r.id}`, dir: r.dir }));
  if (ctx.config.ensemble.includeWavenet) candidates.push(...listRuns(ctx.runsRoot, WAVENET).map((r) => ({ name: `${WAVENET}/${r.id}`, dir: r.dir })));
  const members: Member[] = [];
  for (const c of candidates) {
    const m = await loadMember(c.name, c.dir, table, rowOf);
    if (typeof m === 'string') log(`  skip ${c.name}: ${m}`);
    else members.push(m);
  }
  if (members.length === 0) throw new DataError(path.join(ctx.runsRoot, SOLUTION), 'no run to blend (each needs oof.npy, oof_eeg_ids.npy and submission.csv: run train and infer first)');

  // Test rows in the first member's order; members covering other eeg_ids are left out.
  const ref = members[0].testIds;
  const aligned: Float32Array[] = [];
  const used: Member[] = [];
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
  const rows: number[] = [];
  for (let r = 0; r < table.n; r++) if (used.every((m) => Number.isFinite(m.oof[r * 6]))) rows.push(r);
  if (rows.length === 0) throw new DataError(outDir, `the members' out-of-fold predictions share no eeg_id (${used.map((m) => m.name).join(', ')})`);
  const sol = new Float64Array(rows.length * 6);
  rows.forEach((r, i) => sol.set(table.targets.subarray(r * 6, r * 6 + 6), i * 6));
  const preds = used.map((m) => {
    const p = new Float32Array(rows.length * 6);
    rows.forEach((r, i) => p.set(m.oof.subarray(r * 6, r * 6 + 6), i * 6));
    return p;
  });
  const score = (p: Float32Array) => klDivergenceScore(sol, normalizeRows(Float32Array.from(p)), 6);
  const blend = optimizeBlendWeights(preds, score);

  log(`Blend of ${used.length} member(s) on ${rows.length} out-of-fold eeg_ids (weights chosen on OOF KL):`);
  used.forEach((m, k) => log(`  ${m.name.padEnd(44)} OOF KL ${blend.memberScores[k].toFixed(5)}  weight ${blend.weights[k].toFixed(4)}`));
  const best = Math.min(...blend.memberScores);
  log(`Blended OOF KL = ${blend.score.toFixed(5)} (best single member ${best.toFixed(5)})`);

  const oofBlend = normalizeRows(blendPredictions(preds, blend.weights));
  const testBlend = normalizeRows(blendPredictions(aligned, blend.weights));
  saveNpy(path.join(outDir, 'oof.npy'), oofBlend, [rows.length, 6]);
  saveNpy(path.join(outDir, 'oof_eeg_ids.npy'), Float64Array.from(rows, (r) => table.eegId[r]));
  const submission = path.join(outDir, 'submission.csv');
  await writeHmsSubmission(submission, ref, testBlend);
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
