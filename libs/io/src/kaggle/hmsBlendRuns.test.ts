// Which HMS runs a blend takes (issue item 7: a run the user asked for is required, so lacking its
// predictions is an error in @repro/cv's blendRunsById, not a silent skip) and how a run folder is
// read as a member (the blend itself: libs/cv/src/blendRunsById.test.ts; through the solutions:
// solutions/hms-*/src/submission.test.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { saveNpy } from '../npy';
import { HMS_SUBMISSION_COLUMNS, readHmsSampleSubmission, readHmsSubmission, writeHmsSubmission } from './hmsFiles';
import { hmsBlendCandidates, hmsBlendInputs, hmsRunCommands, loadHmsRunMember, type HmsRunMember } from './hmsBlendRuns';

const eegIds = [10, 20, 30];
const targets = [
  [1, 0, 0, 0, 0, 0],
  [0, 1, 0, 0, 0, 0],
  [0, 0, 0.5, 0.5, 0, 0],
].flat();
const row = (k: number) => Array.from({ length: 6 }, (_, j) => (j === k ? 0.5 : 0.1));

let tmp: string;
let runsRoot: string;
let dataDir: string;
beforeEach(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-blend-members-'));
  runsRoot = path.join(tmp, 'runs');
  dataDir = path.join(tmp, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  // The sample lists the test eeg_ids in another order than the members' submissions.
  fs.writeFileSync(path.join(dataDir, 'sample_submission.csv'), [HMS_SUBMISSION_COLUMNS.join(','), '2,0.1,0.1,0.1,0.1,0.1,0.5', '1,0.1,0.1,0.1,0.1,0.1,0.5'].join('\n') + '\n');
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A run folder: config.json, oof.npy + oof_eeg_ids.npy, and (unless `submission` is false) submission.csv for test eeg_ids 1, 2. */
async function run(solution: string, id: string, opts: { submission?: boolean; testIds?: number[] } = {}): Promise<string> {
  const dir = path.join(runsRoot, solution, id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), '{}');
  saveNpy(path.join(dir, 'oof.npy'), Float32Array.from([0, 1, 2].flatMap(row)), [3, 6]);
  saveNpy(path.join(dir, 'oof_eeg_ids.npy'), Float64Array.from(eegIds));
  const ids = opts.testIds ?? [1, 2];
  if (opts.submission !== false) await writeHmsSubmission(path.join(dir, 'submission.csv'), ids, ids.flatMap((i) => row(i)));
  return dir;
}

const selection = (over: Partial<Parameters<typeof hmsBlendCandidates>[0]> = {}) => ({
  runsRoot,
  solution: 'hms-wavenet',
  other: 'hms-efficientnet',
  includeOther: true,
  runs: [] as string[],
  dataDir,
  defaultDataDir: 'data/hms',
  ...over,
});

describe('hmsBlendCandidates: the runs to blend', () => {
  it('names the commands that make a run\'s predictions', () => {
    expect(hmsRunCommands('hms-wavenet', 'smoke-seed1', { dataDir: 'data/hms', defaultDataDir: 'data/hms', runsRoot: 'runs' })).toEqual({
      train: 'nx run hms-wavenet:train --config smoke --seed 1',
      infer: 'nx run hms-wavenet:infer --config smoke --seed 1',
    });
    expect(hmsRunCommands('hms-efficientnet', 'balanced', { dataDir: '/d', defaultDataDir: 'data/hms', runsRoot: '/r' }).infer).toBe(
      'nx run hms-efficientnet:infer --run-id balanced --config <the config it was trained with> --data-dir /d --runs-dir /r',
    );
  });

  it('ensemble.runs and --members make the runs they name required; the other solution\'s runs (includeOther) stay optional', async () => {
    await run('hms-wavenet', 'smoke-seed1');
    await run('hms-wavenet', 'smoke-seed2', { submission: false });
    await run('hms-efficientnet', 'smoke-seed1');
    const named = (c: ReturnType<typeof hmsBlendCandidates>) => c.map((x) => [x.name, x.required]);
    expect(named(hmsBlendCandidates(selection({ runs: ['smoke-seed2'] })))).toEqual([
      ['hms-wavenet/smoke-seed2', true],
      ['hms-efficientnet/smoke-seed1', false],
    ]);
    expect(named(hmsBlendCandidates(selection()))).toEqual([
      ['hms-wavenet/smoke-seed1', false],
      ['hms-wavenet/smoke-seed2', false],
      ['hms-efficientnet/smoke-seed1', false],
    ]);
    expect(named(hmsBlendCandidates(selection({ includeOther: false })))).toEqual([
      ['hms-wavenet/smoke-seed1', false],
      ['hms-wavenet/smoke-seed2', false],
    ]);
    const c = hmsBlendCandidates(selection({ members: ['smoke-seed2', 'hms-efficientnet/smoke-seed1'] }));
    expect(named(c)).toEqual([
      ['hms-wavenet/smoke-seed2', true],
      ['hms-efficientnet/smoke-seed1', true],
    ]);
    expect(c[0].commands?.infer).toBe(`nx run hms-wavenet:infer --config smoke --seed 2 --data-dir ${dataDir} --runs-dir ${runsRoot}`);
  });

  it('--members may name the other solution\'s runs; a name that matches no run is an error listing the runs', async () => {
    await run('hms-wavenet', 'smoke-seed1');
    await run('hms-efficientnet', 'smoke-seed1');
    expect(() => hmsBlendCandidates(selection({ members: ['smoke-seed9'] }))).toThrow(
      /--members names run 'smoke-seed9', which does not exist \(runs: smoke-seed1, hms-efficientnet\/smoke-seed1\)/,
    );
    expect(() => hmsBlendCandidates(selection({ runs: ['nope'] }))).toThrow(/ensemble\.runs names run 'nope', which does not exist/);
  });
});

describe('loadHmsRunMember: a run folder as a member', () => {
  it('reads oof.npy into the train eeg_ids\' rows (NaN where missing) and the submission; says what a run lacks', async () => {
    const dir = await run('hms-wavenet', 'a', { testIds: [2, 1] });
    const m = (await loadHmsRunMember('a', dir, [30, 99, 10, 20])) as HmsRunMember;
    expect(Array.from(m.oof.slice(0, 6))).toEqual(row(2).map((v) => Math.fround(v)));
    expect(Number.isNaN(m.oof[6])).toBe(true);
    expect(Array.from(m.testIds)).toEqual([2, 1]);
    expect(Array.from(m.test.slice(0, 6))).toEqual(row(2).map((v) => Math.fround(v)));
    const noSub = await run('hms-wavenet', 'b', { submission: false });
    expect(await loadHmsRunMember('b', noSub, eegIds)).toEqual({ reason: 'no submission.csv (run infer for it first)', step: 'infer' });
    fs.rmSync(path.join(dir, 'oof_eeg_ids.npy'));
    expect(await loadHmsRunMember('a', dir, eegIds)).toMatchObject({ reason: expect.stringMatching(/^no oof_eeg_ids\.npy \/ eeg_ids\.npy next to oof\.npy/), step: 'train' });
    // The seeds' layout: oof.npy rows are the train eeg_ids in order.
    expect(((await loadHmsRunMember('a', dir, eegIds, { implicitIds: true })) as HmsRunMember).oof.length).toBe(18);
    expect(await loadHmsRunMember('a', dir, [1, 2], { implicitIds: true })).toMatchObject({ reason: expect.stringContaining('and 3 rows != 2 eeg_ids') });
    expect(await loadHmsRunMember('x', path.join(tmp, 'none'), eegIds)).toMatchObject({ reason: expect.stringMatching(/^no oof\.npy/), step: 'train' });
  });

  it('hmsBlendInputs: rows normalised to sum to 1, the blend written in sample_submission.csv\'s order', async () => {
    await run('hms-wavenet', 'a');
    const sample = await readHmsSampleSubmission(dataDir);
    const inputs = hmsBlendInputs({ runs: selection(), eegIds, targets, kl: () => 0, sample });
    expect(inputs.candidates.map((c) => c.name)).toEqual(['hms-wavenet/a']);
    expect(Array.from(inputs.sample!.ids)).toEqual([2, 1]);
    const p = inputs.format.normalize(Float32Array.from([...row(0), ...row(1)].map((v) => v * 3)));
    expect(p[0] + p[1] + p[2] + p[3] + p[4] + p[5]).toBeCloseTo(1, 6);
    const file = path.join(tmp, 'blend.csv');
    await inputs.format.writeSubmission(file, [2, 1], Float32Array.from([...row(2), ...row(1)].map((v) => v / 1)));
    const sub = await readHmsSubmission(file);
    expect(Array.from(sub.ids)).toEqual([2, 1]);
    await expect(inputs.format.writeSubmission(file, [1, 2], Float32Array.from([...row(1), ...row(2)]))).rejects.toThrow(/sample_submission\.csv/);
  });
});
