// ion-switching end to end through its CLI, as `nx run ion-switching:<target>` runs it: smoke-scale
// synthetic data in a temp folder, train (forest features + two members), resume, infer, ensemble,
// and the bad train.csv inputs that must stop with a message naming the file, row and column.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadNpy, readJson } from '@repro/io';
import { ok, readCsv, smokeCli, synthSmoke, type CliResult } from './cli';

const MEMBERS = ['cgtw', 'wavenet'];

let tmp: string;
let dataDir: string;
let runsDir: string;
let trainOut = '';

const run = smokeCli('ion-switching', () => ({ data: dataDir, runs: runsDir }), 170_000);

/** Header time,open_channels; the test times verbatim (%.4f); integer labels 0..10. */
function expectValidSubmission(file: string): number[] {
  const { header, rows } = readCsv(file);
  expect(header).toEqual(['time', 'open_channels']);
  const test = readCsv(path.join(dataDir, 'test.csv'));
  const t = test.header.indexOf('time');
  expect(rows.map((r) => r[0])).toEqual(test.rows.map((r) => r[t]));
  expect(rows.every((r) => /^\d+\.\d{4}$/.test(r[0]))).toBe(true);
  const labels = rows.map((r) => Number(r[1]));
  expect(labels.every((v, i) => /^\d+$/.test(rows[i][1]) && v >= 0 && v <= 10)).toBe(true);
  return labels;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ion-switching-e2e-'));
  dataDir = path.join(tmp, 'data');
  runsDir = path.join(tmp, 'runs');
  synthSmoke('ion-switching', dataDir);
  trainOut = ok(run('train', ['--seed', '1'])).stdout;
}, 200_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('ion-switching smoke: train, infer, ensemble', () => {
  const runDir = () => path.join(runsDir, 'ion-switching', 'smoke-seed1');

  it('train prints OOF macro F1 of the model, the rounding baseline, the Bayes ceiling and per-group numbers', () => {
    expect(trainOut).toMatch(/OOF macro F1 \(model = member cgtw\) = 0\.\d{5}/);
    expect(trainOut).toMatch(/OOF macro F1 rounding baseline = 0\.\d{5}/);
    expect(trainOut).toMatch(/Bayes ceiling \(synthetic truth\) = 0\.\d{5}/);
    for (const g of ['1ch-slow', '1ch-fast', '3ch', '5ch', '10ch']) expect(trainOut).toMatch(new RegExp(`${g} +model 0\\.\\d+ +rounding 0\\.\\d+ +Bayes 0\\.\\d+`));
    expect(trainOut).toMatch(/train\.csv: 40000 rows, typed arrays [\d.]+ MB; reduce_mem_usage/);
    // smoke z-scores the 30 model inputs (19 + 11 HMM posteriors, features.hmm.asInput) with the train rows' statistics (features.standardise)
    expect(trainOut).toMatch(/Features standardised with train statistics: mean (-?[\d.]+, ){29}-?[\d.]+; std ([\d.]+, ){29}[\d.]+/);
    expect(trainOut).toMatch(/HMM posteriors alone \(train argmax; unsupervised, not out of fold\) = 0\.\d{5}/);
  });

  it('the run folder holds config, seed, log, forest cache, per-fold models, OOF, metrics and plots', () => {
    const dir = runDir();
    const files = ['config.json', 'seed', 'log.txt', 'metrics.json', 'confusion_matrix.svg', 'rfc/oof.npy', 'rfc/test.npy', 'rfc/fold_1/DONE'];
    for (const m of MEMBERS) files.push(`members/${m}/oof.npy`, `members/${m}/fold_0/model/model.json`, `members/${m}/fold_1/model/weights.bin`, `members/${m}/confusion_matrix.svg`);
    for (const f of files) expect([f, fs.existsSync(path.join(dir, f))]).toEqual([f, true]);
    const m = readJson<Record<string, any>>(path.join(dir, 'metrics.json'));
    const truth = readJson<{ figures: Record<string, number> }>(path.join(dataDir, 'truth.json'));
    expect(m.bayesCeiling).toBe(truth.figures.bayesMacroF1);
    // Cleaning puts the signal on the open_channels scale: rounding must be far above chance.
    expect(m.roundingMacroF1).toBeGreaterThan(0.8);
    expect(m.members.map((x: any) => x.name)).toEqual(MEMBERS);
    for (const x of m.members) {
      expect(x.oofMacroF1).toBeGreaterThan(0);
      expect(Object.keys(x.perGroup)).toEqual(['1ch-slow', '1ch-fast', '3ch', '5ch', '10ch']);
    }
    const oof = loadNpy(path.join(dir, 'members', 'cgtw', 'oof.npy'));
    expect(oof.data.length).toBe(40000 * 11);
    for (let i = 0; i < 40000; i += 997) {
      const s = Array.from(oof.data.slice(i * 11, i * 11 + 11)).reduce((a, b) => a + b, 0);
      expect(Math.abs(s - 1)).toBeLessThan(1e-4);
    }
    expect(fs.readFileSync(path.join(dir, 'log.txt'), 'utf8')).toMatch(/epoch 1\/1: [\d.]+ s for \d+ step\(s\) \([\d.]+ s\/step with validation\)/);
  });

  it('a re-run resumes: forest features from the cache, finished folds reloaded, an unfinished fold from its checkpoint', () => {
    const before = readJson<Record<string, any>>(path.join(runDir(), 'metrics.json')).oofMacroF1;
    fs.rmSync(path.join(runDir(), 'members', 'wavenet', 'fold_1', 'DONE'));
    const r = ok(run('train', ['--seed', '1']));
    expect(r.stdout).toMatch(/RFC proba features: reloaded from/);
    expect(r.stdout).toMatch(/\[wavenet\] fold 1\/2 .*\(resumed\)/);
    expect(r.stdout + r.stderr).toMatch(/\[wavenet fold 2\] \[train\] resuming from .* after epoch 1\/1/);
    expect(readJson<Record<string, any>>(path.join(runDir(), 'metrics.json')).oofMacroF1).toBeCloseTo(before, 10);
  });

  it('infer writes a valid submission and per-member test probabilities', () => {
    const r = ok(run('infer', ['--seed', '1']));
    // synthetic data: scored against the hidden test labels
    expect(r.stdout).toMatch(/Test macro F1 of the submission \(synthetic truth\) = 0\.\d+; Bayes ceiling 0\.\d+/);
    expectValidSubmission(path.join(runDir(), 'submission.csv'));
    for (const m of MEMBERS) expect(loadNpy(path.join(runDir(), 'members', m, 'test_pred.npy')).shape).toEqual([16000, 11]);
  });

  it('ensemble blends the members on OOF, searches thresholds, and is no worse than the best member', () => {
    const r = ok(run('ensemble', []));
    expect(r.stdout).toMatch(
      /Chosen \((weights on oof (macro F1 \(argmax\)|log loss)|member smoke-seed1\/\w+ alone)(, then weights and (thresholds|class-scaled argmax) tuned together)?\): argmax 0\.\d+; expected value rounded 0\.\d+; with searched thresholds 0\.\d+/,
    );
    expect(r.stdout).toMatch(/, then weights and (thresholds|class-scaled argmax) tuned together: 0\.\d+ \(weights [\d. /]+\)/);
    expect(r.stdout).toMatch(/weights on oof log loss: blend argmax 0\.\d+, with searched thresholds 0\.\d+/);
    const m = readJson<Record<string, any>>(path.join(runsDir, 'ion-switching', 'ensemble', 'metrics.json'));
    // ensemble.forest / ensemble.hmm: the run's out-of-fold forest probabilities and its HMM posteriors are two more members.
    expect(m.members.map((x: any) => x.name)).toEqual([...MEMBERS, 'forest', 'hmm'].map((x) => `smoke-seed1/${x}`));
    // the final choice (blend, each member alone, rounding) is never below rounding the cleaned signal
    expect(r.stdout).toMatch(/Final choice: .*: the highest OOF macro F1 \(0\.\d{5}\)/);
    expect(m.ensembleMacroF1).toBeGreaterThanOrEqual(m.roundingMacroF1);
    const w = m.members.map((x: any) => x.weight);
    expect(w.every((v: number) => v >= 0)).toBe(true);
    expect(w.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9);
    expect(m.thresholds).toHaveLength(10);
    expect([...m.thresholds].sort((a: number, b: number) => a - b)).toEqual(m.thresholds);
    expect(m.ensembleMacroF1).toBeGreaterThanOrEqual(m.bestMemberMacroF1 - 1e-12);
    expect(m.ensembleMacroF1).toBeGreaterThanOrEqual(m.bestMemberWithThresholdsMacroF1 - 1e-12);
    expect(m.ensembleMacroF1).toBeGreaterThanOrEqual(m.bestMemberTunedMacroF1 - 1e-12);
    expect(r.stdout).toMatch(/Test macro F1 \(synthetic truth\): ensemble 0\.\d+; smoke-seed1\/cgtw 0\.\d+ argmax \/ 0\.\d+ own rule;/);
    expect(Object.keys(m.testMacroF1.members)).toEqual(m.members.map((x: any) => x.name));
    expect(m.testMacroF1.ensemble).toBeGreaterThan(0.5);
    expect(m.blendThresholdMacroF1).toBeGreaterThanOrEqual(m.blendRoundedMacroF1 - 1e-12);
    expectValidSubmission(path.join(runsDir, 'ion-switching', 'ensemble', 'submission.csv'));
  });

  it('train.workers 2 trains the (member, fold) jobs in worker processes, with the in-process OOF', () => {
    const r = ok(run('train', ['--seed', '1', '--run-id', 'smoke-workers', '--train.workers', '2']));
    expect(r.stdout).toMatch(/training member cgtw fold 1, member cgtw fold 2, member wavenet fold 1, member wavenet fold 2 in 2 worker processes/);
    const dir = path.join(runsDir, 'ion-switching', 'smoke-workers');
    // Training is seeded end to end (initializers, dropout masks, batch order): a worker repeats the
    // in-process fold exactly. The reference's wavenet fold 2 was resumed above after its last epoch,
    // which re-runs SWA's BatchNormalization refresh from the checkpoint (max diff ~0.01 seen).
    for (const [m, tol] of [['cgtw', 0], ['wavenet', 0.05]] as const) {
      const a = loadNpy(path.join(runDir(), 'members', m, 'oof.npy')).data;
      const b = loadNpy(path.join(dir, 'members', m, 'oof.npy')).data;
      expect(b.length).toBe(a.length);
      let maxDiff = 0;
      for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
      expect([m, maxDiff <= tol]).toEqual([m, true]);
    }
  });
});

