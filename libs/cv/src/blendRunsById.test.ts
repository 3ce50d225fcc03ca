// blendRunsById with a toy format (members held in memory, the submission written as JSON): the
// members taken, the rows blended, the weights, the alignment to the sample, the baseline.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readJson } from '@repro/io';
import { klDivergenceScore } from '@repro/metrics';
import { blendRunsById, type BlendCandidate, type BlendFormat, type BlendMember, type NotABlendMember } from './blendRunsById';

const ids = [10, 20, 30, 40];
const targets = [
  [1, 0, 0, 0, 0, 0],
  [0, 1, 0, 0, 0, 0],
  [0, 0, 0.5, 0.5, 0, 0],
  [0, 0, 0, 0, 0.2, 0.8],
].flat();
// Member a is sharp but wrong on id 30; member b is right on it and flat elsewhere: a blend beats both.
const A: Record<number, number[]> = { 10: [0.9, 0.02, 0.02, 0.02, 0.02, 0.02], 20: [0.02, 0.9, 0.02, 0.02, 0.02, 0.02], 30: [0.9, 0.02, 0.02, 0.02, 0.02, 0.02], 40: [0.02, 0.02, 0.02, 0.02, 0.2, 0.72] };
const B: Record<number, number[]> = { 10: [0.4, 0.12, 0.12, 0.12, 0.12, 0.12], 20: [0.12, 0.4, 0.12, 0.12, 0.12, 0.12], 30: [0.02, 0.02, 0.47, 0.47, 0.01, 0.01] };

/** A member predicting `oof` out of fold and, for test ids 1 and 2, its rows for 10 and 20. */
function member(name: string, oof: Record<number, number[]>, testIds: number[]): BlendMember {
  const rows = new Float32Array(ids.length * 6).fill(NaN);
  ids.forEach((id, r) => oof[id] && rows.set(oof[id], r * 6));
  return { name, dir: `/runs/${name}`, oof: rows, testIds, test: Float32Array.from(testIds.flatMap((i) => (i === 1 ? oof[10] : oof[20]))) };
}

const normalize = (p: Float32Array) => {
  for (let i = 0; i < p.length; i += 6) {
    const s = p.slice(i, i + 6).reduce((a, b) => a + b, 0);
    for (let k = 0; k < 6; k++) p[i + k] /= s;
  }
  return p;
};

function format(runs: Record<string, BlendMember | NotABlendMember>): BlendFormat {
  return {
    idName: 'id',
    width: 6,
    scoreName: 'KL',
    score: (sol, p) => klDivergenceScore(sol, p, 6),
    normalize,
    loadMember: async (c) => runs[c.name],
    writeSubmission: async (file, testIds, p) => fs.writeFileSync(file, JSON.stringify({ ids: Array.from(testIds), p: Array.from(p) })),
  };
}

type Metrics = { blendKL: number; bestMemberKL: number; baselineKL: number; submittedKL: number; choice: string; oofRows: number; members: { name: string; oofKL: number; weight: number }[] };

