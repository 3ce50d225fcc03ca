// Blending HMS runs (hms-wavenet's and hms-efficientnet's, read as files): each run folder
// offers oof.npy (n x 6) with its eeg_ids (oof_eeg_ids.npy) and a submission.csv; weights
// (non-negative, summing to 1) are chosen on the out-of-fold KL divergence over the eeg_ids every
// member predicted, so the blend is never worse than the best member on those rows, and the
// members' submissions are blended with the same weights.
import * as fs from 'fs';
import * as path from 'path';
import { alignToSample, DataError, HMS_VOTE_COLUMNS, listRuns, loadNpy, readCsvColumns, saveNpy, writeHmsSubmission, writeJson, type HmsSampleSubmission } from '@repro/io';
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

/** Why a run folder cannot be a member, and which step would make what it lacks. */
interface NotAMember {
  reason: string;
  /** 'train' when the out-of-fold predictions are missing or unusable, 'infer' when the submission is. */
  step: 'train' | 'infer';
}

async function loadMember(name: string, dir: string, eegIds: ArrayLike<number>, options: HmsBlendOptions): Promise<HmsBlendMember | NotAMember> {
  const oofFile = path.join(dir, 'oof.npy');
  if (!fs.existsSync(oofFile)) return { reason: 'no oof.npy (training not finished, or not a training run)', step: 'train' };
  const sub = path.join(dir, 'submission.csv');
  if (!fs.existsSync(sub)) return { reason: 'no submission.csv (run infer for it first)', step: 'infer' };
  const { data, shape } = loadNpy(oofFile);
  if (shape.length !== 2 || shape[1] !== 6) return { reason: `oof.npy has shape [${shape}], expected [n, 6]`, step: 'train' };
  const idFile = ID_FILES.map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  let ids: ArrayLike<number>;
  if (idFile) ids = loadNpy(idFile).data;
  else if (options.implicitIds && shape[0] === eegIds.length) ids = eegIds;
  else return { reason: `no ${ID_FILES.join(' / ')} next to oof.npy${options.implicitIds ? ` and ${shape[0]} rows != ${eegIds.length} eeg_ids` : ''}`, step: 'train' };
  if (ids.length !== shape[0]) return { reason: `${path.basename(idFile!)} has ${ids.length} ids for ${shape[0]} oof rows`, step: 'train' };
  const rowOf = new Map<number, number>();
  for (let r = 0; r < eegIds.length; r++) rowOf.set(eegIds[r], r);
  const oof = new Float32Array(eegIds.length * 6).fill(NaN);
  for (let i = 0; i < ids.length; i++) {
    const r = rowOf.get(Number(ids[i]));
    if (r === undefined) return { reason: `eeg_id ${ids[i]} of its OOF is not in this data's train.csv`, step: 'train' };
    for (let k = 0; k < 6; k++) oof[r * 6 + k] = data[i * 6 + k];
  }
  const s = await readHmsSubmission(sub);
  return { name, dir, oof, testIds: s.ids, test: s.probs };
}

const isMember = (m: HmsBlendMember | NotAMember): m is HmsBlendMember => 'oof' in m;

/** One run folder as a blend member over the train eeg_ids, or the reason it cannot be one. */
export async function loadHmsBlendMember(name: string, dir: string, eegIds: ArrayLike<number>, options: HmsBlendOptions = {}): Promise<HmsBlendMember | string> {
  const m = await loadMember(name, dir, eegIds, options);
  return isMember(m) ? m : m.reason;
}

/** A run folder to blend. */
export interface HmsBlendCandidate {
  /** Display name, e.g. 'hms-wavenet/default-seed42'. */
  name: string;
  dir: string;
  /**
   * A member the user asked for (listed in ensemble.runs or --members): when it lacks its
   * predictions the blend stops with an error instead of leaving it out.
   */
  required?: boolean;
  /** The commands that make its predictions, named in that error. */
  commands?: { train: string; infer: string };
}

/** Which runs of the two HMS solutions to blend, from the config and the command line. */
export interface HmsRunSelection {
  /** Folder holding every solution's runs (`<runsRoot>/<solution>/<runId>`). */
  runsRoot: string;
  /** The solution blending ('hms-wavenet'): its runs are blended. */
  solution: string;
  /** The other HMS solution, whose runs are blended too when includeOther. */
  other: string;
  includeOther: boolean;
  /**
   * ensemble.runs: run ids of `solution` to blend, each required to have its predictions. Empty:
   * every run of both (with includeOther); one lacking its predictions is left out, logged.
   */
  runs: readonly string[];
  /**
   * --members: exactly these runs ('<runId>' of `solution`, or '<solution>/<runId>'), each
   * required to have its predictions; overrides `runs` and includeOther.
   */
  members?: readonly string[];
  /** The data folder and its default, for the commands named in errors. */
  dataDir: string;
  defaultDataDir: string;
}

