import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadNpy, readJson } from '@repro/io';
import { Fold } from './fold';
import { kFold } from './kFold';
import { FitFoldArgs, FitFoldResult, runOutOfFold } from './oofRunner';

const N_OUT = 2;
const N_TEST = 3;

/** Prediction for row r, output j: distinct per row so order mistakes show. */
const predOf = (r: number, j: number) => r * 10 + j;

/** A fitFold that predicts predOf for valid rows and k+1 everywhere for test rows, counting calls. */
function fakeFit(opts: { withTest?: boolean; failOn?: number } = {}) {
  const calls: number[] = [];
  const fit = jest.fn(async ({ fold, valid, foldDir }: FitFoldArgs): Promise<FitFoldResult> => {
    calls.push(fold);
    expect(fs.existsSync(foldDir)).toBe(true);
    if (fold === opts.failOn) throw new Error(`boom in fold ${fold}`);
    const pred = new Float32Array(valid.length * N_OUT);
    valid.forEach((r, i) => {
      for (let j = 0; j < N_OUT; j++) pred[i * N_OUT + j] = predOf(r, j);
    });
    const out: FitFoldResult = { valid: pred, metrics: { epochs: fold + 10 } };
    if (opts.withTest) out.test = new Float32Array(N_TEST * N_OUT).fill(fold + 1);
    return out;
  });
  return { fit, calls };
}

/** Mean of predictions minus row index * 10 (0 when predictions are in row order). */
const score = (rows: Int32Array, p: Float32Array) => {
  let s = 0;
  rows.forEach((r, i) => (s += p[i * N_OUT] - r * 10));
  return s / rows.length;
};

