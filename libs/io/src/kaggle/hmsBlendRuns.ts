// HMS run folders as ensemble members (both HMS solutions blend each other's runs): which runs a
// blend takes, how a run folder is read (oof.npy (n x 6) with its eeg_ids in oof_eeg_ids.npy,
// and submission.csv), and the format @repro/cv's blendRunsById needs for HMS: the eeg_id
// column, six vote probabilities per row summing to 1, and writeHmsSubmission.
import * as fs from 'fs';
import * as path from 'path';
import { DataError } from '../errors';
import { loadNpy } from '../npy';
import { listRuns } from '../runDir';
import { readHmsSubmission, writeHmsSubmission, type HmsSampleSubmission } from './hmsFiles';
import { normalizeHmsRows } from './hmsInferRun';

/** A run folder to blend (the shape of @repro/cv's BlendCandidate). */
export interface HmsBlendCandidate {
  /** Display name, e.g. 'hms-wavenet/default-seed42'. */
  name: string;
  dir: string;
  /** Listed in ensemble.runs or --members: lacking its predictions is an error, not a skip. */
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

/** An HMS run's predictions over the train eeg_ids (the shape of @repro/cv's BlendMember). */
export interface HmsRunMember {
  name: string;
  dir: string;
  /** eegIds.length x 6, NaN where the run has no out-of-fold prediction. */
  oof: Float32Array;
  testIds: Float64Array;
  test: Float32Array;
}

export interface HmsRunMemberOptions {
  /**
   * Accept a run without oof_eeg_ids.npy when its oof.npy has one row per train eeg_id, taken in
   * eegIds order (the seeds' order: train.csv grouped by ascending eeg_id).
   */
  implicitIds?: boolean;
}

const ID_FILES = ['oof_eeg_ids.npy', 'eeg_ids.npy'];

/** One run folder as a member over the train eeg_ids, or why not and which step would make what it lacks. */
export async function loadHmsRunMember(
  name: string,
  dir: string,
  eegIds: ArrayLike<number>,
  options: HmsRunMemberOptions = {},
): Promise<HmsRunMember | { reason: string; step: 'train' | 'infer' }> {
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

/**
 * What @repro/cv's blendRunsById needs to blend HMS runs: the candidates `runs` names
 * (hmsBlendCandidates), the train eeg_ids and vote fractions, the sample's test rows, and the
 * format: eeg_id rows of six vote probabilities scored by `kl` (Kaggle's KL divergence, from
 * @repro/metrics), runs read by loadHmsRunMember, the blend written by writeHmsSubmission.
 */
export function hmsBlendInputs(o: {
  runs: HmsRunSelection;
  eegIds: ArrayLike<number>;
  targets: ArrayLike<number>;
  kl: (solution: Float64Array, prediction: Float32Array) => number;
  /** sample_submission.csv: the blend's rows follow its eeg_ids and order. */
  sample?: HmsSampleSubmission;
} & HmsRunMemberOptions) {
  const format = {
    idName: 'eeg_id',
    width: 6,
    scoreName: 'KL',
    score: o.kl,
    normalize: normalizeHmsRows,
    loadMember: (c: { name: string; dir: string }, eegIds: ArrayLike<number>) => loadHmsRunMember(c.name, c.dir, eegIds, o),
    writeSubmission: (file: string, eegIds: ArrayLike<number>, probs: Float32Array) => writeHmsSubmission(file, eegIds, probs, { sample: o.sample }),
  };
  const sample = o.sample && { file: o.sample.file, ids: o.sample.eegId };
  return { format, candidates: hmsBlendCandidates(o.runs), ids: o.eegIds, targets: o.targets, sample };
}
