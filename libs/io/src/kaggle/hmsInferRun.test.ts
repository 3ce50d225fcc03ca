// The checks infer makes before any EEG is read (issue item 6): a trained run on this training
// data with the model settings the config gives now, and test.csv's eeg_ids against
// sample_submission.csv's; then the fold mean written in the sample's order.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { normalizeHmsRows, openHmsInferRun, writeHmsFoldMean } from './hmsInferRun';
import { readHmsSubmission } from './hmsFiles';
import { hmsTestDataDir, hmsTestTrainedRun, writeHmsSampleSubmissionCsv, writeHmsTestCsv } from './hmsTesting';

let tmp: string;
let dataDir: string;
let runsRoot: string;
const config = () => ({ data: { dir: dataDir }, train: { folds: 2, foldsToTrain: 2 }, model: { width: 4 } });
const open = (c = config()) =>
  openHmsInferRun({ solution: 'hms-x', runsRoot, configName: 'smoke', seed: 1, config: c, sections: { names: 'model', of: (x: ReturnType<typeof config>) => x.model } });

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-infer-run-'));
  dataDir = hmsTestDataDir(path.join(tmp, 'data'), [3911565283, 5]);
  runsRoot = path.join(tmp, 'runs');
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('openHmsInferRun', () => {
  it('needs a trained run with the model settings the config gives now', async () => {
    await expect(open()).rejects.toThrow(/no trained run here \(no config\.json\); run 'nx run hms-x:train' with the same --config\/--seed\/--run-id first/);
    hmsTestTrainedRun(path.join(runsRoot, 'hms-x', 'smoke-seed1'), config());
    await expect(open({ ...config(), model: { width: 8 } })).rejects.toThrow(/the run was trained with other model settings than config 'smoke' now gives/);
    const r = await open();
    expect(r.folds.map((f) => path.basename(path.dirname(f)))).toEqual(['fold_0', 'fold_1']);
  });

  it('a repeated eeg_id in test.csv is an error naming the rows (it used to give the id twice in the submission)', async () => {
    hmsTestTrainedRun(path.join(runsRoot, 'hms-x', 'smoke-seed1'), config());
    writeHmsTestCsv(dataDir, [3911565283, 5, 3911565283]);
    await expect(open()).rejects.toThrow(/test\.csv \(row 4, column 'eeg_id'\): eeg_id '3911565283' appears 2 times, on rows 2, 4; expected each eeg_id once/);
  });

  it('an eeg_id missing from either file is an error naming the file, row and id', async () => {
    hmsTestTrainedRun(path.join(runsRoot, 'hms-x', 'smoke-seed1'), config());
    writeHmsSampleSubmissionCsv(dataDir, [3911565283, 6]);
    await expect(open()).rejects.toThrow(/test\.csv \(row 3, column 'eeg_id'\): eeg_id '5' is not in .*sample_submission\.csv/);
    writeHmsSampleSubmissionCsv(dataDir, [3911565283, 5, 6]);
    await expect(open()).rejects.toThrow(/sample_submission\.csv \(row 4, column 'eeg_id'\): eeg_id '6' is not in .*test\.csv/);
  });
});

describe('writeHmsFoldMean', () => {
  it('writes the fold models\' mean, rows summing to 1, in sample_submission.csv\'s order', async () => {
    hmsTestTrainedRun(path.join(runsRoot, 'hms-x', 'smoke-seed1'), config());
    writeHmsSampleSubmissionCsv(dataDir, [5, 3911565283]);
    const r = await open();
    // Two folds' summed rows for test.csv's order (3911565283, 5).
    const sum = Float64Array.from([2, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0]);
    const out = await writeHmsFoldMean(r, sum, ({ nTest }) => `wrote ${nTest}`);
    const sub = await readHmsSubmission(out.submission);
    expect(Array.from(sub.ids)).toEqual([5, 3911565283]);
    expect(Array.from(sub.probs)).toEqual([0, 0.5, 0.5, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(fs.readFileSync(r.run.path('log.txt'), 'utf8')).toMatch(/wrote 2/);
  });
});

it('normalizeHmsRows makes each row sum to 1, in place', () => {
  const p = Float32Array.from([1, 1, 1, 1, 1, 3, 2, 0, 0, 0, 0, 0]);
  expect(normalizeHmsRows(p)).toBe(p);
  expect(Array.from(p.subarray(6))).toEqual([1, 0, 0, 0, 0, 0]);
  expect(p[5]).toBeCloseTo(3 / 8, 7);
});
