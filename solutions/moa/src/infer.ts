/**
 * `infer`: predict a test features file with the fold models of trained runs,
 * re-applying each run's fitted feature state (no refitting). The test file
 * must have exactly the training file's columns. Writes, per member,
 * `<member run>/infer/{test.npy, submission.csv}` (fold mean, then seed mean;
 * ctl_vehicle rows 0, clipped) and, when the ensemble run exists, the blend
 * with its weights in `<ensemble run>/infer/submission.csv`; `--out <file>`
 * also writes the final submission (the blend, else the only member) there.
 */
import * as fs from 'fs';
import * as path from 'path';
import { blendPredictions } from '@repro/cv';
import { DataError, MOA_FILES, MoaFeatures, MoaSampleSubmission, modelDirHandler, openRun, readJson, saveNpy, takeRowsInOrder, writeMoaSubmission } from '@repro/io';
import { tf } from '@repro/layers';
import { columnwiseLogLoss } from '@repro/metrics';
import type { MemberKind, MoaConfig } from './config';
import { ENSEMBLE_CHOICE_FILE, ensembleRunId, type EnsembleChoice } from './ensemble';
import { FeatureState, applyFeatureState, memberInputs } from './features';
import { alignTestToSample, readSampleSubmission, readTestFeatures, readTruth, zeroControls } from './load';
import { OUTPUTS_LOGITS } from './models';
import './models/transfer'; // registers MoaWeightNormDense for loading
import { baselinePredictions, clipProbabilities } from './report';
import { RunPlace, SOLUTION, memberRunId, predictInputs } from './train';

export interface InferOptions {
  testFile: string;
  /**
   * Folder holding sample_submission.csv (sig_ids, order and columns of the submission; one next
   * to testFile is used first) and, for synthetic data, truth.json.
   */
  dataDir: string;
  out?: string;
}

/** The sample submission of a test file: the one next to it, else the data folder's. */
export function sampleFileFor(opts: Pick<InferOptions, 'testFile' | 'dataDir'>): string {
  const beside = path.join(path.dirname(opts.testFile), MOA_FILES.sampleSubmission);
  return fs.existsSync(beside) ? beside : path.join(opts.dataDir, MOA_FILES.sampleSubmission);
}

async function predictMember(
  place: RunPlace,
  kind: MemberKind,
  config: MoaConfig,
  testFile: string,
  sample: MoaSampleSubmission,
  log: (l: string) => void,
): Promise<{ test: Float32Array; features: MoaFeatures; order: Int32Array | null; dir: string }> {
  const dir = path.join(place.root, SOLUTION, memberRunId(place, kind));
  const run = openRun(dir);
  const stored = run.config as Record<string, unknown>;
  const statePath = path.join(dir, 'features', 'state.json');
  if (!fs.existsSync(statePath)) throw new DataError(dir, `member '${kind}' has no features/state.json (was it trained?)`);
  const state = readJson<FeatureState>(statePath);
  // Rows in sample_submission.csv's order (its sig_ids, each once), as the submission is written.
  const { features, order } = alignTestToSample(await readTestFeatures(testFile, state.columns), sample);
  const runConfig = { ...config, features: stored.features, [kind]: stored[kind] } as MoaConfig;
  const fs_ = applyFeatureState(state, features);
  const inputs = memberInputs(kind, fs_, runConfig);
  const seedDirs = fs.readdirSync(dir).filter((d) => /^seed_\d+$/.test(d)).sort();
  const perSeed: Float32Array[] = [];
  for (const sd of seedDirs) {
    const foldDirs = fs.readdirSync(path.join(dir, sd)).filter((d) => /^fold_\d+$/.test(d) && fs.existsSync(path.join(dir, sd, d, 'DONE'))).sort();
    if (!foldDirs.length) continue;
    let sum: Float32Array | undefined;
    for (const fd of foldDirs) {
      const model = await tf.loadLayersModel(modelDirHandler(path.join(dir, sd, fd, 'model')));
      try {
        const p = await predictInputs(model, inputs, OUTPUTS_LOGITS[kind]);
        if (!sum) sum = new Float32Array(p.length);
        for (let i = 0; i < p.length; i++) sum[i] += p[i] / foldDirs.length;
      } finally {
        model.dispose();
      }
    }
    perSeed.push(sum!);
  }
  if (!perSeed.length) throw new DataError(dir, `member '${kind}' has no finished folds (train it first)`);
  const test = new Float32Array(perSeed[0].length);
  for (const p of perSeed) for (let i = 0; i < p.length; i++) test[i] += p[i] / perSeed.length;
  log(`[infer] ${kind}: ${perSeed.length} seed(s) x folds from ${dir}`);
  return { test: zeroControls(test, features, test.length / features.nRows), features, order, dir };
}

