// Which HMS runs a blend takes (issue item 7: a member the user asked for that lacks its
// predictions is an error, not a silent skip) and the sample's eeg_ids and order (item 6).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HMS_SUBMISSION_COLUMNS, readHmsSampleSubmission, saveNpy, writeHmsSubmission } from '@repro/io';
import { blendHmsRuns, hmsBlendCandidates, hmsRunCommands, readHmsSubmission } from './hmsBlend';

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

describe('hmsBlendCandidates and blendHmsRuns: the members to blend', () => {
  it('names the commands that make a run\'s predictions', () => {
    expect(hmsRunCommands('hms-wavenet', 'smoke-seed1', { dataDir: 'data/hms', defaultDataDir: 'data/hms', runsRoot: 'runs' })).toEqual({
      train: 'nx run hms-wavenet:train --config smoke --seed 1',
      infer: 'nx run hms-wavenet:infer --config smoke --seed 1',
    });
    expect(hmsRunCommands('hms-efficientnet', 'balanced', { dataDir: '/d', defaultDataDir: 'data/hms', runsRoot: '/r' }).infer).toBe(
      'nx run hms-efficientnet:infer --run-id balanced --config <the config it was trained with> --data-dir /d --runs-dir /r',
    );
  });

  it('a run listed in ensemble.runs or --members without its submission is an error naming it and the infer command', async () => {
    await run('hms-wavenet', 'smoke-seed1');
    await run('hms-wavenet', 'smoke-seed2', { submission: false });
    const sample = await readHmsSampleSubmission(dataDir);
    const args = { eegIds, targets, outDir: path.join(tmp, 'out'), log: () => {}, sample };
    const message =
      "ensemble member 'hms-wavenet/smoke-seed2' lacks its predictions: no submission.csv (run infer for it first); " +
      `make them with \`nx run hms-wavenet:infer --config smoke --seed 2 --data-dir ${dataDir} --runs-dir ${runsRoot}\`, or leave it out with --members (the members to blend)`;
    await expect(blendHmsRuns({ ...args, runs: selection({ runs: ['smoke-seed1', 'smoke-seed2'] }) })).rejects.toThrow(message);
    await expect(blendHmsRuns({ ...args, runs: selection({ members: ['smoke-seed2', 'smoke-seed1'] }) })).rejects.toThrow(message);
    expect(fs.existsSync(path.join(tmp, 'out', 'submission.csv'))).toBe(false);
    // --members leaves it out: the blend is the runs named.
    const m = (await blendHmsRuns({ ...args, runs: selection({ members: ['smoke-seed1'] }) })) as { members: { name: string }[] };
    expect(m.members.map((x) => x.name)).toEqual(['hms-wavenet/smoke-seed1']);
    // Not asked for (ensemble.runs empty: every finished run): left out, and the log says so.
    const lines: string[] = [];
    await blendHmsRuns({ ...args, log: (l) => lines.push(l), runs: selection() });
    expect(lines).toContain('  skip hms-wavenet/smoke-seed2: no submission.csv (run infer for it first)');
    expect(lines.some((l) => /1 run\(s\) left out .* list them in ensemble\.runs or with --members/.test(l))).toBe(true);
  });

  it('--members may name the other solution\'s runs; a name that matches no run is an error listing the runs', async () => {
    await run('hms-wavenet', 'smoke-seed1');
    await run('hms-efficientnet', 'smoke-seed1');
    const c = hmsBlendCandidates(selection({ members: ['smoke-seed1', 'hms-efficientnet/smoke-seed1'] }));
    expect(c.map((x) => [x.name, x.required])).toEqual([
      ['hms-wavenet/smoke-seed1', true],
      ['hms-efficientnet/smoke-seed1', true],
    ]);
    expect(() => hmsBlendCandidates(selection({ members: ['smoke-seed9'] }))).toThrow(
      /--members names run 'smoke-seed9', which does not exist \(runs: smoke-seed1, hms-efficientnet\/smoke-seed1\)/,
    );
    expect(() => hmsBlendCandidates(selection({ runs: ['nope'] }))).toThrow(/ensemble\.runs names run 'nope', which does not exist/);
  });

  it('writes the blend in sample_submission.csv\'s eeg_id order; a required member predicting other eeg_ids is an error', async () => {
    await run('hms-wavenet', 'a');
    await run('hms-wavenet', 'b', { testIds: [2, 1] });
    await run('hms-wavenet', 'stale', { testIds: [1, 3] });
    const sample = await readHmsSampleSubmission(dataDir);
    const outDir = path.join(tmp, 'out');
    const lines: string[] = [];
    await blendHmsRuns({ eegIds, targets, outDir, log: (l) => lines.push(l), sample, runs: selection() });
    expect(lines.some((l) => l.startsWith('  skip hms-wavenet/stale: its submission covers other eeg_ids than') && l.includes("eeg_id '3' is not in"))).toBe(true);
    const sub = await readHmsSubmission(path.join(outDir, 'submission.csv'));
    expect(Array.from(sub.ids)).toEqual([2, 1]);
    row(2).forEach((v, k) => expect(sub.probs[k]).toBeCloseTo(v, 6));
    await expect(blendHmsRuns({ eegIds, targets, outDir, log: () => {}, sample, runs: selection({ members: ['a', 'stale'] }) })).rejects.toThrow(
      /stale[/\\]submission\.csv \(row 3, column 'eeg_id'\): eeg_id '3' is not in .*sample_submission\.csv.*\(ensemble member 'hms-wavenet\/stale' predicted other test eeg_ids than .*sample_submission\.csv: re-run `nx run hms-wavenet:infer --run-id stale/,
    );
  });
});
