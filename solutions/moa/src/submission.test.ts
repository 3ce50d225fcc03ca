// The submission rules at the solution level, in process on a tiny data set in the real layout:
// test_features.csv's sig_ids against sample_submission.csv, test rows put in the sample's order
// (issue item 6); `infer --out` with several members and no ensemble run is an error, not the
// first member standing in for the blend (item 7).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MOA_FEATURE_COLUMNS, MOA_SCORED_TARGETS, saveNpy, writeJson } from '@repro/io';
import type { MoaConfig } from './config';
import { runInfer } from './infer';
import { loadTrainData } from './load';

let tmp: string;
let dataDir: string;
const trainIds = ['id_000644bb2', 'id_000779bfc', 'id_000a6266a'];
const testIds = ['id_0004d9e33', 'id_001897cda', 'id_002429b5b'];

const csv = (file: string, header: readonly string[], rows: (string | number)[][]) =>
  fs.writeFileSync(path.join(dataDir, file), [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
/** A features row whose numbers are all `v` (so a row can be told by its values). */
const featureRow = (id: string, v: number) => [id, 'trt_cp', 24, 'D1', ...Array(MOA_FEATURE_COLUMNS.length - 4).fill(v)];
const writeSample = (ids: string[]) => csv('sample_submission.csv', ['sig_id', ...MOA_SCORED_TARGETS], ids.map((id) => [id, ...MOA_SCORED_TARGETS.map(() => 0.5)]));

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'moa-submission-'));
  dataDir = path.join(tmp, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  csv('train_features.csv', MOA_FEATURE_COLUMNS, trainIds.map((id, i) => featureRow(id, i)));
  csv('test_features.csv', MOA_FEATURE_COLUMNS, testIds.map((id, i) => featureRow(id, 10 + i)));
  csv('train_targets_scored.csv', ['sig_id', ...MOA_SCORED_TARGETS], trainIds.map((id, i) => [id, ...MOA_SCORED_TARGETS.map((_, j) => (i === j % 3 ? 1 : 0))]));
  csv('train_drug.csv', ['sig_id', 'drug_id'], trainIds.map((id) => [id, 'b68db1d53']));
  writeSample(testIds);
  // Synthetic truth: the test targets, row i all equal to i / 10 (rows in the file's order).
  saveNpy(path.join(dataDir, 'truth_test_targets_scored.npy'), Float32Array.from({ length: 3 * 206 }, (_, j) => Math.floor(j / 206) / 10), [3, 206]);
  fs.writeFileSync(path.join(dataDir, 'truth.json'), '{}');
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('moa: test_features.csv against sample_submission.csv', () => {
  it('puts the test rows (and the synthetic truth) in the sample\'s order', async () => {
    const data = await loadTrainData(dataDir);
    expect(data.test.sigIds).toEqual(testIds);
    writeSample([testIds[2], testIds[0], testIds[1]]);
    const d = await loadTrainData(dataDir);
    expect(d.test.sigIds).toEqual([testIds[2], testIds[0], testIds[1]]);
    expect([d.test.genes[0], d.test.genes[772], d.test.cells[100]]).toEqual([12, 10, 10]);
    expect([d.testTruth![0], d.testTruth![206], d.testTruth![412]].map((v) => Math.round(v * 10))).toEqual([2, 0, 1]);
    expect(d.submissionColumns).toEqual(MOA_SCORED_TARGETS);
  });

  it('a repeated or missing sig_id is an error naming the file, row and sig_id', async () => {
    writeSample([testIds[0], testIds[1], testIds[0]]);
    await expect(loadTrainData(dataDir)).rejects.toThrow(/sample_submission\.csv \(row 4, column 'sig_id'\): sig_id 'id_0004d9e33' appears again \(first at row 2\)/);
    writeSample([testIds[0], testIds[1]]);
    await expect(loadTrainData(dataDir)).rejects.toThrow(/test_features\.csv \(row 4, column 'sig_id'\): sig_id 'id_002429b5b' is not in .*sample_submission\.csv/);
    writeSample([...testIds, 'id_00ffffff0']);
    await expect(loadTrainData(dataDir)).rejects.toThrow(/sample_submission\.csv \(row 5, column 'sig_id'\): sig_id 'id_00ffffff0' is not in .*test_features\.csv/);
    csv('test_features.csv', MOA_FEATURE_COLUMNS, [...testIds, testIds[1]].map((id, i) => featureRow(id, i)));
    await expect(loadTrainData(dataDir)).rejects.toThrow(/test_features\.csv \(row 5, column 'sig_id'\): sig_id 'id_001897cda' appears again \(first at row 3\)/);
    csv('test_features.csv', MOA_FEATURE_COLUMNS, testIds.map((id, i) => featureRow(id, i)));
    fs.rmSync(path.join(dataDir, 'sample_submission.csv'));
    await expect(loadTrainData(dataDir)).rejects.toThrow(/sample_submission\.csv: file not found \(expected Kaggle's sample_submission\.csv/);
  });
});

describe('moa infer --out', () => {
  it('with several members and no ensemble run is an error (before any model is loaded)', async () => {
    const runs = path.join(tmp, 'runs');
    writeJson(path.join(runs, 'moa', 'smoke-dense-seed0', 'targets.json'), MOA_SCORED_TARGETS);
    const config = { members: ['dense', 'cnn1d'], ensemble: { clip: 1e-5 } } as unknown as MoaConfig;
    const place = { root: runs, configName: 'smoke', seed: 0 };
    const opts = { testFile: path.join(dataDir, 'test_features.csv'), dataDir, out: path.join(tmp, 'final.csv') };
    await expect(runInfer(config, place, opts, () => {})).rejects.toThrow(
      /smoke-ensemble-seed0[/\\]weights\.json: no ensemble run blends dense, cnn1d \(no weights\.json\), so --out would get member 'dense' alone; run `nx run moa:ensemble --config smoke` first/,
    );
    writeJson(path.join(runs, 'moa', 'smoke-ensemble-seed0', 'weights.json'), { dense: 0.5, tabnet: 0.5 });
    await expect(runInfer(config, place, opts, () => {})).rejects.toThrow(/the ensemble run blends dense, tabnet, not dense, cnn1d, so --out would get member 'dense' alone/);
    expect(fs.existsSync(opts.out)).toBe(false);
  });
});
