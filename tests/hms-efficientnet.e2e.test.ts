// hms-efficientnet end to end through its CLI, as `nx run hms-efficientnet:<target>` runs it:
// smoke-scale synthetic data in a temp folder; train (in-process, and balanced with fold
// workers), infer, ensemble with an hms-wavenet-format run, the experiment table, and bad input
// that must stop with a message naming the file.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HMS_SPECTROGRAM_COLUMNS, HMS_VOTE_COLUMNS, loadNpy, readJson, readParquet, saveNpy, writeParquet } from '@repro/io';
import { ok, readCsv, smokeCli, synthSmoke } from './cli';

const SOL = 'hms-efficientnet';

let tmp: string;
let dataDir: string;
let runsDir: string;

const run = smokeCli('hms-efficientnet', () => ({ data: dataDir, runs: runsDir }), 120_000);

function expectValidSubmission(file: string): void {
  const { header, rows } = readCsv(file);
  expect(header).toEqual(['eeg_id', ...HMS_VOTE_COLUMNS]);
  const test = readCsv(path.join(dataDir, 'test.csv'));
  expect(rows.map((r) => r[0])).toEqual(test.rows.map((r) => r[test.header.indexOf('eeg_id')]));
  for (const r of rows) {
    const p = r.slice(1).map(Number);
    expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
  }
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-efficientnet-e2e-'));
  dataDir = path.join(tmp, 'data');
  runsDir = path.join(tmp, 'runs');
  synthSmoke('hms', dataDir);
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('hms-efficientnet smoke: train, infer, ensemble, experiment', () => {
  const runDir = () => path.join(runsDir, SOL, 'smoke-seed1');

  it('train writes the run folder: OOF, CV KL next to the baseline and floor, timing log, LR plot', () => {
    const r = ok(run('train', ['--seed', '1']));
    expect(r.stdout).toMatch(/CV KL \(OOF.*\) = \d/);
    expect(r.stdout).toMatch(/CV KL of the train-mean baseline = \d/);
    const dir = runDir();
    for (const f of ['config.json', 'seed', 'log.txt', 'metrics.json', 'oof.npy', 'oof_eeg_ids.npy', 'learning_curve.svg', 'lr.svg', 'timings.json', 'fold_0/model/model.json', 'fold_1/model/weights.bin']) {
      expect(fs.existsSync(path.join(dir, f))).toBe(true);
    }
    const m = readJson<Record<string, any>>(path.join(dir, 'metrics.json'));
    const truth = readJson<{ figures: Record<string, number> }>(path.join(dataDir, 'truth.json'));
    expect(Number.isFinite(m.cvKL) && m.cvKL > 0).toBe(true);
    expect(m.baselineKL).toBeGreaterThan(0);
    expect(m.floorKL).toBe(truth.figures.floorKL);
    expect(m.modalities).toEqual(['kaggle', 'eeg', 'wavelet']);
    expect(m.inputShape).toEqual([32, 48, 4]); // the image in 3 channels (the kernel's RGB stem) + row-position channel (smoke.json)
    expect(m.perFold).toHaveLength(2);
    // Stage 1 and stage 2 epochs were both trained.
    expect(new Set(m.epochs[0].map((e: any) => e.stage))).toEqual(new Set([1, 2]));
    const oof = loadNpy(path.join(dir, 'oof.npy'));
    expect(oof.shape).toEqual([m.nEegs, 6]);
    for (let i = 0; i < oof.shape[0]; i++) {
      const s = Array.from(oof.data.slice(i * 6, i * 6 + 6)).reduce((a, b) => a + b, 0);
      expect(Math.abs(s - 1)).toBeLessThan(1e-5);
    }
    const log = fs.readFileSync(path.join(dir, 'log.txt'), 'utf8');
    expect(log).toMatch(/\[time\] train_kaggle_wavelet_from_spectrograms started at \d{4}-/);
    // Both metrics: Kaggle's KL and the write-up's get_result.
    expect(Number.isFinite(m.getResult) && Number.isFinite(m.baselineGetResult)).toBe(true);
    expect(log).toMatch(/write-up's get_result .* = \d+\.\d{5} \(train-mean baseline \d+\.\d{5}\)/);
    expect(log).toMatch(/model\.weights is empty: b0 starts from random weights/);
    expect(log).toMatch(/\[time\] fold1_stage1_training took \d+\.\d{4} seconds/);
    // smoke.json trains on random label windows: one image per train.csv row besides the grouped one.
    expect(log).toMatch(new RegExp(`train\\.randomWindows: ${fs.readFileSync(path.join(dataDir, 'train.csv'), 'utf8').trim().split('\n').length - 1} label windows of ${m.nEegs} EEGs`));
    const timings = readJson<{ name: string; seconds: number }[]>(path.join(dir, 'timings.json'));
    expect(timings.map((t) => t.name)).toEqual(expect.arrayContaining(['load_train_csv', 'train_kaggle_wavelet_from_spectrograms', 'train_eeg_from_raw_eeg', 'fold2_stage2_training', 'train_pipeline']));
    expect(fs.readFileSync(path.join(dir, 'lr.svg'), 'utf8')).toMatch(/stage 2/);
  });

  it('a balanced run (N rows per class) trains its folds in worker processes and saves balanced_train.csv', () => {
    const r = ok(run('train', ['--seed', '2', '--run-id', 'balanced', '--train.workers', '2', '--data.balanced.enabled', 'true', '--data.balanced.perClass', '4']));
    expect(r.stdout).toMatch(/in 2 worker processes/);
    const dir = path.join(runsDir, SOL, 'balanced');
    const { header, rows } = readCsv(path.join(dir, 'balanced_train.csv'));
    const cls = header.indexOf('expert_consensus');
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(row[cls], (counts.get(row[cls]) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBe(4);
    const labelIds = rows.map((row) => row[header.indexOf('label_id')]);
    expect(new Set(labelIds).size).toBe(labelIds.length); // without replacement
    expect(fs.existsSync(path.join(dir, 'fold_1', 'DONE'))).toBe(true);
  });

  it('infer averages the fold models into a valid submission', () => {
    ok(run('infer', ['--seed', '1']));
    expectValidSubmission(path.join(runDir(), 'submission.csv'));
  });

  it('ensemble blends with an hms-wavenet run on OOF KL, no worse than the better member', () => {
    // An hms-wavenet run folder in that solution's format: oof.npy + oof_eeg_ids.npy + submission.csv.
    const wn = path.join(runsDir, 'hms-wavenet', 'smoke-seed1');
    fs.mkdirSync(wn, { recursive: true });
    fs.writeFileSync(path.join(wn, 'config.json'), '{}');
    const ids = loadNpy(path.join(runDir(), 'oof_eeg_ids.npy')).data as Float64Array;
    const prior = [0.3, 0.2, 0.1, 0.15, 0.1, 0.15];
    saveNpy(path.join(wn, 'oof.npy'), Float32Array.from({ length: ids.length * 6 }, (_, i) => prior[i % 6]), [ids.length, 6]);
    saveNpy(path.join(wn, 'oof_eeg_ids.npy'), ids);
    const sub = readCsv(path.join(runDir(), 'submission.csv'));
    fs.writeFileSync(path.join(wn, 'submission.csv'), [sub.header.join(','), ...sub.rows.map((r) => [r[0], ...prior].join(','))].join('\n') + '\n');

    const r = ok(run('ensemble', []));
    expect(r.stdout).toMatch(/Blended OOF KL = \d/);
    expect(r.stdout).toMatch(/skip hms-efficientnet\/balanced: no submission\.csv/);
    const m = readJson<Record<string, any>>(path.join(runsDir, SOL, 'ensemble', 'metrics.json'));
    expect(m.members.map((x: any) => x.name).sort()).toEqual(['hms-efficientnet/smoke-seed1', 'hms-wavenet/smoke-seed1']);
    const w = m.members.map((x: any) => x.weight);
    expect(w.every((v: number) => v >= 0)).toBe(true);
    expect(w.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9);
    expect(m.blendKL).toBeLessThanOrEqual(Math.min(...m.members.map((x: any) => x.oofKL)) + 1e-12);
    expectValidSubmission(path.join(runsDir, SOL, 'ensemble', 'submission.csv'));
  });

  it('experiment writes the seed result table sorted by CV', () => {
    const r = ok(run('experiment', ['--seed', '1']));
    expect(r.stdout).toMatch(/Features combinations experiment result/);
    const md = fs.readFileSync(path.join(runsDir, SOL, 'experiment-smoke-seed1', 'experiment_table.md'), 'utf8');
    const lines = md.split('\n').filter((l) => l.startsWith('| '));
    expect(lines[0]).toMatch(/\| Model +\| Use Kaggle Spectrograms \| Use EEG Spectrograms \| Use Wavelet Spectrograms \| CV Result +\| Kaggle KL \|/);
    const cv = lines.slice(1).map((l) => Number(l.split('|')[5].replace(/\*/g, '')));
    expect(cv).toHaveLength(2);
    expect(cv.every(Number.isFinite)).toBe(true);
    expect(cv[0]).toBeLessThanOrEqual(cv[1]);
  });
});

describe('hms-efficientnet bad input stops with a message naming the file', () => {
  function copyData(name: string): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(dataDir, 'train.csv'), path.join(dir, 'train.csv'));
    for (const d of ['train_eegs', 'train_spectrograms']) fs.cpSync(path.join(dataDir, d), path.join(dir, d), { recursive: true });
    return dir;
  }

  it('a spectrogram parquet with missing frequency columns', async () => {
    const dir = copyData('bad-spectrogram');
    const { header, rows } = readCsv(path.join(dir, 'train.csv'));
    const id = rows[0][header.indexOf('spectrogram_id')];
    const file = path.join(dir, 'train_spectrograms', `${id}.parquet`);
    const t = await readParquet(file);
    // Drop the LL block's first 10 frequency columns.
    const dropped = HMS_SPECTROGRAM_COLUMNS.slice(1, 11);
    const cols = Object.fromEntries(Object.entries(t.columns).filter(([k]) => !dropped.includes(k))) as Record<string, Float32Array>;
    await writeParquet(file, cols);
    const r = run('train', [], { data: dir, runs: path.join(tmp, 'runs-bad-spec') });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/lacks 10 of the 401 needed columns/);
    expect(r.stderr).toContain(`'${dropped[0]}'`);
  });

  it('a missing EEG parquet for an eeg_id', () => {
    const dir = copyData('missing-eeg');
    const { header, rows } = readCsv(path.join(dir, 'train.csv'));
    const id = rows[0][header.indexOf('eeg_id')];
    fs.rmSync(path.join(dir, 'train_eegs', `${id}.parquet`));
    const r = run('train', [], { data: dir, runs: path.join(tmp, 'runs-missing-eeg') });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(path.join(dir, 'train_eegs', `${id}.parquet`));
    expect(r.stderr).toMatch(/not found/);
  });
});
