// Beyond the seed (the ensemble step): blend this solution's runs and, when present,
// hms-wavenet's runs (runs/hms-wavenet/<id>/oof.npy + oof_eeg_ids.npy + submission.csv, read as
// files), with non-negative weights summing to 1 chosen on the out-of-fold KL (never worse than
// the best member on those rows), then blend the members' submissions with those weights. A run
// the user asked for (ensemble.runs, --members) that lacks its predictions is an error.
import * as fs from 'fs';
import * as path from 'path';
import { blendRunsById } from '@repro/cv';
import { hmsBlendInputs, readHmsSampleSubmission, openEnsembleDir } from '@repro/io';
import { klDivergenceScore } from '@repro/metrics';
import type { HmsEfficientnetConfig } from './config';
import { loadTrain } from './load';
import { SOLUTION } from './train';

export const WAVENET = 'hms-wavenet';

/**
 * `nx run hms-efficientnet:ensemble`. `members` (--members): exactly these runs ('<runId>' or
 * 'hms-wavenet/<runId>'), each required.
 */
export async function ensemble(ctx: { config: HmsEfficientnetConfig; runsRoot: string; members?: string[] }): Promise<Record<string, unknown>> {
  const outDir = path.join(ctx.runsRoot, SOLUTION, 'ensemble');
  // Removed again if this ensemble fails before writing anything; otherwise the error goes to its log.
  const { log } = openEnsembleDir(outDir);
  const table = await loadTrain(ctx.config.data.dir, { maxEegs: 0, seed: 0 });
  // The blend's rows: sample_submission.csv's eeg_ids, in its order.
  const sample = await readHmsSampleSubmission(ctx.config.data.dir);
  const runs = {
    runsRoot: ctx.runsRoot,
    solution: SOLUTION,
    other: WAVENET,
    includeOther: ctx.config.ensemble.includeWavenet,
    runs: ctx.config.ensemble.runs,
    members: ctx.members,
    dataDir: ctx.config.data.dir,
    defaultDataDir: 'data/hms',
  };
  const kl = (sol: Float64Array, p: Float32Array) => klDivergenceScore(sol, p, 6);
  return blendRunsById({ ...hmsBlendInputs({ runs, eegIds: table.eegId, targets: table.targets, kl, sample }), outDir, log });
}
