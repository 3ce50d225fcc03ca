// Beyond the seed (the ensemble step): blend this solution's runs and, when present,
// hms-wavenet's runs (runs/hms-wavenet/<id>/oof.npy + oof_eeg_ids.npy + submission.csv, read as
// files), with non-negative weights summing to 1 chosen on the out-of-fold KL (never worse than
// the best member on those rows), then blend the members' submissions with those weights.
import * as fs from 'fs';
import * as path from 'path';
import { blendHmsRuns } from '@repro/cv';
import { DataError, listRuns } from '@repro/io';
import type { HmsEfficientnetConfig } from './config';
import { loadTrain } from './load';
import { SOLUTION } from './train';

export const WAVENET = 'hms-wavenet';

/** `nx run hms-efficientnet:ensemble`. */
export async function ensemble(ctx: { config: HmsEfficientnetConfig; runsRoot: string }): Promise<Record<string, unknown>> {
  const outDir = path.join(ctx.runsRoot, SOLUTION, 'ensemble');
  fs.mkdirSync(outDir, { recursive: true });
  const log = (l: string) => {
    fs.appendFileSync(path.join(outDir, 'log.txt'), `${new Date().toISOString()} ${l}\n`);
    process.stdout.write(l + '\n');
  };
  const table = await loadTrain(ctx.config.data.dir, { maxEegs: 0, seed: 0 });
  const wanted = ctx.config.ensemble.runs;
  const own = listRuns(ctx.runsRoot, SOLUTION).filter((r) => wanted.length === 0 || wanted.includes(r.id));
  for (const id of wanted) {
    if (!own.some((r) => r.id === id)) throw new DataError(path.join(ctx.runsRoot, SOLUTION, id), `ensemble.runs names run '${id}', which does not exist`);
  }
  const candidates = own.map((r) => ({ name: `${SOLUTION}/${r.id}`, dir: r.dir }));
  if (ctx.config.ensemble.includeWavenet) candidates.push(...listRuns(ctx.runsRoot, WAVENET).map((r) => ({ name: `${WAVENET}/${r.id}`, dir: r.dir })));
  return blendHmsRuns({ candidates, eegIds: table.eegId, targets: table.targets, outDir, log });
}
