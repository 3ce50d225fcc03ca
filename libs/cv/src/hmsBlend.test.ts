import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readJson, saveNpy, writeHmsSubmission } from '@repro/io';
import { klDivergenceScore } from '@repro/metrics';
import { blendHmsRuns, readHmsSubmission } from './hmsBlend';

const eegIds = [10, 20, 30, 40];
const targets = [
  [1, 0, 0, 0, 0, 0],
  [0, 1, 0, 0, 0, 0],
  [0, 0, 0.5, 0.5, 0, 0],
  [0, 0, 0, 0, 0.2, 0.8],
].flat();
// Member a is sharp but wrong on eeg 30; member b is right on it and flat elsewhere: a blend beats both.
const A: Record<number, number[]> = { 10: [0.9, 0.02, 0.02, 0.02, 0.02, 0.02], 20: [0.02, 0.9, 0.02, 0.02, 0.02, 0.02], 30: [0.9, 0.02, 0.02, 0.02, 0.02, 0.02], 40: [0.02, 0.02, 0.02, 0.02, 0.2, 0.72] };
const B: Record<number, number[]> = { 10: [0.4, 0.12, 0.12, 0.12, 0.12, 0.12], 20: [0.12, 0.4, 0.12, 0.12, 0.12, 0.12], 30: [0.02, 0.02, 0.47, 0.47, 0.01, 0.01] };

function writeRun(dir: string, oof: Record<number, number[]>, testIds: number[], opts: { idFile?: boolean; submission?: boolean } = {}): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const ids = Object.keys(oof).map(Number);
  saveNpy(path.join(dir, 'oof.npy'), Float32Array.from(ids.flatMap((i) => oof[i])), [ids.length, 6]);
  if (opts.idFile !== false) saveNpy(path.join(dir, 'oof_eeg_ids.npy'), Float64Array.from(ids));
  if (opts.submission === false) return Promise.resolve();
  return writeHmsSubmission(path.join(dir, 'submission.csv'), testIds, testIds.flatMap((i) => (i === 1 ? oof[10] : oof[20])));
}

describe('blendHmsRuns', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-blend-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('blends on the eeg_ids every member predicted, aligns submissions by eeg_id and says why a run is skipped', async () => {
    await writeRun(path.join(tmp, 'a'), A, [1, 2]);
    await writeRun(path.join(tmp, 'b'), B, [2, 1]); // its submission in the other order
    await writeRun(path.join(tmp, 'c'), A, [1, 2], { submission: false });
    await writeRun(path.join(tmp, 'd'), A, [1, 2], { idFile: false });
    const lines: string[] = [];
    const outDir = path.join(tmp, 'out');
    const m = (await blendHmsRuns({
      candidates: ['a', 'b', 'c', 'd'].map((n) => ({ name: n, dir: path.join(tmp, n) })),
      eegIds,
      targets,
      outDir,
      log: (l) => lines.push(l),
    })) as { blendKL: number; bestMemberKL: number; oofRows: number; members: { name: string; oofKL: number; weight: number }[] };
    expect(lines).toContain('  skip c: no submission.csv (run infer for it first)');
    expect(lines.some((l) => /^ {2}skip d: no oof_eeg_ids\.npy/.test(l))).toBe(true);
    expect(m.members.map((x) => x.name)).toEqual(['a', 'b']);
    expect(m.oofRows).toBe(3); // b has no prediction for eeg 40
    const sol = targets.slice(0, 18);
    const aKL = klDivergenceScore(sol, [10, 20, 30].flatMap((i) => A[i]), 6);
    expect(m.members[0].oofKL).toBeCloseTo(aKL, 6);
    expect(m.blendKL).toBeLessThan(m.bestMemberKL - 0.05);
    const w = m.members.map((x) => x.weight);
    expect(w[0] + w[1]).toBeCloseTo(1, 9);
    expect(w.every((v) => v > 0)).toBe(true);
    // eeg 1 of the blend = w_a * a's row for 1 + w_b * b's row for 1 (b wrote it second)
    const sub = await readHmsSubmission(path.join(outDir, 'submission.csv'));
    expect(Array.from(sub.ids)).toEqual([1, 2]);
    A[10].forEach((v, k) => expect(sub.probs[k]).toBeCloseTo(w[0] * v + w[1] * B[10][k], 5));
    expect(readJson<{ oofRows: number }>(path.join(outDir, 'metrics.json')).oofRows).toBe(3);
  });

  it('takes oof.npy rows as the train eeg_ids in order with implicitIds, and fails clearly when nothing qualifies', async () => {
    await writeRun(path.join(tmp, 'e'), A, [1, 2], { idFile: false });
    const m = (await blendHmsRuns({ candidates: [{ name: 'e', dir: path.join(tmp, 'e') }], eegIds, targets, outDir: path.join(tmp, 'out-e'), log: () => {}, implicitIds: true })) as { oofRows: number };
    expect(m.oofRows).toBe(4);
    await expect(blendHmsRuns({ candidates: [{ name: 'c', dir: path.join(tmp, 'c') }], eegIds, targets, outDir: path.join(tmp, 'out-c'), log: () => {} })).rejects.toThrow(/no run to blend/);
  });

  it('submits the train-mean vote fractions when the blend scores worse than them on OOF (never below the trivial baseline)', async () => {
    // Confidently wrong on every eeg_id.
    const W: Record<number, number[]> = { 10: [0.02, 0.9, 0.02, 0.02, 0.02, 0.02], 20: [0.9, 0.02, 0.02, 0.02, 0.02, 0.02], 30: [0.9, 0.02, 0.02, 0.02, 0.02, 0.02], 40: [0.9, 0.02, 0.02, 0.02, 0.02, 0.02] };
    await writeRun(path.join(tmp, 'w'), W, [1, 2]);
    const lines: string[] = [];
    const outDir = path.join(tmp, 'out-w');
    const m = (await blendHmsRuns({ candidates: [{ name: 'w', dir: path.join(tmp, 'w') }], eegIds, targets, outDir, log: (l) => lines.push(l) })) as Record<string, number | string>;
    const mean = [0, 1, 2, 3, 4, 5].map((k) => (targets[k] + targets[6 + k] + targets[12 + k] + targets[18 + k]) / 4);
    expect(m.baselineKL).toBeCloseTo(klDivergenceScore(targets, eegIds.flatMap(() => mean), 6), 6);
    expect(m.blendKL).toBeGreaterThan(m.baselineKL as number);
    expect(m.choice).toBe('train-mean baseline');
    expect(m.submittedKL).toBe(m.baselineKL);
    expect(lines.some((l) => /worse than the train-mean baseline .*: submitting the baseline/.test(l))).toBe(true);
    const sub = await readHmsSubmission(path.join(outDir, 'submission.csv'));
    mean.forEach((v, k) => expect(sub.probs[6 + k]).toBeCloseTo(v, 5));
  });
});