/**
 * The `nx run` commands that make a run's predictions: `--config C --seed S` for the default run
 * id `C-seedS`, else `--run-id` (with the config it was trained with).
 */
export function hmsRunCommands(solution: string, runId: string, where: { dataDir: string; defaultDataDir: string; runsRoot: string }): { train: string; infer: string } {
  const m = /^(.+)-seed(\d+)$/.exec(runId);
  const run = m ? `--config ${m[1]} --seed ${m[2]}` : `--run-id ${runId} --config <the config it was trained with>`;
  const extra = `${where.dataDir !== where.defaultDataDir ? ` --data-dir ${where.dataDir}` : ''}${where.runsRoot !== 'runs' ? ` --runs-dir ${where.runsRoot}` : ''}`;
  return { train: `nx run ${solution}:train ${run}${extra}`, infer: `nx run ${solution}:infer ${run}${extra}` };
}

/** The candidates a selection names (see HmsRunSelection); a run it names that does not exist is an error. */
export function hmsBlendCandidates(sel: HmsRunSelection): HmsBlendCandidate[] {
  const runsOf = (solution: string) => listRuns(sel.runsRoot, solution);
  const candidate = (solution: string, r: { id: string; dir: string }, required: boolean): HmsBlendCandidate => ({
    name: `${solution}/${r.id}`,
    dir: r.dir,
    required,
    commands: hmsRunCommands(solution, r.id, sel),
  });
  if (sel.members) {
    return sel.members.map((token) => {
      const slash = token.indexOf('/');
      const [solution, id] = slash >= 0 ? [token.slice(0, slash), token.slice(slash + 1)] : [sel.solution, token];
      const known = solution === sel.solution || solution === sel.other ? runsOf(solution) : [];
      const r = known.find((x) => x.id === id);
      if (!r) {
        const all = [...runsOf(sel.solution).map((x) => x.id), ...runsOf(sel.other).map((x) => `${sel.other}/${x.id}`)];
        throw new DataError(path.join(sel.runsRoot, solution, id), `--members names run '${token}', which does not exist (runs: ${all.join(', ') || 'none'})`);
      }
      return candidate(solution, r, true);
    });
  }
  const own = runsOf(sel.solution).filter((r) => sel.runs.length === 0 || sel.runs.includes(r.id));
  for (const id of sel.runs) {
    if (!own.some((r) => r.id === id)) throw new DataError(path.join(sel.runsRoot, sel.solution, id), `ensemble.runs names run '${id}', which does not exist`);
  }
  const out = own.map((r) => candidate(sel.solution, r, sel.runs.length > 0));
  if (sel.includeOther) out.push(...runsOf(sel.other).map((r) => candidate(sel.other, r, false)));
  return out;
}

export interface HmsBlendArgs extends HmsBlendOptions {
  /** Run folders to try (or `runs`, which lists them from the runs folder). */
  candidates?: HmsBlendCandidate[];
  /** Which runs to blend (hmsBlendCandidates), when `candidates` is not given. */
  runs?: HmsRunSelection;
  /** train.csv's eeg_ids, one per row of targets. */
  eegIds: ArrayLike<number>;
  /** eegIds.length x 6 vote fractions. */
  targets: ArrayLike<number>;
  /** Gets oof.npy, oof_eeg_ids.npy, submission.csv and metrics.json of the blend. */
  outDir: string;
  log: (line: string) => void;
  /**
   * sample_submission.csv: the blend's rows follow its eeg_ids and order, and every member's
   * submission must hold exactly those eeg_ids. Unset: the first member's rows.
   */
  sample?: HmsSampleSubmission;
}

/** The error for a member the user asked for that cannot be blended. */
function missingMember(c: HmsBlendCandidate, why: NotAMember): DataError {
  const fix = c.commands ? `make them with \`${c.commands[why.step]}\`` : `run ${why.step} for it`;
  return new DataError(c.dir, `ensemble member '${c.name}' lacks its predictions: ${why.reason}; ${fix}, or leave it out with --members (the members to blend)`);
}

