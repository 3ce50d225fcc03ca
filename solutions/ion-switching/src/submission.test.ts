// The submission rules at the solution level, in process on a tiny data set and hand-made run
// folders (no training): test.csv's times against sample_submission.csv, written in the sample's
// order (issue item 6); an ensemble or infer member whose predictions are missing is an error
// naming it and the command that makes them, unless --members leaves it out (item 7).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ionTimeAt, loadConfig, saveNpy } from '@repro/io';
import type { BackendInfo } from '@repro/layers';
import type { IonSwitchingConfig } from './config';
import { loadAndClean, roundLabels } from './data';
import { ensemble } from './ensemble';
import { infer } from './infer';

const K = 11;
const nTrain = 40;
const nTest = 20;
// The smoke config as the CLI resolves it (smoke extends default extends base).
const smoke = (dataDir: string): IonSwitchingConfig => ({ ...loadConfig<IonSwitchingConfig>(path.join(__dirname, '..'), 'smoke', {}), data: { dir: dataDir } });

const yTrain = Int32Array.from({ length: nTrain }, (_, i) => Math.floor(i / 4) % 3);
const yTest = Int32Array.from({ length: nTest }, (_, i) => (i * 7) % 3);
/** Probabilities leaning to `y` (a little noise so the members differ). */
const probs = (y: Int32Array, sharp: number, seed: number) =>
  Float32Array.from({ length: y.length * K }, (_, j) => {
    const i = Math.floor(j / K);
    const k = j % K;
    const noise = ((i * 31 + k * 17 + seed * 7) % 10) / 100;
    return (k === y[i] ? sharp : (1 - sharp) / (K - 1)) + noise;
  });

let tmp: string;
let dataDir: string;
let runsRoot: string;
let runDir: string;

function writeSample(times: string[]): void {
  fs.writeFileSync(path.join(dataDir, 'sample_submission.csv'), ['time,open_channels', ...times.map((t) => `${t},0`)].join('\n') + '\n');
}
const testTimes = () => Array.from({ length: nTest }, (_, i) => ionTimeAt(nTrain, i).toFixed(4));

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ion-submission-'));
  dataDir = path.join(tmp, 'data');
  runsRoot = path.join(tmp, 'runs');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(
    path.join(dataDir, 'train.csv'),
    'time,signal,open_channels\n' + Array.from(yTrain, (y, i) => `${ionTimeAt(0, i).toFixed(4)},${(1.2 * y - 2.7).toFixed(4)},${y}`).join('\n') + '\n',
  );
  fs.writeFileSync(path.join(dataDir, 'test.csv'), 'time,signal\n' + Array.from(yTest, (y, i) => `${ionTimeAt(nTrain, i).toFixed(4)},${(1.2 * y - 2.7).toFixed(4)}`).join('\n') + '\n');
  writeSample(testTimes());
  // A trained run of the smoke config (members cgtw and wavenet, forest features) after train,
  // before infer: OOF for both members and the forest, the forest's test probabilities, no
  // test_pred.npy for the networks yet.
  runDir = path.join(runsRoot, 'ion-switching', 'smoke-seed1');
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(path.join(runDir, 'config.json'), JSON.stringify(smoke(dataDir)));
  fs.writeFileSync(path.join(runDir, 'seed'), '1\n');
  for (const [m, s] of [['cgtw', 0.6], ['wavenet', 0.5]] as const) saveNpy(path.join(runDir, 'members', m, 'oof.npy'), probs(yTrain, s, m.length), [nTrain, K]);
  saveNpy(path.join(runDir, 'rfc', 'oof.npy'), probs(yTrain, 0.4, 3), [nTrain, K]);
  saveNpy(path.join(runDir, 'rfc', 'test.npy'), probs(yTest, 0.4, 3), [nTest, K]);
  // features.hmm and ensemble.hmm (smoke): the HMM posteriors, made by train
  saveNpy(path.join(runDir, 'hmm', 'oof.npy'), probs(yTrain, 0.45, 4), [nTrain, K]);
  saveNpy(path.join(runDir, 'hmm', 'test.npy'), probs(yTest, 0.45, 4), [nTest, K]);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const ctx = (members?: string[]) => ({ config: smoke(dataDir), runsRoot, members });
const submission = () => fs.readFileSync(path.join(runsRoot, 'ion-switching', 'ensemble', 'submission.csv'), 'utf8').trim().split('\n');

