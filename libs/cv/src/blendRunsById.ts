// Blending finished runs (run folders of one or more solutions) keyed by an id column: each
// member offers out-of-fold predictions over the train ids and a submission over the test ids;
// weights (non-negative, summing to 1) are chosen on the out-of-fold score over the ids every
// member predicted, so the blend is never worse than the best member on those rows, and the
// members' submissions are blended with the same weights. The caller knows the competition: how
// a run folder is read, the score, how a prediction row is made valid, and the submission format.
import * as fs from 'fs';
import * as path from 'path';
import { alignToSample, DataError, saveNpy, writeJson } from '@repro/io';
import { blendPredictions, optimizeBlendWeights } from './blendWeights';

export interface BlendMember {
  name: string;
  dir: string;
  /** ids.length x width, NaN where the member has no out-of-fold prediction. */
  oof: Float32Array;
  /** The member's submission: its ids and row-major predictions. */
  testIds: ArrayLike<number>;
  test: Float32Array;
}

/** Why a run folder cannot be a member, and which step would make what it lacks. */
export interface NotABlendMember {
  reason: string;
  /** 'train' when the out-of-fold predictions are missing or unusable, 'infer' when the submission is. */
  step: 'train' | 'infer';
}

/** A run folder to blend. */
export interface BlendCandidate {
  /** Display name, e.g. '<solution>/<runId>'. */
  name: string;
  dir: string;
  /**
   * A member the user asked for (listed in the config or --members): when it lacks its
   * predictions the blend stops with an error instead of leaving it out.
   */
  required?: boolean;
  /** The commands that make its predictions, named in that error. */
  commands?: { train: string; infer: string };
}

/** What the competition decides: the run folder's files, the id column, the score and the submission. */
export interface BlendFormat {
  /** The id column's name: names the ids file written (`oof_<idName>s.npy`) and the messages. */
  idName: string;
  /** Predictions per row. */
  width: number;
  /** The score's short name in the log and metrics.json keys (`blend<name>`, `oof<name>`, ...). */
  scoreName: string;
  /** Lower is better. */
  score: (solution: Float64Array, prediction: Float32Array) => number;
  /** Makes rows valid predictions (e.g. sum to 1), in place. */
  normalize: (p: Float32Array) => Float32Array;
  /** A candidate's run folder as a member over `ids`, or why it cannot be one. */
  loadMember: (c: BlendCandidate, ids: ArrayLike<number>) => Promise<BlendMember | NotABlendMember>;
  writeSubmission: (file: string, ids: ArrayLike<number>, predictions: Float32Array) => Promise<void>;
}

export interface BlendRunsArgs {
  format: BlendFormat;
  candidates: BlendCandidate[];
  /** The train ids, one per row of targets. */
  ids: ArrayLike<number>;
  /** ids.length x width. */
  targets: ArrayLike<number>;
  /** Gets oof.npy, oof_<idName>s.npy, submission.csv and metrics.json of the blend. */
  outDir: string;
  log: (line: string) => void;
  /**
   * The sample submission: the blend's rows follow its ids and order, and every member's
   * submission must hold exactly those ids. Unset: the first member's rows.
   */
  sample?: { file: string; ids: ArrayLike<number> };
}

export const isBlendMember = (m: BlendMember | NotABlendMember): m is BlendMember => 'oof' in m;

/** The error for a member the user asked for that cannot be blended. */
function missingMember(c: BlendCandidate, why: NotABlendMember): DataError {
  const fix = c.commands ? `make them with \`${c.commands[why.step]}\`` : `run ${why.step} for it`;
  return new DataError(c.dir, `ensemble member '${c.name}' lacks its predictions: ${why.reason}; ${fix}, or leave it out with --members (the members to blend)`);
}

