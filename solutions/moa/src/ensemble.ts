/**
 * Step 5: blend the members. Weights (non-negative, summing to 1) minimise the
 * OOF column-wise log loss over all train rows (optimizeBlendWeights starts
 * from the best member, so the blend is never worse than it); the test
 * predictions are blended with the same weights, clipped, ctl_vehicle rows set
 * to 0 and written in sample_submission's column order. The ensemble is a run
 * of its own (`<config>-ensemble-seed<seed>`) with metrics.json, weights.json,
 * oof.npy, test.npy, submission.csv and report.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { blendPredictions, optimizeBlendWeights } from '@repro/cv';
import { DataError, createRun, loadNpy, readJson, saveNpy, writeMoaSubmission } from '@repro/io';
import { columnwiseLogLoss } from '@repro/metrics';
import type { MemberKind, MoaConfig } from './config';
import { MoaTrainData, fingerprint } from './load';
import { ReportRow, baselinePredictions, baselines, clipProbabilities, reportMarkdown, treatedTrainMeans } from './report';
import { RunPlace, SOLUTION, memberRunId } from './train';

/** Which prediction the ensemble submitted (and, for the baseline, its per-target probabilities). */
export const ENSEMBLE_CHOICE_FILE = 'choice.json';
export interface EnsembleChoice {
  choice: 'blend' | 'train-mean baseline';
  baselineLogLoss: number;
  blendLogLoss: number;
  treatedTrainMeans?: number[];
}

export const ensembleRunId = (p: RunPlace) => (p.runId ? `${p.runId}-ensemble` : `${p.configName}-ensemble-seed${p.seed}`);

export interface MemberRunOutputs {
  kind: MemberKind;
  runId: string;
  dir: string;
  oof: Float32Array;
  test: Float32Array;
  metrics: Record<string, unknown>;
}

/** A member's finished run, checked to be on the same train/test rows as `data`. */
export function readMemberRun(place: RunPlace, kind: MemberKind, data: MoaTrainData): MemberRunOutputs {
  const runId = memberRunId(place, kind);
  const dir = path.join(place.root, SOLUTION, runId);
  const need = ['metrics.json', 'oof.npy', 'test.npy'].map((f) => path.join(dir, f));
  const missing = need.find((f) => !fs.existsSync(f));
  if (missing) {
    throw new DataError(missing, `member '${kind}' has no finished run here (run \`nx run moa:train --config ${place.configName}\` first, or leave it out with --member <the others>)`);
  }
  const metrics = readJson<Record<string, unknown>>(need[0]);
  if (metrics.dataFingerprint !== fingerprint(data.train.sigIds) || metrics.testFingerprint !== fingerprint(data.test.sigIds)) {
    throw new DataError(need[0], `member '${kind}' was trained on other data (train/test sig_ids differ from ${data.dir}); retrain it`);
  }
  const nT = data.scored.names.length;
  const oof = loadNpy(need[1]);
  const test = loadNpy(need[2]);
  if (oof.shape[0] !== data.train.nRows || oof.shape[1] !== nT) throw new DataError(need[1], `expected [${data.train.nRows}, ${nT}], found [${oof.shape}]`);
  if (test.shape[0] !== data.test.nRows || test.shape[1] !== nT) throw new DataError(need[2], `expected [${data.test.nRows}, ${nT}], found [${test.shape}]`);
  return { kind, runId, dir, oof: Float32Array.from(oof.data), test: Float32Array.from(test.data), metrics };
}

export interface EnsembleResult {
  dir: string;
  weights: Record<string, number>;
  memberScores: Record<string, number>;
  blendLogLoss: number;
  baselines: Record<string, number | undefined>;
}

