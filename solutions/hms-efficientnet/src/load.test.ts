import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readHmsTrain, writeCsv } from '@repro/io';
import { balancedRows, groupByEeg, loadTrain } from './load';

const classes = ['Seizure', 'LPD', 'GPD', 'LRDA', 'GRDA', 'Other'];
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-eff-load-'));
  // 3 eeg_ids; eeg 20 has two rows (offsets 10 and 30 s, votes 3 and 12).
  const rows = [
    [20, 0, 0, 500, 0, 10, 1, 7, 'LPD', 0, 3, 0, 0, 0, 0],
    [10, 0, 0, 400, 0, 4, 2, 5, 'Seizure', 2, 0, 0, 0, 0, 1],
    [20, 1, 8, 501, 1, 30, 3, 7, 'GPD', 0, 2, 10, 0, 0, 0],
    [30, 0, 0, 600, 0, 0, 4, 6, 'Other', 0, 0, 0, 0, 0, 12],
  ];
  const names = ['eeg_id', 'eeg_sub_id', 'eeg_label_offset_seconds', 'spectrogram_id', 'spectrogram_sub_id', 'spectrogram_label_offset_seconds', 'label_id', 'patient_id', 'expert_consensus', 'seizure_vote', 'lpd_vote', 'gpd_vote', 'lrda_vote', 'grda_vote', 'other_vote'];
  await writeCsv(path.join(dir, 'train.csv'), names.map((name, j) => ({ name, values: rows.map((r) => r[j]) as never })));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('groupByEeg (the notebook groupby)', () => {
  it('sorts by eeg_id, takes the first spectrogram_id/patient/consensus, min/max offsets, summed and normalised votes', async () => {
    const t = groupByEeg(await readHmsTrain(dir));
    expect(Array.from(t.eegId)).toEqual([10, 20, 30]);
    expect(Array.from(t.spectrogramId)).toEqual([400, 500, 600]);
    expect([t.specMin[1], t.specMax[1]]).toEqual([10, 30]);
    expect(classes[t.target[1]]).toBe('LPD');
    expect(Array.from(t.votes.subarray(6, 12))).toEqual([0, 5, 10, 0, 0, 0]);
    expect(t.targets[7]).toBeCloseTo(5 / 15, 12);
    expect(Array.from(t.minRowVotes)).toEqual([3, 3, 12]);
    expect(t.windows[1]).toEqual([
      { eegOffset: 0, specOffset: 10 },
      { eegOffset: 8, specOffset: 30 },
    ]);
  });
});

describe('balanced subset (the seed small dataset)', () => {
  it('draws perClass rows per class without replacement, all rows of a short class, deterministic per seed', async () => {
    const t = await readHmsTrain(dir);
    const a = balancedRows(t, 1, 3);
    expect(a.counts).toEqual({ Seizure: 1, LPD: 1, GPD: 1, LRDA: 0, GRDA: 0, Other: 1 });
    expect(new Set(a.rows).size).toBe(a.rows.length);
    expect(a.short).toEqual(['LRDA (0 rows)', 'GRDA (0 rows)']);
    expect(Array.from(balancedRows(t, 1, 3).rows)).toEqual(Array.from(a.rows));
  });

  it('loadTrain writes balanced_train.csv that reads back as a train.csv', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-eff-bal-'));
    const t = await loadTrain(dir, { maxEegs: 0, balanced: { enabled: true, perClass: 1 }, seed: 1, outDir: out });
    fs.renameSync(path.join(out, 'balanced_train.csv'), path.join(out, 'train.csv'));
    const re = await readHmsTrain(out);
    expect(re.nRows).toBe(4);
    expect(t.n).toBe(new Set(Array.from(re.eegId)).size);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