describe('ion-switching ensemble: members whose predictions are missing', () => {
  it('is an error naming the member and the infer command (it used to write a forest-only submission)', async () => {
    const err = `ensemble member 'smoke-seed1/cgtw' has no test predictions (test_pred.npy): infer has not run for it; make its predictions with ` +
      `\`nx run ion-switching:infer --config smoke --seed 1 --data-dir ${dataDir} --runs-dir ${runsRoot}\`, or leave it out with --members smoke-seed1/wavenet,smoke-seed1/forest,smoke-seed1/hmm`;
    await expect(ensemble(ctx())).rejects.toThrow(err);
    expect(fs.existsSync(path.join(runsRoot, 'ion-switching', 'ensemble', 'submission.csv'))).toBe(false);
  });

  it('an unfinished forest is an error naming the train command', async () => {
    for (const m of ['cgtw', 'wavenet']) saveNpy(path.join(runDir, 'members', m, 'test_pred.npy'), probs(yTest, 0.6, 1), [nTest, K]);
    fs.rmSync(path.join(runDir, 'rfc', 'test.npy'));
    await expect(ensemble(ctx())).rejects.toThrow(/ensemble member 'smoke-seed1\/forest' has no test predictions \(test\.npy\): its training is unfinished; make its predictions with `nx run ion-switching:train --config smoke --seed 1/);
  });

  it('--members blends exactly the members named (bare names mean that member of every run)', async () => {
    saveNpy(path.join(runDir, 'members', 'wavenet', 'test_pred.npy'), probs(yTest, 0.5, 2), [nTest, K]);
    const m = (await ensemble(ctx(['wavenet', 'smoke-seed1/forest']))) as { members: { name: string }[] };
    expect(m.members.map((x) => x.name)).toEqual(['smoke-seed1/wavenet', 'smoke-seed1/forest']);
    expect(submission()).toHaveLength(nTest + 1);
    await expect(ensemble(ctx(['gru']))).rejects.toThrow(/--members names 'gru', which matches no member \(members: smoke-seed1\/cgtw, smoke-seed1\/wavenet, smoke-seed1\/forest, smoke-seed1\/hmm;/);
  });
});

describe('ion-switching ensemble: the final choice on OOF', () => {
  it('members (and so every blend) worse than rounding the cleaned signal: rounding is chosen and writes the submission', async () => {
    // every member predicts a permuted label (0 -> 1 -> 2 -> 0): no weights, thresholds or class
    // scales can undo it; rounding the cleaned signal (imperfect on these 4-row batches) beats them
    const wrong = (y: Int32Array) => Int32Array.from(y, (k) => (k + 1) % 3);
    for (const [m, s] of [['cgtw', 0.6], ['wavenet', 0.5]] as const) {
      saveNpy(path.join(runDir, 'members', m, 'oof.npy'), probs(wrong(yTrain), s, m.length), [nTrain, K]);
      saveNpy(path.join(runDir, 'members', m, 'test_pred.npy'), probs(wrong(yTest), s, m.length), [nTest, K]);
    }
    for (const [d, a, b] of [['rfc', 'oof', 'test'], ['hmm', 'oof', 'test']] as const) {
      saveNpy(path.join(runDir, d, `${a}.npy`), probs(wrong(yTrain), 0.5, 3), [nTrain, K]);
      saveNpy(path.join(runDir, d, `${b}.npy`), probs(wrong(yTest), 0.5, 3), [nTest, K]);
    }
    const m = (await ensemble(ctx())) as Record<string, any>;
    expect(m.rule).toBe('rounding');
    expect(m.choice.chosen).toBe('rounding of the cleaned signal');
    expect(m.choice.reason).toMatch(/^rounding of the cleaned signal: the highest OOF macro F1 \([01]\.\d{5}\), [01]\.\d+ above the next, blend/);
    expect(m.choice.options.map((o: any) => o.name.split(' (')[0])).toEqual(['blend', 'member smoke-seed1/cgtw alone', 'member smoke-seed1/wavenet alone', 'member smoke-seed1/forest alone', 'member smoke-seed1/hmm alone', 'rounding of the cleaned signal']);
    expect(m.ensembleMacroF1).toBe(m.roundingMacroF1);
    const data = await loadAndClean(smoke(dataDir), () => {});
    expect(m.roundingMacroF1).toBe(data.roundingF1);
    expect(m.ensembleMacroF1).toBeGreaterThan(m.bestMemberTunedMacroF1);
    expect(m.ensembleMacroF1).toBeGreaterThan(Math.max(...m.candidates.map((c: any) => Math.max(c.argmaxMacroF1, c.thresholdMacroF1, c.classScaledMacroF1))));
    expect(submission().slice(1).map((l) => Number(l.split(',')[1]))).toEqual(Array.from(roundLabels(data.test.clean)));
    // a good member beats rounding again once it is better on OOF: then the blend side is chosen
    saveNpy(path.join(runDir, 'members', 'cgtw', 'oof.npy'), probs(yTrain, 0.9, 1), [nTrain, K]);
    saveNpy(path.join(runDir, 'members', 'cgtw', 'test_pred.npy'), probs(yTest, 0.9, 1), [nTest, K]);
    const m2 = (await ensemble(ctx())) as Record<string, any>;
    expect(m2.rule).not.toBe('rounding');
    expect(m2.ensembleMacroF1).toBeGreaterThanOrEqual(m2.roundingMacroF1);
  });
});

describe('ion-switching: test.csv against sample_submission.csv', () => {
  beforeEach(() => {
    for (const m of ['cgtw', 'wavenet']) saveNpy(path.join(runDir, 'members', m, 'test_pred.npy'), probs(yTest, 0.6, m.length), [nTest, K]);
  });

  it('the ensemble writes its submission in the sample\'s order (rows follow their time)', async () => {
    const times = testTimes();
    await ensemble(ctx());
    const inFileOrder = submission().slice(1);
    expect(inFileOrder.map((l) => l.split(',')[0])).toEqual(times);
    writeSample([...times].reverse());
    await ensemble(ctx());
    const reversed = submission();
    expect(reversed[0]).toBe('time,open_channels');
    expect(reversed.slice(1)).toEqual([...inFileOrder].reverse());
  });

  it('a time repeated in the sample, or one test.csv lacks, is an error naming the file, row and time', async () => {
    const times = testTimes();
    writeSample([...times.slice(0, 19), times[3]]);
    await expect(ensemble(ctx())).rejects.toThrow(/sample_submission\.csv \(row 21, column 'time'\): time '0\.0044' appears 2 times, on rows 5, 21/);
    writeSample([...times.slice(0, 19), '0.0099']);
    await expect(ensemble(ctx())).rejects.toThrow(/test\.csv \(row 21, column 'time'\): time '0\.0060' is not in .*sample_submission\.csv/);
    // train checks it too (before any training), through loadAndClean.
    await expect(loadAndClean(smoke(dataDir), () => {})).rejects.toThrow(/test\.csv \(row 21, column 'time'\): time '0\.0060' is not in/);
    fs.rmSync(path.join(dataDir, 'sample_submission.csv'));
    await expect(ensemble(ctx())).rejects.toThrow(/sample_submission\.csv: file not found: expected Kaggle's sample_submission\.csv/);
  });
});

describe('ion-switching infer: a member without all its fold models', () => {
  it('is an error naming the member and the train command, unless --members leaves it out', async () => {
    fs.mkdirSync(path.join(runDir, 'members', 'cgtw', 'fold_0', 'model'), { recursive: true });
    fs.writeFileSync(path.join(runDir, 'members', 'cgtw', 'fold_0', 'model', 'model.json'), '{}');
    const base = { config: smoke(dataDir), configName: 'smoke', seed: 1, runsRoot, backendInfo: {} as BackendInfo };
    await expect(infer(base)).rejects.toThrow(
      `members/cgtw: member 'cgtw' has 1 of its 2 fold models (fold_k/model/model.json): its training is unfinished; finish it with ` +
        `\`nx run ion-switching:train --config smoke --seed 1 --data-dir ${dataDir} --runs-dir ${runsRoot}\`, or leave it out with --members wavenet`,
    );
    await expect(infer({ ...base, members: ['wavenet'] })).rejects.toThrow(/member 'wavenet' has 0 of its 2 fold models/);
    await expect(infer({ ...base, members: ['gru'] })).rejects.toThrow(/--members names 'gru', not a member of this run \(its members: cgtw, wavenet\)/);
  });
});