export async function runInfer(config: MoaConfig, place: RunPlace, opts: InferOptions, log: (l: string) => void = console.log): Promise<string> {
  const namesFile = path.join(place.root, SOLUTION, memberRunId(place, config.members[0]), 'targets.json');
  if (!fs.existsSync(namesFile)) throw new DataError(namesFile, `member '${config.members[0]}' has no finished run (run \`nx run moa:train --config ${place.configName}\` first)`);
  const targetNames = readJson<string[]>(namesFile);
  const nT = targetNames.length;
  const sample = await readSampleSubmission(sampleFileFor(opts), targetNames);
  const ensDir = path.join(place.root, SOLUTION, ensembleRunId(place));
  const weightsFile = path.join(ensDir, 'weights.json');
  const w = fs.existsSync(weightsFile) ? readJson<Record<string, number>>(weightsFile) : undefined;
  const sameMembers = w !== undefined && Object.keys(w).sort().join() === [...config.members].sort().join();
  // --out asks for the final submission: with several members that is their blend, never the
  // first member standing in for it (checked before any model is loaded).
  if (opts.out && config.members.length > 1 && !sameMembers) {
    const why = w ? `the ensemble run blends ${Object.keys(w).join(', ')}, not ${config.members.join(', ')}` : `no ensemble run blends ${config.members.join(', ')} (no ${path.basename(weightsFile)})`;
    throw new DataError(
      weightsFile,
      `${why}, so --out would get member '${config.members[0]}' alone; run \`nx run moa:ensemble --config ${place.configName}\` first (with the same --member list), or pass --member ${config.members[0]} for that member's submission`,
    );
  }
  const preds: Float32Array[] = [];
  let features: MoaFeatures | undefined;
  let order: Int32Array | null = null;
  for (const kind of config.members) {
    const r = await predictMember(place, kind, config, opts.testFile, sample, log);
    features = r.features;
    order = r.order;
    const sub = clipProbabilities(r.test, config.ensemble.clip, r.features);
    fs.mkdirSync(path.join(r.dir, 'infer'), { recursive: true });
    saveNpy(path.join(r.dir, 'infer', 'test.npy'), r.test, [r.features.nRows, nT]);
    await writeMoaSubmission(path.join(r.dir, 'infer', 'submission.csv'), r.features.sigIds, targetNames, sub, { sample });
    preds.push(r.test);
  }
  const f = features!;
  let final = preds[0];
  let finalFile = path.join(place.root, SOLUTION, memberRunId(place, config.members[0]), 'infer', 'submission.csv');
  if (w && !sameMembers) {
    log(`[infer] the ensemble blends ${Object.keys(w).join(', ')}, not ${config.members.join(', ')}; the final submission is member '${config.members[0]}' alone`);
  } else if (w) {
    const choiceFile = path.join(ensDir, ENSEMBLE_CHOICE_FILE);
    const choice = fs.existsSync(choiceFile) ? readJson<EnsembleChoice>(choiceFile) : undefined;
    if (choice?.choice === 'train-mean baseline' && choice.treatedTrainMeans) {
      final = baselinePredictions(choice.treatedTrainMeans, f);
      log(`[infer] the ensemble chose the train-mean baseline (OOF ${choice.baselineLogLoss.toFixed(6)} < blend ${choice.blendLogLoss.toFixed(6)}): submitting it, not the blend of ${config.members.join(', ')}`);
    } else {
      final = blendPredictions(preds, config.members.map((k) => w[k]));
      log(`[infer] blend of ${config.members.join(', ')} with the ensemble's weights`);
    }
    finalFile = path.join(ensDir, 'infer', 'submission.csv');
    fs.mkdirSync(path.dirname(finalFile), { recursive: true });
    await writeMoaSubmission(finalFile, f.sigIds, targetNames, clipProbabilities(final, config.ensemble.clip, f), { sample });
  } else if (config.members.length > 1) {
    log(`[infer] no ensemble run (${weightsFile}); the final submission is member '${config.members[0]}' alone`);
  }
  if (opts.out) {
    await writeMoaSubmission(opts.out, f.sigIds, targetNames, clipProbabilities(final, config.ensemble.clip, f), { sample });
    finalFile = opts.out;
  }
  const truth = readTruth(opts.dataDir, f.nRows, nT);
  if (truth.testTruth && path.resolve(opts.testFile) === path.resolve(opts.dataDir, 'test_features.csv')) {
    // The truth's rows are the file's; the predictions' are the sample's.
    const y = takeRowsInOrder(truth.testTruth, nT, order);
    log(`[infer] test log loss (truth): ${columnwiseLogLoss(y, clipProbabilities(final, config.ensemble.clip, f), nT).toFixed(6)}`);
  }
  log(`[infer] wrote ${finalFile}`);
  return finalFile;
}
