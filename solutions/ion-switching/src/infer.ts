// Inference: the fold models of every member of a run on test.csv (cleaned and featurised as
// train, forest probabilities averaged over the forest folds), fold-averaged per member; the run's
// submission is the argmax of the members' mean. `ensemble` later weighs the members on OOF and
// searches thresholds.
import * as fs from 'fs';
import * as path from 'path';
import {
  DataError,
  ION_N_CLASSES,
  ionSubmissionOrder,
  modelDirHandler,
  checkTrainedOn, openRun,
  readIonSwitchingSampleSubmission,
  saveNpy,
  takeRowsInOrder,
  writeIonSwitchingSubmission,
} from '@repro/io';
import { tf, type BackendInfo } from '@repro/layers';
import type { IonSwitchingConfig } from './config';
import { argmaxRows } from './features';
import { macroF1 } from '@repro/metrics';
import { predictSequences, prepare, readTestTruth, SOLUTION } from './train';

export interface InferContext {
  config: IonSwitchingConfig;
  configName: string;
  seed: number;
  runId?: string;
  runsRoot: string;
  backendInfo: BackendInfo;
  /** --members: predict only these of the run's members (by default every one in its config). */
  members?: string[];
}

const K = ION_N_CLASSES;

/** The `nx run ion-switching:<target>` command line of this run, for messages. */
function command(ctx: InferContext, target: string): string {
  const run = ctx.runId ? `--run-id ${ctx.runId} --config ${ctx.configName}` : `--config ${ctx.configName} --seed ${ctx.seed}`;
  const extra = `${ctx.config.data.dir !== 'data/ion-switching' ? ` --data-dir ${ctx.config.data.dir}` : ''}${ctx.runsRoot !== 'runs' ? ` --runs-dir ${ctx.runsRoot}` : ''}`;
  return `nx run ion-switching:${target} ${run}${extra}`;
}

/** `nx run ion-switching:infer`: run `<config>-seed<seed>` (or --run-id) on test.csv. */
export async function infer(ctx: InferContext): Promise<{ submission: string; labels: Int32Array }> {
  const runDir = path.join(ctx.runsRoot, SOLUTION, ctx.runId ?? `${ctx.configName}-seed${ctx.seed}`);
  if (!fs.existsSync(path.join(runDir, 'config.json'))) {
    throw new DataError(runDir, `no trained run here (no config.json); run 'nx run ion-switching:train' with the same --config/--seed/--run-id first`);
  }
  const run = openRun(runDir);
  // A new test set is fine; other training data than the run was trained on is not.
  checkTrainedOn(run, ctx.config.data.dir);
  // The run's own config decides features and models; only the data folder comes from the caller.
  const config: IonSwitchingConfig = { ...(run.config as IonSwitchingConfig), data: { dir: ctx.config.data.dir } };
  const log = (l: string) => run.log(l);
  log(`ion-switching infer: run ${run.dir}, data ${config.data.dir}`);
  log(ctx.backendInfo.summary);
  // Every member of the run's config, or the --members subset: one without all its fold models is
  // an error, never left out (a submission from fewer members would look like the full one).
  const wanted = ctx.members ?? config.train.members;
  if (wanted.length === 0) throw new DataError(run.dir, '--members names no member (expected a comma-separated list such as cgtw,wavenet)');
  const unknown = wanted.filter((m) => !config.train.members.includes(m));
  if (unknown.length) {
    throw new DataError(path.join(run.dir, 'config.json'), `--members names ${unknown.map((m) => `'${m}'`).join(', ')}, not a member of this run (its members: ${config.train.members.join(', ')})`);
  }
  const modelDirs = new Map<string, string[]>();
  for (const member of wanted) {
    const dirs: string[] = [];
    for (let k = 0; k < config.train.folds; k++) {
      const d = path.join(run.dir, 'members', member, `fold_${k}`, 'model');
      if (fs.existsSync(path.join(d, 'model.json'))) dirs.push(d);
    }
    if (dirs.length < config.train.folds) {
      const others = wanted.filter((m) => m !== member);
      throw new DataError(
        path.join(run.dir, 'members', member),
        `member '${member}' has ${dirs.length} of its ${config.train.folds} fold models (fold_k/model/model.json): its training is unfinished; ` +
          `finish it with \`${command(ctx, 'train')}\`${others.length ? `, or leave it out with --members ${others.join(',')}` : ''}`,
      );
    }
    modelDirs.set(member, dirs);
  }
  const prep = await prepare(config, run.dir, run.seed, log);
  const test = prep.data.test;
  // Kaggle scores by sample_submission.csv's times, in its order: checked before predicting.
  const sample = await readIonSwitchingSampleSubmission(config.data.dir);
  const order = ionSubmissionOrder(test, sample);
  const seq = prep.testSeq;
  const ids = Int32Array.from({ length: seq.starts.length }, (_, i) => i);
  const mean = new Float32Array(test.nRows * K);
  const used: string[] = [];
  for (const member of wanted) {
    const dirs = modelDirs.get(member)!;
    const t0 = performance.now();
    const probs = new Float32Array(test.nRows * K);
    for (const d of dirs) {
      const model = await tf.loadLayersModel(modelDirHandler(d));
      const p = await predictSequences(model, prep.xTest, prep.nFeatures, seq, ids, config.train.predictBatchSize);
      model.dispose();
      // Sequences in order: a chunk's end-aligned last sequence overwrites its overlap.
      const rows = new Float32Array(test.nRows * K);
      seq.starts.forEach((a, s) => rows.set(p.subarray(s * seq.len * K, (s + 1) * seq.len * K), a * K));
      for (let i = 0; i < probs.length; i++) probs[i] += rows[i] / dirs.length;
    }
    saveNpy(run.path('members', member, 'test_pred.npy'), probs, [test.nRows, K]);
    for (let i = 0; i < probs.length; i++) mean[i] += probs[i];
    used.push(member);
    log(`  ${member}: ${dirs.length} fold model(s) on ${seq.starts.length} test sequences in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const labels = argmaxRows(mean, K); // argmax of the sum = of the mean over members
  const submission = run.path('submission.csv');
  await writeIonSwitchingSubmission(submission, takeRowsInOrder(test.time, 1, order), takeRowsInOrder(labels, 1, order), { sample });
  const counts = new Array(K).fill(0);
  labels.forEach((l) => counts[l]++);
  log(`Submission (${test.nRows} rows, members ${used.join(', ')} averaged) -> ${submission}; predicted class counts ${JSON.stringify(counts)}`);
  const truth = readTestTruth(config.data.dir, test.nRows);
  const testMacroF1 = truth ? macroF1(truth.y, labels) : undefined;
  if (truth) log(`Test macro F1 of the submission (synthetic truth) = ${testMacroF1!.toFixed(5)}${truth.bayes !== undefined ? `; Bayes ceiling ${truth.bayes.toFixed(5)}` : ''}`);
  run.writeMetrics({ infer: { nTest: test.nRows, members: used, submission: path.basename(submission), predictedCounts: counts, testMacroF1: testMacroF1 ?? null } });
  return { submission, labels };
}