describe('blendRunsById', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'blend-runs-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const runs: Record<string, BlendMember | NotABlendMember> = {
    a: member('a', A, [1, 2]),
    b: member('b', B, [2, 1]), // its submission in the other order
    c: { reason: 'no submission.csv (run infer for it first)', step: 'infer' },
    stale: member('stale', A, [1, 3]),
  };
  const candidates = (...names: string[]): BlendCandidate[] => names.map((n) => ({ name: n, dir: `/runs/${n}` }));
  const submission = (outDir: string) => readJson<{ ids: number[]; p: number[] }>(path.join(outDir, 'submission.csv'));

  it('blends on the ids every member predicted, aligns submissions by id and says why a run is skipped', async () => {
    const lines: string[] = [];
    const outDir = path.join(tmp, 'out');
    const m = (await blendRunsById({ format: format(runs), candidates: candidates('a', 'b', 'c'), ids, targets, outDir, log: (l) => lines.push(l) })) as Metrics;
    expect(lines).toContain('  skip c: no submission.csv (run infer for it first)');
    expect(lines.some((l) => /1 run\(s\) left out .* list them in ensemble\.runs or with --members/.test(l))).toBe(true);
    expect(m.members.map((x) => x.name)).toEqual(['a', 'b']);
    expect(m.oofRows).toBe(3); // b has no prediction for id 40
    const aKL = klDivergenceScore(targets.slice(0, 18), [10, 20, 30].flatMap((i) => A[i]), 6);
    expect(m.members[0].oofKL).toBeCloseTo(aKL, 6);
    expect(m.blendKL).toBeLessThan(m.bestMemberKL - 0.05);
    const w = m.members.map((x) => x.weight);
    expect(w[0] + w[1]).toBeCloseTo(1, 9);
    expect(w.every((v) => v > 0)).toBe(true);
    // id 1 of the blend = w_a * a's row for 1 + w_b * b's row for 1 (b wrote it second)
    const sub = submission(outDir);
    expect(sub.ids).toEqual([1, 2]);
    A[10].forEach((v, k) => expect(sub.p[k]).toBeCloseTo(w[0] * v + w[1] * B[10][k], 5));
    expect(readJson<Metrics>(path.join(outDir, 'metrics.json')).oofRows).toBe(3);
    expect(fs.existsSync(path.join(outDir, 'oof_ids.npy'))).toBe(true);
  });

  it('a required member lacking its predictions, or predicting other test ids, is an error naming its commands', async () => {
    const outDir = path.join(tmp, 'out-required');
    const required = (name: string): BlendCandidate => ({ name, dir: `/runs/${name}`, required: true, commands: { train: `make train ${name}`, infer: `make infer ${name}` } });
    await expect(blendRunsById({ format: format(runs), candidates: [required('a'), required('c')], ids, targets, outDir, log: () => {} })).rejects.toThrow(
      "ensemble member 'c' lacks its predictions: no submission.csv (run infer for it first); make them with `make infer c`, or leave it out with --members (the members to blend)",
    );
    const sample = { file: 'sample.csv', ids: [2, 1] };
    await expect(blendRunsById({ format: format(runs), candidates: [required('a'), required('stale')], ids, targets, outDir, log: () => {}, sample })).rejects.toThrow(
      /id '3' is not in .*sample\.csv.*\(ensemble member 'stale' predicted other test ids than sample\.csv: re-run `make infer stale` on this data\)/,
    );
    expect(fs.existsSync(path.join(outDir, 'submission.csv'))).toBe(false);
    // Not required: left out, and the blend follows the sample's order.
    const lines: string[] = [];
    await blendRunsById({ format: format(runs), candidates: candidates('a', 'stale'), ids, targets, outDir, log: (l) => lines.push(l), sample });
    expect(lines.some((l) => l.startsWith('  skip stale: its submission covers other ids than sample.csv') && l.includes("id '3' is not in"))).toBe(true);
    expect(submission(outDir).ids).toEqual([2, 1]);
  });

  it('submits the train-mean targets when the blend scores worse than them on OOF, and fails clearly when nothing qualifies', async () => {
    // Confidently wrong on every id.
    const W: Record<number, number[]> = { 10: [0.02, 0.9, 0.02, 0.02, 0.02, 0.02], 20: [0.9, 0.02, 0.02, 0.02, 0.02, 0.02], 30: [0.9, 0.02, 0.02, 0.02, 0.02, 0.02], 40: [0.9, 0.02, 0.02, 0.02, 0.02, 0.02] };
    const lines: string[] = [];
    const outDir = path.join(tmp, 'out-w');
    const m = (await blendRunsById({ format: format({ w: member('w', W, [1, 2]) }), candidates: candidates('w'), ids, targets, outDir, log: (l) => lines.push(l) })) as Metrics;
    const mean = [0, 1, 2, 3, 4, 5].map((k) => (targets[k] + targets[6 + k] + targets[12 + k] + targets[18 + k]) / 4);
    expect(m.baselineKL).toBeCloseTo(klDivergenceScore(targets, ids.flatMap(() => mean), 6), 6);
    expect(m.blendKL).toBeGreaterThan(m.baselineKL);
    expect(m.choice).toBe('train-mean baseline');
    expect(m.submittedKL).toBe(m.baselineKL);
    expect(lines.some((l) => /worse than the train-mean baseline .*: submitting the baseline/.test(l))).toBe(true);
    mean.forEach((v, k) => expect(submission(outDir).p[6 + k]).toBeCloseTo(v, 5));
    await expect(blendRunsById({ format: format(runs), candidates: candidates('c'), ids, targets, outDir: path.join(tmp, 'out-c'), log: () => {} })).rejects.toThrow(
      'no run to blend (each needs oof.npy, oof_ids.npy and submission.csv: run train and infer first)',
    );
  });
});