export async function runEnsemble(config: MoaConfig, data: MoaTrainData, place: RunPlace, log: (l: string) => void = console.log): Promise<EnsembleResult> {
  const members = config.members.map((k) => readMemberRun(place, k, data));
  const run = createRun({
    root: place.root,
    solution: SOLUTION,
    config: { data: config.data, members: config.members, ensemble: config.ensemble },
    configName: place.configName,
    seed: place.seed,
    runId: ensembleRunId(place),
  });
  const nT = data.scored.names.length;
  const Y = data.scored.Y;
  const t0 = Date.now();
  const blend = optimizeBlendWeights(members.map((m) => m.oof), (p) => columnwiseLogLoss(Y, p, nT));
  const weights = Object.fromEntries(members.map((m, k) => [m.kind, blend.weights[k]]));
  const memberScores = Object.fromEntries(members.map((m, k) => [m.kind, blend.memberScores[k]]));
  const blendOof = blendPredictions(members.map((m) => m.oof), blend.weights);
  const blendTest = blendPredictions(members.map((m) => m.test), blend.weights);
  // Never below the trivial baseline (issue 19), chosen on OOF only: when the blend of the members
  // scores worse than the treated-train-mean prediction, that prediction is what is submitted.
  const means = treatedTrainMeans(data);
  const baselineOof = baselinePredictions(means, data.train);
  const baselineScore = columnwiseLogLoss(Y, baselineOof, nT);
  const useBaseline = baselineScore < blend.score;
  const choice = useBaseline ? 'train-mean baseline' : 'blend';
  const oof = useBaseline ? baselineOof : blendOof;
  const test = useBaseline ? baselinePredictions(means, data.test) : blendTest;
  const sub = clipProbabilities(test, config.ensemble.clip, data.test);
  const oofClipped = clipProbabilities(oof, config.ensemble.clip, data.train);
  saveNpy(run.path('oof.npy'), oof, [data.train.nRows, nT]);
  saveNpy(run.path('test.npy'), test, [data.test.nRows, nT]);
  run.saveJson('weights.json', weights);
  // infer repeats the choice: the blend with these weights, or the baseline with these means.
  run.saveJson(ENSEMBLE_CHOICE_FILE, { choice, baselineLogLoss: baselineScore, blendLogLoss: blend.score, ...(useBaseline ? { treatedTrainMeans: means } : {}) });
  await writeMoaSubmission(run.path('submission.csv'), data.test.sigIds, data.scored.names, sub, { sample: data.sample });
  const base = baselines(data);
  const testScore = (p: Float32Array) => (data.testTruth ? columnwiseLogLoss(data.testTruth, clipProbabilities(p, config.ensemble.clip, data.test), nT) : undefined);
  const bestMember = Math.min(...Object.values(memberScores));
  const metrics = {
    members: Object.fromEntries(
      members.map((m) => [
        m.kind,
        { runId: m.runId, oofLogLoss: memberScores[m.kind], weight: weights[m.kind], testLogLoss: testScore(m.test), trainSeconds: m.metrics.trainSeconds, backend: m.metrics.backend },
      ]),
    ),
    blendLogLoss: blend.score,
    choice,
    baselineLogLoss: baselineScore,
    submittedOofLogLoss: Math.min(blend.score, baselineScore),
    submittedLogLossClipped: columnwiseLogLoss(Y, oofClipped, nT),
    bestMemberLogLoss: bestMember,
    blendNotWorseThanBest: blend.score <= bestMember,
    testLogLoss: testScore(test),
    blendTestLogLoss: testScore(blendTest),
    ...base,
    seconds: (Date.now() - t0) / 1000,
  };
  run.writeMetrics(metrics);

  const rows: ReportRow[] = [
    { model: 'Baseline (train mean)', oofLogLoss: base.trainMeanLogLoss, testLogLoss: base.testTrainMeanLogLoss, note: 'every row gets the train column means' },
    { model: 'Baseline (train mean, ctl 0)', oofLogLoss: base.ctlZeroTrainMeanLogLoss, testLogLoss: base.testCtlZeroTrainMeanLogLoss },
    ...members.map((m) => ({
      model: m.kind,
      oofLogLoss: memberScores[m.kind],
      testLogLoss: testScore(m.test),
      weight: weights[m.kind],
      seconds: m.metrics.trainSeconds as number,
      note: `run ${m.runId}`,
    })),
    { model: 'Blend', oofLogLoss: blend.score, testLogLoss: metrics.blendTestLogLoss, weight: 1, note: 'OOF-optimised weights' },
    { model: `Submitted: ${choice}`, oofLogLoss: metrics.submittedOofLogLoss, testLogLoss: metrics.testLogLoss, note: 'the better of the blend and the baseline on OOF' },
  ];
  if (base.floorLogLoss !== undefined) rows.push({ model: 'Floor (true probabilities)', oofLogLoss: base.floorLogLoss, testLogLoss: base.testFloorLogLoss, note: 'synthetic data: truth.json' });
  const backends = [...new Set(members.map((m) => String(m.metrics.backend)))].join(', ');
  const md = reportMarkdown({
    title: `MoA ensemble: ${place.configName} (seed ${place.seed})`,
    rows,
    notes: [
      `data: ${data.dir} (${data.train.nRows} train rows, ${data.test.nRows} test rows)`,
      `backend: ${backends}`,
      `blend ${blend.score.toFixed(6)} vs best member ${bestMember.toFixed(6)} (never worse by construction) vs train-mean baseline ${baselineScore.toFixed(6)}: submitted the ${choice}; clipped to [${config.ensemble.clip}, 1 - ${config.ensemble.clip}]: ${metrics.submittedLogLossClipped.toFixed(6)}`,
      'Seed 001 (Kaggle private LB): NN 0.01768, 1D-CNN 0.01727, TabNet 0.01627; the numbers above are on this run\'s data, not comparable.',
    ],
  });
  fs.writeFileSync(run.path('report.md'), md);

  for (const m of members) log(`[ensemble] ${m.kind.padEnd(9)} OOF ${memberScores[m.kind].toFixed(6)}  weight ${weights[m.kind].toFixed(3)}`);
  log(`[ensemble] blend     OOF ${blend.score.toFixed(6)}  (best member ${bestMember.toFixed(6)})`);
  log(`[ensemble] baseline  train mean ${base.trainMeanLogLoss!.toFixed(6)}  (ctl 0: ${base.ctlZeroTrainMeanLogLoss!.toFixed(6)})`);
  log(
    useBaseline
      ? `[ensemble] the blend (${blend.score.toFixed(6)}) is worse than the train-mean baseline (${baselineScore.toFixed(6)}) on OOF: submitting the baseline`
      : `[ensemble] submitting the blend (OOF ${blend.score.toFixed(6)} <= baseline ${baselineScore.toFixed(6)})`,
  );
  if (base.floorLogLoss !== undefined) log(`[ensemble] floor     ${base.floorLogLoss.toFixed(6)} (truth.json)`);
  if (metrics.testLogLoss !== undefined) log(`[ensemble] test log loss of the submission (truth): ${metrics.testLogLoss.toFixed(6)}`);
  log(`[ensemble] wrote ${run.path('submission.csv')} and ${run.path('report.md')}`);
  return { dir: run.dir, weights, memberScores, blendLogLoss: blend.score, baselines: base };
}
