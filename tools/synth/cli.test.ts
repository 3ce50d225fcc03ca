// tools/synth/cli.ts: resuming an interrupted build, the lock against a second generator, and
// discarding a partial build of another seed (smoke scale; HMS's resume is tested in hms.test.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { processStartTicks, readJson } from '@repro/io';
import { generatorCodeVersion } from './cli';
import { runSynthCli as run, sameFiles } from './testing';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-cli-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));


describe.each(['ion-switching', 'moa'])('%s', (competition) => {
  it('an interrupted build resumes to the same files as an uninterrupted one, and the partial folder is gone', async () => {
    const whole = path.join(root, `${competition}-whole`);
    const resumed = path.join(root, `${competition}-resumed`);
    const wholeLog = await run([competition, '--scale', 'smoke', '--data-dir', whole]);
    expect(wholeLog).not.toMatch(/resuming/);
    await expect(run([competition, '--scale', 'smoke', '--data-dir', resumed, '--stop-after', '1'])).rejects.toThrow(/stopped after .*run the same command again to resume/);
    expect(fs.existsSync(resumed)).toBe(false);
    const partial = `${resumed}.partial`;
    expect(readJson(path.join(partial, '.synth-partial.json'))).toMatchObject({ competition, scale: 'smoke', seed: 42, code: generatorCodeVersion(competition) });
    const log = await run([competition, '--scale', 'smoke', '--data-dir', resumed]);
    expect(log).toMatch(new RegExp(`${competition}: resuming the interrupted build in .*\\.partial \\(scale smoke, seed 42`));
    expect(log).toMatch(new RegExp(`${competition}: resuming: keeping (train\\.csv|the feature files)`));
    expect(fs.existsSync(partial)).toBe(false);
    expect(fs.existsSync(`${partial}.lock`)).toBe(false);
    expect(sameFiles(resumed, whole)).toEqual([]);
    expect(fs.readdirSync(resumed).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});

describe('the partial build', () => {
  it('of another seed is discarded, saying so', async () => {
    const d = path.join(root, 'moa-seed');
    await expect(run(['moa', '--scale', 'smoke', '--seed', '7', '--data-dir', d, '--stop-after', '1'])).rejects.toThrow(/stopped after/);
    const log = await run(['moa', '--scale', 'smoke', '--seed', '8', '--data-dir', d]);
    expect(log).toMatch(/moa: discarding the interrupted build in .*moa-seed\.partial \(of moa scale smoke, seed 7\); building scale smoke, seed 8 from the start/);
    expect(readJson(path.join(d, 'truth.json'))).toMatchObject({ scale: 'smoke', seed: 8 });
  });

  it('is refused to a second generator while the first runs (its lock names a live process)', async () => {
    const d = path.join(root, 'moa-locked');
    const holder = process.ppid; // alive while this test runs
    fs.writeFileSync(
      `${d}.partial.lock`,
      JSON.stringify({ pid: holder, startTicks: processStartTicks(holder), host: os.hostname(), since: 'now', command: 'synth moa' }),
    );
    await expect(run(['moa', '--scale', 'smoke', '--data-dir', d])).rejects.toThrow(
      new RegExp(`another generator is building this data set \\(pid ${holder} .*wait for it to finish or stop it`),
    );
    expect(fs.existsSync(d)).toBe(false);
    expect(fs.existsSync(`${d}.partial.lock`)).toBe(true);
  });

  it('rejects a --workers that is not a positive integer', async () => {
    await expect(run(['moa', '--scale', 'smoke', '--workers', '0', '--data-dir', path.join(root, 'w0')])).rejects.toThrow(/--workers: expected a positive integer/);
  });
});