describe('ion-switching bad train.csv stops with a message naming file, row and column', () => {
  /** A copy of the data whose train.csv a test may damage. */
  function damaged(name: string, edit: (lines: string[]) => void): { dir: string; file: string } {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const f of ['train.csv', 'test.csv', 'sample_submission.csv']) fs.copyFileSync(path.join(dataDir, f), path.join(dir, f));
    const file = path.join(dir, 'train.csv');
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    edit(lines);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return { dir, file };
  }

  function fails(dir: string): CliResult {
    const r = run('train', [], { data: dir, runs: path.join(dir, 'runs') });
    expect(r.status).toBe(1);
    return r;
  }

  it('a missing column', () => {
    const { dir, file } = damaged('missing-column', (l) => {
      for (let i = 0; i < l.length; i++) l[i] = l[i].split(',').filter((_, k) => k !== 1).join(',');
    });
    const r = fails(dir);
    expect(r.stderr).toContain(`${file} (row 1): expected column 'signal', but the header has: time, open_channels`);
  });

  it('a non-numeric signal', () => {
    const { dir, file } = damaged('bad-signal', (l) => {
      const c = l[101].split(',');
      c[1] = 'n/a';
      l[101] = c.join(',');
    });
    const r = fails(dir);
    expect(r.stderr).toContain(`${file} (row 102, column 'signal'): expected a float32 number, got 'n/a'`);
  });

  it('unsorted time', () => {
    const { dir, file } = damaged('unsorted-time', (l) => {
      [l[50], l[51]] = [l[51], l[50]];
    });
    const r = fails(dir);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/\(row 52, column 'time'\): expected time sorted ascending/);
  });
});
