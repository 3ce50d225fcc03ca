// The submission rules at the solution level, in process with hand-made run folders (no
// training): test.csv's eeg_ids against sample_submission.csv, checked before any EEG is read
// (issue item 6); ensemble members the user asked for that lack their predictions are an error
// (item 7), and the blend follows the sample's order.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HMS_SUBMISSION_COLUMNS, HMS_TRAIN_COLUMNS, loadConfig, saveNpy, writeHmsSubmission } from '@repro/io';
import type { BackendInfo } from '@repro/layers';
import type { HmsEfficientnetConfig } from './config';
import { ensemble } from './ensemble';
import { infer } from './infer';

let tmp: string;
let dataDir: string;
let runsRoot: string;
/** The smoke config on this test's data folder. */
function config(): HmsEfficientnetConfig {
  const c = loadConfig<HmsEfficientnetConfig>(path.join(__dirname, '..'), 'smoke');
  c.data.dir = dataDir;
  return c;
}
const uniform = Array(6).fill(1 / 6).join(',');

function writeTest(ids: number[]): void {
  fs.writeFileSync(path.join(dataDir, 'test.csv'), ['spectrogram_id,eeg_id,patient_id', ...ids.map((id, i) => `${500 + i},${id},${20 + i}`)].join('\n') + '\n');
}
function writeSample(ids: number[]): void {
  fs.writeFileSync(path.join(dataDir, 'sample_submission.csv'), [HMS_SUBMISSION_COLUMNS.join(','), ...ids.map((id) => `${id},${uniform}`)].join('\n') + '\n');
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-efficientnet-submission-'));
  dataDir = path.join(tmp, 'data');
  runsRoot = path.join(tmp, 'runs');
  fs.mkdirSync(dataDir, { recursive: true });
  // train.csv: three EEGs, one row each.
  const rows = [1000000001, 1000000002, 1000000003].map((eeg, i) => {
    const v: Record<string, string | number> = {
      eeg_id: eeg, eeg_sub_id: 0, eeg_label_offset_seconds: '0.0', spectrogram_id: 100 + i, spectrogram_sub_id: 0,
      spectrogram_label_offset_seconds: '0.0', label_id: 5000 + i, patient_id: 7 + i, expert_consensus: 'LPD',
      seizure_vote: 0, lpd_vote: 3, gpd_vote: i, lrda_vote: 0, grda_vote: 0, other_vote: 1,
    };
    return HMS_TRAIN_COLUMNS.map((c) => v[c]).join(',');
  });
  fs.writeFileSync(path.join(dataDir, 'train.csv'), [HMS_TRAIN_COLUMNS.join(','), ...rows].join('\n') + '\n');
  writeTest([3911565283, 5]);
  writeSample([3911565283, 5]);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('hms-efficientnet infer: test.csv against sample_submission.csv', () => {
  /** A run folder with (fake) fold models: infer stops at the ids, before loading them. */
  function fakeRun(): void {
    const dir = path.join(runsRoot, 'hms-efficientnet', 'smoke-seed1');
    for (const k of [0, 1]) {
      fs.mkdirSync(path.join(dir, `fold_${k}`, 'model'), { recursive: true });
      fs.writeFileSync(path.join(dir, `fold_${k}`, 'model', 'model.json'), '{}');
    }
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config()));
    fs.writeFileSync(path.join(dir, 'seed'), '1\n');
  }
  const ctx = () => ({ config: config(), configName: 'smoke', configFile: '', seed: 1, runsRoot, backend: 'cpu' as const, backendInfo: { summary: '' } as BackendInfo, cliPath: '' });

  it('a repeated eeg_id in test.csv is an error naming the rows (it used to give the id twice in the submission)', async () => {
    fakeRun();
    writeTest([3911565283, 5, 3911565283]);
    await expect(infer(ctx())).rejects.toThrow(/test\.csv \(row 4, column 'eeg_id'\): eeg_id '3911565283' appears 2 times, on rows 2, 4; expected each eeg_id once/);
  });

  it('an eeg_id missing from either file is an error naming the file, row and id', async () => {
    fakeRun();
    writeSample([3911565283, 6]);
    await expect(infer(ctx())).rejects.toThrow(/test\.csv \(row 3, column 'eeg_id'\): eeg_id '5' is not in .*sample_submission\.csv/);
    writeSample([3911565283, 5, 6]);
    await expect(infer(ctx())).rejects.toThrow(/sample_submission\.csv \(row 4, column 'eeg_id'\): eeg_id '6' is not in .*test\.csv/);
  });
});

describe('hms-efficientnet ensemble: the members to blend', () => {
  async function run(id: string, submissionIds?: number[]): Promise<void> {
    const dir = path.join(runsRoot, 'hms-efficientnet', id);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'config.json'), '{}');
    saveNpy(path.join(dir, 'oof.npy'), Float32Array.from({ length: 18 }, (_, j) => (j % 6 === 1 ? 0.5 : 0.1)), [3, 6]);
    saveNpy(path.join(dir, 'oof_eeg_ids.npy'), Float64Array.from([1000000001, 1000000002, 1000000003]));
    if (submissionIds) await writeHmsSubmission(path.join(dir, 'submission.csv'), submissionIds, submissionIds.flatMap(() => [0.5, 0.1, 0.1, 0.1, 0.1, 0.1]));
  }

  it('--members: a named run without its submission is an error naming the infer command; the blend follows the sample', async () => {
    await run('smoke-seed1', [5, 3911565283]);
    await run('smoke-seed2');
    const cfg = config();
    await expect(ensemble({ config: cfg, runsRoot, members: ['smoke-seed1', 'smoke-seed2'] })).rejects.toThrow(
      `ensemble member 'hms-efficientnet/smoke-seed2' lacks its predictions: no submission.csv (run infer for it first); make them with \`nx run hms-efficientnet:infer --config smoke --seed 2 --data-dir ${dataDir} --runs-dir ${runsRoot}\``,
    );
    await expect(ensemble({ config: { ...cfg, ensemble: { ...cfg.ensemble, runs: ['smoke-seed2'] } }, runsRoot })).rejects.toThrow(/ensemble member 'hms-efficientnet\/smoke-seed2' lacks its predictions/);
    const m = (await ensemble({ config: cfg, runsRoot, members: ['smoke-seed1'] })) as { members: { name: string }[] };
    expect(m.members.map((x) => x.name)).toEqual(['hms-efficientnet/smoke-seed1']);
    const sub = fs.readFileSync(path.join(runsRoot, 'hms-efficientnet', 'ensemble', 'submission.csv'), 'utf8').trim().split('\n');
    expect(sub.map((l) => l.split(',')[0])).toEqual(['eeg_id', '3911565283', '5']);
  });
});