/** Blend the candidates that qualify; throws a DataError when none does. Returns metrics.json's content. */
export async function blendRunsById(a: BlendRunsArgs): Promise<Record<string, unknown>> {
  const { ids, targets, outDir, log } = a;
  const { idName, width: w, scoreName, score, normalize } = a.format;
  const members: BlendMember[] = [];
  const required = new Map<BlendMember, BlendCandidate>();
  let skipped = 0;
  for (const c of a.candidates) {
    const m = await a.format.loadMember(c, ids);
    if (isBlendMember(m)) {
      members.push(m);
      if (c.required) required.set(m, c);
    } else if (c.required) throw missingMember(c, m);
    else {
      log(`  skip ${c.name}: ${m.reason}`);
      skipped++;
    }
  }
  if (members.length === 0) throw new DataError(outDir, `no run to blend (each needs oof.npy, oof_${idName}s.npy and submission.csv: run train and infer first)`);

  // Test rows in the sample's order (else the first member's); a member covering other ids
  // (a stale submission) is an error when asked for, else left out.
  const ref = a.sample ? a.sample.ids : members[0].testIds;
  const refName = a.sample ? a.sample.file : `${members[0].name}'s submission`;
  const refIds = Array.from(ref, (v) => String(v));
  const aligned: Float32Array[] = [];
  const used: BlendMember[] = [];
  for (const m of members) {
    const file = path.join(m.dir, 'submission.csv');
    let order: Int32Array | null;
    try {
      order = alignToSample({ file, column: idName, ids: Array.from(m.testIds, (v) => String(v)) }, { file: a.sample?.file ?? `${members[0].name}'s submission`, column: idName, ids: refIds });
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      const c = required.get(m);
      if (c) {
        const fix = c.commands ? `re-run \`${c.commands.infer}\`` : 're-run its infer';
        throw new DataError(err.file, `${err.problem} (ensemble member '${m.name}' predicted other test ${idName}s than ${refName}: ${fix} on this data)`, err.where);
      }
      log(`  skip ${m.name}: its submission covers other ${idName}s than ${refName} (${err.message})`);
      skipped++;
      continue;
    }
    const t = new Float32Array(ref.length * w);
    for (let i = 0; i < ref.length; i++) {
      const r = order ? order[i] : i;
      t.set(m.test.subarray(r * w, r * w + w), i * w);
    }
    aligned.push(t);
    used.push(m);
  }
  if (skipped > 0) log(`  ${skipped} run(s) left out (see the skip lines above); to require runs, list them in ensemble.runs or with --members`);

  // Rows every member predicted out of fold.
  const rows: number[] = [];
  for (let r = 0; r < ids.length; r++) if (used.every((m) => Number.isFinite(m.oof[r * w]))) rows.push(r);
  if (rows.length === 0) throw new DataError(outDir, `the members' out-of-fold predictions share no ${idName} (${used.map((m) => m.name).join(', ')})`);
  const sol = new Float64Array(rows.length * w);
  rows.forEach((r, i) => {
    for (let k = 0; k < w; k++) sol[i * w + k] = targets[r * w + k];
  });
  const preds = used.map((m) => {
    const p = new Float32Array(rows.length * w);
    rows.forEach((r, i) => p.set(m.oof.subarray(r * w, r * w + w), i * w));
    return p;
  });
  const blend = optimizeBlendWeights(preds, (p) => score(sol, normalize(Float32Array.from(p))));

  const width = Math.max(40, ...used.map((m) => m.name.length + 2));
  log(`Blend of ${used.length} member(s) on ${rows.length} out-of-fold ${idName}s (weights chosen on OOF ${scoreName}):`);
  used.forEach((m, k) => log(`  ${m.name.padEnd(width)} OOF ${scoreName} ${blend.memberScores[k].toFixed(5)}  weight ${blend.weights[k].toFixed(4)}`));
  const best = Math.min(...blend.memberScores);
  log(`Blended OOF ${scoreName} = ${blend.score.toFixed(5)} (best single member ${best.toFixed(5)})`);

  // Never below the trivial baseline (issue 19), chosen on OOF only: every id gets the mean
  // targets of the train ids; when the blend scores worse, that is what is submitted.
  const mean = new Float64Array(w);
  for (let r = 0; r < ids.length; r++) for (let k = 0; k < w; k++) mean[k] += targets[r * w + k] / ids.length;
  const constant = (n: number) => {
    const p = new Float32Array(n * w);
    for (let i = 0; i < n; i++) for (let k = 0; k < w; k++) p[i * w + k] = mean[k];
    return normalize(p);
  };
  const baselineScore = score(sol, constant(rows.length));
  const useBaseline = baselineScore < blend.score;
  const choice = useBaseline ? 'train-mean baseline' : 'blend';
  log(
    useBaseline
      ? `The blend (OOF ${scoreName} ${blend.score.toFixed(5)}) is worse than the train-mean baseline (${baselineScore.toFixed(5)}): submitting the baseline`
      : `Submitting the blend (OOF ${scoreName} ${blend.score.toFixed(5)} <= train-mean baseline ${baselineScore.toFixed(5)})`,
  );

  fs.mkdirSync(outDir, { recursive: true });
  saveNpy(path.join(outDir, 'oof.npy'), useBaseline ? constant(rows.length) : normalize(blendPredictions(preds, blend.weights)), [rows.length, w]);
  saveNpy(path.join(outDir, `oof_${idName}s.npy`), Float64Array.from(rows, (r) => ids[r]));
  const submission = path.join(outDir, 'submission.csv');
  await a.format.writeSubmission(submission, ref, useBaseline ? constant(ref.length) : normalize(blendPredictions(aligned, blend.weights)));
  const metrics = {
    [`blend${scoreName}`]: blend.score,
    [`baseline${scoreName}`]: baselineScore,
    choice,
    [`submitted${scoreName}`]: Math.min(blend.score, baselineScore),
    [`bestMember${scoreName}`]: best,
    members: used.map((m, k) => ({ name: m.name, [`oof${scoreName}`]: blend.memberScores[k], weight: blend.weights[k] })),
    oofRows: rows.length,
    nTest: ref.length,
    submission,
  };
  writeJson(path.join(outDir, 'metrics.json'), metrics);
  log(`Blended submission (${ref.length} rows) -> ${submission}`);
  return metrics;
}
