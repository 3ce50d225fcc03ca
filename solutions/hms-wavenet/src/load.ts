// Step 1 of the seed: read train.csv and aggregate it per eeg_id (libs/io's hmsEegTable: the
// seeds' pandas groupby, rows by ascending eeg_id, which GroupKFold depends on).
import { aggregateHmsEegs, headHmsEegs, readHmsTrain, selectHmsEegs, type HmsEegTable } from '@repro/io';

export type EegTable = HmsEegTable;

/** Keep the first `max` rows (0 = all). */
export function headRows(t: EegTable, max: number): EegTable {
  return headHmsEegs(t, max, selectHmsEegs);
}

/** Read `<dir>/train.csv` (readHmsTrain validates columns, votes and consensus) and aggregate it. */
export async function loadTrain(dir: string, maxEegs = 0): Promise<EegTable> {
  return headRows(aggregateHmsEegs(await readHmsTrain(dir)), maxEegs);
}
