// Beyond the seed (the ensemble step): blend this solution's runs (other seeds or
// configs) and, when present, hms-efficientnet's runs, with weights chosen on the out-of-fold
// KL divergence (non-negative, summing to 1; never worse than the best member), then blend the
// members' submissions with those weights.
//
// A member needs oof.npy with its eeg_ids (oof_eeg_ids.npy; eeg_ids.npy is accepted too) and a
// submission.csv (run `infer` first). The blend is fitted on the eeg_ids every member predicted
// out of fold. A run the user asked for (ensemble.runs, --members) that lacks them is an error.
import * as fs from 'fs';
import * as path from 'path';
import { blendRunsById } from '@repro/cv';
import { hmsBlendInputs, readHmsSampleSubmission, openEnsembleDir } from '@repro/io';
import { klDivergenceScore } from '@repro/metrics';
import type { HmsWavenetConfig } from './config';
import { loadTrain } from './load';
import { SOLUTION } from './train';

export interface EnsembleContext {
  config: HmsWavenetConfig;
  runsRoot: string;
  /** --members: exactly these runs ('<runId>' or 'hms-efficientnet/<runId>'), each required. */
  members?: string[];
}

/** `nx run hms-wavenet:ensemble`. */
export async function ensemble(ctx: EnsembleContext): Promise<Record<string, unknown>> {
  const outDir = path.join(ctx.runsRoot, SOLUTION, 'ensemble');
  // Removed again if this ensemble fails before writing anything; otherwise the error goes to its log.
  const { log } = openEnsembleDir(outDir);
  const table = await loadTrain(ctx.config.data.dir);
  // The blend's rows: sample_submission.csv's eeg_ids, in its order.
  const sample = await readHmsSampleSubmission(ctx.config.data.dir);
  const runs = {
    runsRoot: ctx.runsRoot,
    solution: SOLUTION,
    other: 'hms-efficientnet',
    includeOther: ctx.config.ensemble.includeEfficientnet,
    runs: ctx.config.ensemble.runs,
    members: ctx.members,
    dataDir: ctx.config.data.dir,
    defaultDataDir: 'data/hms',
  };
  // Runs of the seed's layout may lack oof_eeg_ids.npy: their rows are train.csv's eeg_ids in order.
  const kl = (sol: Float64Array, p: Float32Array) => klDivergenceScore(sol, p, 6);
  return blendRunsById({ ...hmsBlendInputs({ runs, eegIds: table.eegId, targets: table.targets, kl, sample, implicitIds: true }), outDir, log });
}