describe('runOutOfFold', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oof-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const folds = kFold(11, { nSplits: 3, shuffle: true, seed: 9 });
  const base = (extra: object = {}) => ({ folds, nRows: 11, nOutputs: N_OUT, dir, logger: () => {}, ...extra });

  it('collects OOF predictions in row order, writes fold files and logs one line per fold', async () => {
    const { fit } = fakeFit();
    const lines: string[] = [];
    const done: number[] = [];
    const res = await runOutOfFold({ ...base(), fitFold: fit, score, logger: (l) => lines.push(l), onFoldDone: (r) => void done.push(r.fold) });
    for (let r = 0; r < 11; r++) for (let j = 0; j < N_OUT; j++) expect(res.oof[r * N_OUT + j]).toBe(predOf(r, j));
    expect(res.foldScores).toEqual([0, 0, 0]);
    expect(res.score).toBe(0);
    expect(res.test).toBeUndefined();
    expect(done).toEqual([0, 1, 2]);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^fold 1/3  train ${folds[0].train.length}  valid ${folds[0].valid.length}  score 0\\.000000  \\d+\\.\\ds$`));

    const oof = loadNpy(path.join(dir, 'oof.npy'));
    expect(oof.shape).toEqual([11, N_OUT]);
    expect(Array.from(oof.data)).toEqual(Array.from(res.oof));
    const v1 = loadNpy(path.join(dir, 'fold_1', 'valid_pred.npy'));
    expect(v1.shape).toEqual([folds[1].valid.length, N_OUT]);
    expect(v1.data[0]).toBe(predOf(folds[1].valid[0], 0));
    const m = readJson<Record<string, unknown>>(path.join(dir, 'fold_2', 'metrics.json'));
    expect(m).toMatchObject({ fold: 2, nValid: folds[2].valid.length, score: 0, metrics: { epochs: 12 } });
    expect(fs.existsSync(path.join(dir, 'fold_2', 'DONE'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'fold_2', 'test_pred.npy'))).toBe(false);
    // No temp files left behind.
    expect(fs.readdirSync(path.join(dir, 'fold_0')).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('leaves rows outside every validation fold as NaN', async () => {
    const partial: Fold[] = folds.slice(0, 2);
    const res = await runOutOfFold({ ...base({ folds: partial }), fitFold: fakeFit().fit });
    for (const r of folds[2].valid) expect(Number.isNaN(res.oof[r * N_OUT])).toBe(true);
    for (const r of folds[0].valid) expect(res.oof[r * N_OUT + 1]).toBe(predOf(r, 1));
  });

  it('averages test predictions over folds', async () => {
    const res = await runOutOfFold({ ...base(), fitFold: fakeFit({ withTest: true }).fit });
    expect(Array.from(res.test!)).toEqual(new Array(N_TEST * N_OUT).fill((1 + 2 + 3) / 3));
    const t = loadNpy(path.join(dir, 'test.npy'));
    expect(t.shape).toEqual([N_TEST, N_OUT]);
    expect(loadNpy(path.join(dir, 'fold_1', 'test_pred.npy')).data[0]).toBe(2);
  });

  it('resumes: finished folds are reloaded, not refitted', async () => {
    const first = await runOutOfFold({ ...base(), fitFold: fakeFit({ withTest: true }).fit, score });
    const again = fakeFit({ withTest: true });
    const lines: string[] = [];
    const res = await runOutOfFold({ ...base(), fitFold: again.fit, score, logger: (l) => lines.push(l) });
    expect(again.fit).not.toHaveBeenCalled();
    expect(Array.from(res.oof)).toEqual(Array.from(first.oof));
    expect(Array.from(res.test!)).toEqual(Array.from(first.test!));
    expect(res.reports.map((r) => r.resumed)).toEqual([true, true, true]);
    expect(res.reports[1].metrics).toEqual({ epochs: 11 });
    expect(lines.every((l) => l.endsWith('(resumed)'))).toBe(true);
  });

  it('refits only the fold interrupted before its DONE marker', async () => {
    await expect(runOutOfFold({ ...base(), fitFold: fakeFit({ failOn: 1 }).fit })).rejects.toThrow(/boom in fold 1/);
    expect(fs.existsSync(path.join(dir, 'fold_0', 'DONE'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'fold_1', 'DONE'))).toBe(false);
    const second = fakeFit();
    const res = await runOutOfFold({ ...base(), fitFold: second.fit });
    expect(second.calls).toEqual([1, 2]);
    for (let r = 0; r < 11; r++) expect(res.oof[r * N_OUT]).toBe(predOf(r, 0));
  });

  it('recomputes a fold whose outputs exist but whose DONE marker does not', async () => {
    await runOutOfFold({ ...base(), fitFold: fakeFit().fit });
    // Simulate a crash after writing predictions but before the marker: garbage output, no DONE.
    fs.rmSync(path.join(dir, 'fold_2', 'DONE'));
    fs.writeFileSync(path.join(dir, 'fold_2', 'valid_pred.npy'), 'garbage');
    const second = fakeFit();
    const res = await runOutOfFold({ ...base(), fitFold: second.fit });
    expect(second.calls).toEqual([2]);
    for (const r of folds[2].valid) expect(res.oof[r * N_OUT]).toBe(predOf(r, 0));
    expect(loadNpy(path.join(dir, 'fold_2', 'valid_pred.npy')).shape).toEqual([folds[2].valid.length, N_OUT]);
  });

  it('refuses to resume a fold finished for different validation rows', async () => {
    await runOutOfFold({ ...base(), fitFold: fakeFit().fit });
    const other = kFold(11, { nSplits: 3 });
    await expect(runOutOfFold({ ...base({ folds: other }), fitFold: fakeFit().fit })).rejects.toThrow(
      /fold 0 was finished for different validation rows/,
    );
  });

  it('checks prediction shapes and folds', async () => {
    const bad = jest.fn(async ({ valid }: FitFoldArgs) => ({ valid: new Float32Array(valid.length * N_OUT - 1) }));
    await expect(runOutOfFold({ ...base(), fitFold: bad })).rejects.toThrow(
      new RegExp(`fitFold\\(fold 0\\)\\.valid\\.length must be ${folds[0].valid.length} x 2 = ${folds[0].valid.length * 2}, received ${folds[0].valid.length * 2 - 1}`),
    );
    expect(fs.existsSync(path.join(dir, 'fold_0', 'DONE'))).toBe(false);
    const mixed = jest.fn(async ({ fold, valid }: FitFoldArgs) => ({
      valid: new Float32Array(valid.length * N_OUT),
      ...(fold === 0 ? { test: new Float32Array(N_OUT) } : {}),
    }));
    await expect(runOutOfFold({ ...base({ dir: path.join(dir, 'b') }), fitFold: mixed })).rejects.toThrow(
      /1 of 3 folds returned test predictions, expected all or none/,
    );
    await expect(runOutOfFold({ ...base({ nOutputs: 0 }), fitFold: bad })).rejects.toThrow(/nOutputs must be an integer >= 1, received 0/);
    await expect(runOutOfFold({ ...base({ folds: [folds[0], folds[0]] }), fitFold: bad })).rejects.toThrow(/is in the validation rows of folds 0 and 1/);
  });
});
