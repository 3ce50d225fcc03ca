import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HMS_TRAIN_COLUMNS } from '@repro/io';
import { headRows, loadTrain } from './load';

// eeg_id, patient_id, consensus, votes (6); other columns filled in below.
const ROWS: [number, number, string, number[]][] = [
  [3000000001, 7, 'LPD', [0, 3, 0, 0, 0, 0]],
  [1000000002, 5, 'Seizure', [2, 0, 0, 0, 0, 1]],
  [3000000001, 9, 'Other', [0, 1, 0, 0, 0, 2]], // same eeg, later row: patient/consensus ignored
  [1000000002, 5, 'Other', [0, 0, 0, 0, 0, 12]],
  [2000000003, 6, 'GRDA', [0, 0, 0, 0, 1, 0]],
];

function writeTrainCsv(dir: string, drop?: string): void {
  const cols = HMS_TRAIN_COLUMNS.filter((c) => c !== drop);
  const lines = [cols.join(',')];
  ROWS.forEach(([eeg, patient, consensus, votes], i) => {
    const v: Record<string, string | number> = {
      eeg_id: eeg,
      eeg_sub_id: i,
      eeg_label_offset_seconds: '0.0',
      spectrogram_id: 100 + i,
      spectrogram_sub_id: 0,
      spectrogram_label_offset_seconds: '0.0',
      label_id: 5000 + i,
      patient_id: patient,
      expert_consensus: consensus,
      seizure_vote: votes[0],
      lpd_vote: votes[1],
      gpd_vote: votes[2],
      lrda_vote: votes[3],
      grda_vote: votes[4],
      other_vote: votes[5],
    };
    lines.push(cols.map((c) => v[c]).join(','));
  });
  fs.writeFileSync(path.join(dir, 'train.csv'), lines.join('\n') + '\n');
}

describe('loadTrain (the seed groupby per eeg_id)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-wavenet-load-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sorts eeg_ids, takes the first patient_id and expert_consensus, sums and normalises votes', async () => {
    writeTrainCsv(dir);
    const t = await loadTrain(dir);
    expect(t.n).toBe(3);
    expect(Array.from(t.eegId)).toEqual([1000000002, 2000000003, 3000000001]);
    expect(Array.from(t.patientId)).toEqual([5, 6, 7]);
    expect(Array.from(t.target)).toEqual([0, 4, 1]); // Seizure, GRDA, LPD (first rows)
    expect(Array.from(t.votes.slice(0, 6))).toEqual([2, 0, 0, 0, 0, 13]);
    const y0 = Array.from(t.targets.slice(0, 6));
    expect(y0[0]).toBeCloseTo(2 / 15, 12);
    expect(y0[5]).toBeCloseTo(13 / 15, 12);
    expect(Array.from(t.targets.slice(12, 18)).map((v) => Number(v.toFixed(12)))).toEqual([0, Number((4 / 6).toFixed(12)), 0, 0, 0, Number((2 / 6).toFixed(12))]);
    expect(Array.from(t.rowCount)).toEqual([2, 1, 2]);
    expect(Array.from(t.minRowVotes)).toEqual([3, 1, 3]);
    expect(headRows(t, 2).eegId.length).toBe(2);
  });

  it('names the file and the column when a vote column is missing', async () => {
    writeTrainCsv(dir, 'grda_vote');
    await expect(loadTrain(dir)).rejects.toThrow(/train\.csv.*missing vote column 'grda_vote'/);
  });
});
