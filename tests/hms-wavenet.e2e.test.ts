// hms-wavenet end to end through its CLI, as `nx run hms-wavenet:<target>` runs it: smoke-scale
// synthetic data in a temp folder, two training runs (one in-process, one with fold workers),
// resume, infer, ensemble, and the three bad inputs that must stop with a message naming the file.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HMS_VOTE_COLUMNS, loadNpy, readJson, writeParquet } from '@repro/io';
import { ok, readCsv, smokeCli, synthSmoke } from './cli';

let tmp: string;
let dataDir: string;
let runsDir: string;

const run = smokeCli('hms-wavenet', () => ({ data: dataDir, runs: runsDir }), 120_000);

function expectValidSubmission(file: string): string[] {
  const { header, rows } = readCsv(file);
  expect(header).toEqual(['eeg_id', ...HMS_VOTE_COLUMNS]);
  const testIds = readCsv(path.join(dataDir, 'test.csv'));
  const idCol = testIds.header.indexOf('eeg_id');
  expect(rows.map((r) => r[0])).toEqual(testIds.rows.map((r) => r[idCol]));
  for (const r of rows) {
    const p = r.slice(1).map(Number);
    expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
  }
  return rows.map((r) => r[0]);
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-wavenet-e2e-'));
  dataDir = path.join(tmp, 'data');
  runsDir = path.join(tmp, 'runs');
  synthSmoke('hms', dataDir);
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('hms-wavenet smoke: train, infer, ensemble', () => {
  const runDir = () => path.join(runsDir, 'hms-wavenet', 'smoke-seed1');

  it('train writes the run folder with OOF, CV KL next to the baseline and the truth floor', () => {
    const r = ok(run('train', ['--seed', '1']));
    expect(r.stdout).toMatch(/CV Score with WaveNet Raw EEG = \d/);
    expect(r.stdout).toMatch(/CV Score with Train Means = \d/);
    const dir = runDir();
    for (const f of ['config.json', 'seed', 'log.txt', 'metrics.json', 'oof.npy', 'oof_eeg_ids.npy', 'learning_curve.svg', 'fold_0/model/model.json', 'fold_1/model/weights.bin']) {
      expect(fs.existsSync(path.join(dir, f))).toBe(true);
    }
    const m = readJson<Record<string, any>>(path.join(dir, 'metrics.json'));
    const truth = readJson<{ figures: Record<string, number> }>(path.join(dataDir, 'truth.json'));
    expect(m.cvKL).toBeGreaterThan(0);
    expect(Number.isFinite(m.cvKL)).toBe(true);
    expect(m.baselineKL).toBeGreaterThan(0);
    expect(m.floorKL).toBe(truth.figures.floorKL);
    expect(m.perFold).toHaveLength(2);
    expect(m.perFold.every((f: any) => Number.isFinite(f.kl) && Number.isFinite(f.baselineKL))).toBe(true);
    expect(m.epochs[0][0].secondsPerStep).toBeGreaterThan(0);
    expect(m.backend).toMatch(/wasm|cpu|tensorflow/);
    const oof = loadNpy(path.join(dir, 'oof.npy'));
    expect(oof.shape).toEqual([m.nEegs, 6]);
    for (let i = 0; i < oof.shape[0]; i++) {
      const s = Array.from(oof.data.slice(i * 6, i * 6 + 6)).reduce((a, b) => a + b, 0);
      expect(Math.abs(s - 1)).toBeLessThan(1e-5);
    }
    expect(fs.readFileSync(path.join(dir, 'log.txt'), 'utf8')).toMatch(/epoch 1\/1: train .* s\/step/);
    // Each fold's OOF is its last validation pass (the final weights), not a second prediction pass.
    expect(fs.readFileSync(path.join(dir, 'log.txt'), 'utf8').match(/OOF predictions: the last validation pass's/g)).toHaveLength(2);
  });

  it('a re-run resumes: finished folds are reloaded, an unfinished fold resumes from its checkpoint', () => {
    const before = readJson<Record<string, any>>(path.join(runDir(), 'metrics.json')).cvKL;
    const oofBefore = fs.readFileSync(path.join(runDir(), 'oof.npy'));
    fs.rmSync(path.join(runDir(), 'fold_1', 'DONE'));
    const r = ok(run('train', ['--seed', '1']));
    expect(r.stdout).toMatch(/fold 1\/2 .*\(resumed\)/);
    expect(r.stdout + r.stderr).toMatch(/\[fold 2\] \[train\] resuming from .* after epoch 1\/1/);
    expect(readJson<Record<string, any>>(path.join(runDir(), 'metrics.json')).cvKL).toBeCloseTo(before, 6);
    // The resumed fold had nothing left to train, so its OOF came from a prediction pass: the same
    // bytes as the validation pass gave the first time.
    expect(r.stdout + r.stderr).toMatch(/\[fold 2\] OOF predictions: \d+ EEGs in/);
    expect(fs.readFileSync(path.join(runDir(), 'oof.npy')).equals(oofBefore)).toBe(true);
  });

  it('a second seed trains its folds in worker processes', () => {
    const r = ok(run('train', ['--seed', '2', '--train.workers', '2']));
    expect(r.stdout).toMatch(/in 2 worker processes/);
    expect(fs.existsSync(path.join(runsDir, 'hms-wavenet', 'smoke-seed2', 'fold_1', 'DONE'))).toBe(true);
  });

  it('infer averages the fold models into a valid submission', () => {
    ok(run('infer', ['--seed', '1']));
    ok(run('infer', ['--seed', '2']));
    expectValidSubmission(path.join(runDir(), 'submission.csv'));
    expectValidSubmission(path.join(runsDir, 'hms-wavenet', 'smoke-seed2', 'submission.csv'));
  });

  it('ensemble blends the runs on OOF KL, no worse than the best run', () => {
    const r = ok(run('ensemble', []));
    expect(r.stdout).toMatch(/Blended OOF KL = \d/);
    const m = readJson<Record<string, any>>(path.join(runsDir, 'hms-wavenet', 'ensemble', 'metrics.json'));
    expect(m.members.map((x: any) => x.name).sort()).toEqual(['hms-wavenet/smoke-seed1', 'hms-wavenet/smoke-seed2']);
    const w = m.members.map((x: any) => x.weight);
    expect(w.every((v: number) => v >= 0)).toBe(true);
    expect(w.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9);
    expect(m.blendKL).toBeLessThanOrEqual(Math.min(...m.members.map((x: any) => x.oofKL)) + 1e-12);
    expectValidSubmission(path.join(runsDir, 'hms-wavenet', 'ensemble', 'submission.csv'));
  });
});

describe('hms-wavenet bad input stops with a message naming the file', () => {
  /** A copy of train.csv + train_eegs that a test may damage. */
  function copyData(name: string): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(dataDir, 'train.csv'), path.join(dir, 'train.csv'));
    fs.cpSync(path.join(dataDir, 'train_eegs'), path.join(dir, 'train_eegs'), { recursive: true });
    return dir;
  }
  const firstEegId = (dir: string) => {
    const { header, rows } = readCsv(path.join(dir, 'train.csv'));
    return rows[0][header.indexOf('eeg_id')];
  };

  it('a missing parquet for an eeg_id', () => {
    const dir = copyData('missing-parquet');
    const id = firstEegId(dir);
    fs.rmSync(path.join(dir, 'train_eegs', `${id}.parquet`));
    const r = run('train', [], { data: dir, runs: path.join(tmp, 'runs-missing') });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(path.join(dir, 'train_eegs', `${id}.parquet`));
    expect(r.stderr).toMatch(/not found/);
  });

  it('a parquet without the needed columns', async () => {
    const dir = copyData('bad-columns');
    const id = firstEegId(dir);
    const cols = Object.fromEntries(['Fp1', 'T3', 'C3', 'Fp2', 'C4', 'T4', 'O2', 'EKG'].map((c) => [c, new Float32Array(12000)]));
    await writeParquet(path.join(dir, 'train_eegs', `${id}.parquet`), cols);
    const r = run('train', [], { data: dir, runs: path.join(tmp, 'runs-columns') });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${id}.parquet`);
    expect(r.stderr).toMatch(/lacks needed column 'O1'/);
  });

  it('a train.csv with a missing vote column', () => {
    const dir = copyData('missing-vote');
    const file = path.join(dir, 'train.csv');
    const { header, rows } = readCsv(file);
    const drop = header.indexOf('lrda_vote');
    const keep = (r: string[]) => r.filter((_, i) => i !== drop).join(',');
    fs.writeFileSync(file, [keep(header), ...rows.map(keep)].join('\n') + '\n');
    const r = run('train', [], { data: dir, runs: path.join(tmp, 'runs-votes') });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/missing vote column 'lrda_vote'/);
  });
});