/** Blend the candidates that qualify; throws a DataError when none does. Returns metrics.json's content. */
export async function blendHmsRuns(a: HmsBlendArgs): Promise<Record<string, unknown>> {
  const { eegIds, targets, outDir, log } = a;
  const members: HmsBlendMember[] = [];
  const required = new Map<HmsBlendMember, HmsBlendCandidate>();
  let skipped = 0;
  const candidates = a.candidates ?? (a.runs ? hmsBlendCandidates(a.runs) : []);
  for (const c of candidates) {
    const m = await loadMember(c.name, c.dir, eegIds, a);
    if (isMember(m)) {
      members.push(m);
      if (c.required) required.set(m, c);
    } else if (c.required) throw missingMember(c, m);
    else {
      log(`  skip ${c.name}: ${m.reason}`);
      skipped++;
    }
  }
  if (members.length === 0) throw new DataError(outDir, 'no run to blend (each needs oof.npy, oof_eeg_ids.npy and submission.csv: run train and infer first)');

  // Test rows in the sample's order (else the first member's); a member covering other eeg_ids
  // (a stale submission) is an error when asked for, else left out.
  const ref = a.sample ? a.sample.eegId : members[0].testIds;
  const refName = a.sample ? a.sample.file : `${members[0].name}'s submission`;
  const refIds = Array.from(ref, (v) => String(v));
  const aligned: Float32Array[] = [];
  const used: HmsBlendMember[] = [];
  for (const m of members) {
    const file = path.join(m.dir, 'submission.csv');
    let order: Int32Array | null;
    try {
      order = alignToSample({ file, column: 'eeg_id', ids: Array.from(m.testIds, (v) => String(v)) }, { file: a.sample?.file ?? `${members[0].name}'s submission`, column: 'eeg_id', ids: refIds });
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      const c = required.get(m);
      if (c) {
        const fix = c.commands ? `re-run \`${c.commands.infer}\`` : 're-run its infer';
        throw new DataError(err.file, `${err.problem} (ensemble member '${m.name}' predicted other test eeg_ids than ${refName}: ${fix} on this data)`, err.where);
      }
      log(`  skip ${m.name}: its submission covers other eeg_ids than ${refName} (${err.message})`);
      skipped++;
      continue;
    }
    const t = new Float32Array(ref.length * 6);
    for (let i = 0; i < ref.length; i++) {
      const r = order ? order[i] : i;
      t.set(m.test.subarray(r * 6, r * 6 + 6), i * 6);
    }
    aligned.push(t);
    used.push(m);
  }
  if (skipped > 0) log(`  ${skipped} run(s) left out (see the skip lines above); to require runs, list them in ensemble.runs or with --members`);

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

  // Never below the trivial baseline (issue 19), chosen on OOF only: every eeg_id gets the mean
  // vote fractions of the train eeg_ids; when the blend scores worse, that is what is submitted.
  const mean = new Float64Array(6);
  for (let r = 0; r < eegIds.length; r++) for (let k = 0; k < 6; k++) mean[k] += targets[r * 6 + k] / eegIds.length;
  const constant = (n: number) => {
    const p = new Float32Array(n * 6);
    for (let i = 0; i < n; i++) for (let k = 0; k < 6; k++) p[i * 6 + k] = mean[k];
    return normalizeRows(p);
  };
  const baselineKL = klDivergenceScore(sol, constant(rows.length), 6);
  const useBaseline = baselineKL < blend.score;
  const choice = useBaseline ? 'train-mean baseline' : 'blend';
  log(
    useBaseline
      ? `The blend (OOF KL ${blend.score.toFixed(5)}) is worse than the train-mean baseline (${baselineKL.toFixed(5)}): submitting the baseline`
      : `Submitting the blend (OOF KL ${blend.score.toFixed(5)} <= train-mean baseline ${baselineKL.toFixed(5)})`,
  );

  fs.mkdirSync(outDir, { recursive: true });
  saveNpy(path.join(outDir, 'oof.npy'), useBaseline ? constant(rows.length) : normalizeRows(blendPredictions(preds, blend.weights)), [rows.length, 6]);
  saveNpy(path.join(outDir, 'oof_eeg_ids.npy'), Float64Array.from(rows, (r) => eegIds[r]));
  const submission = path.join(outDir, 'submission.csv');
  await writeHmsSubmission(submission, ref, useBaseline ? constant(ref.length) : normalizeRows(blendPredictions(aligned, blend.weights)), { sample: a.sample });
  const metrics = {
    blendKL: blend.score,
    baselineKL,
    choice,
    submittedKL: Math.min(blend.score, baselineKL),
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
