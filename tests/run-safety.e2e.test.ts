// What a run must never do, tried as a user would at smoke scale: replace a data set it was not
// asked to replace, keep running and writing after nx is killed, resume from results made from
// other inputs, share a run folder with a second training, or leave a skeleton run folder behind.
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pidAlive, readJson } from '@repro/io';
import { ok, root, runTsx, synthSmoke, type CliResult } from './cli';

const NX = path.join(root, 'node_modules', '.bin', 'nx');
const TSX = path.join(root, 'node_modules', '.bin', 'tsx');
const SYNTH = path.join(root, 'tools', 'synth', 'cli.ts');
const NX_ENV = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', TFJS_BACKEND: 'auto' };

let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'run-safety-e2e-'))));
afterAll(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

function nx(args: string[], timeout = 120_000): CliResult {
  const r = spawnSync(NX, args, { cwd: root, encoding: 'utf8', env: NX_ENV, timeout });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cli = (solution: string) => path.join(root, 'solutions', solution, 'src', 'cli.ts');

/** `tsx cli.ts train --config smoke` of a solution on a data and runs folder. */
function train(solution: string, data: string, runs: string, extra: string[] = []): CliResult {
  return runTsx([cli(solution), 'train', '--config', 'smoke', '--data-dir', data, '--runs-dir', runs, ...extra], { timeout: 240_000, env: { ...process.env, TFJS_BACKEND: 'auto' } });
}

/** A process started in the background with its output collected. */
function background(cmd: string, args: string[], detached = false): { child: ChildProcess; out: () => string } {
  let out = '';
  const child = spawn(cmd, args, { cwd: root, env: NX_ENV, detached });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, out: () => out };
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return cond();
}

/** The pid that holds a run folder's lock, once the lock is there. */
async function lockHolder(runDir: string, ms = 60_000): Promise<number> {
  const file = path.join(runDir, 'lock');
  expect(await until(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').endsWith('\n'), ms)).toBe(true);
  return readJson<{ pid: number }>(file).pid;
}

const truthOf = (dir: string) => readJson<{ scale: string; seed: number }>(path.join(dir, 'truth.json'));

describe('data is never destroyed', () => {
  it("train's data dependency keeps an existing set of another scale; `data` replaces one only with --force", () => {
    const data = path.join(tmp, 'moa-data');
    synthSmoke('moa', data);
    const mtime = fs.statSync(path.join(data, 'train_features.csv')).mtimeMs;
    // What `nx run moa:train --config=smoke --data-dir D` runs first (dependsOn ensure-data, flags forwarded).
    const project = readJson<{ targets: Record<string, { dependsOn?: { target: string; params?: string }[] }> }>(path.join(root, 'solutions', 'moa', 'project.json'));
    expect(project.targets.train.dependsOn).toEqual([{ target: 'ensure-data', params: 'forward' }]);
    const dep = nx(['run', 'moa:ensure-data', '--config=smoke', '--data-dir', data, '--seed', '3']);
    expect(dep.status).toBe(0);
    expect(dep.stdout).toMatch(/already there; kept/);
    expect(truthOf(data)).toMatchObject({ scale: 'smoke', seed: 42 });
    expect(fs.statSync(path.join(data, 'train_features.csv')).mtimeMs).toBe(mtime);

    const asked = runTsx([SYNTH, 'moa', '--scale', 'default', '--data-dir', data], { timeout: 120_000 });
    expect(asked.status).toBe(1);
    expect(asked.stderr).toMatch(/already holds a synthetic set of scale smoke, seed 42, variant default; it is kept\. .*--scale default .*--force/);
    expect(fs.statSync(path.join(data, 'train_features.csv')).mtimeMs).toBe(mtime);

    ok(runTsx([SYNTH, 'moa', '--scale', 'default', '--data-dir', data, '--force'], { timeout: 120_000 }));
    expect(truthOf(data)).toMatchObject({ scale: 'default', seed: 42 });
    expect(fs.readdirSync(tmp).filter((f) => f.includes('.partial-') || f.includes('.replaced-'))).toEqual([]);
  }, 240_000);

  it('the data dependency creates a missing set (default scale) and never touches real Kaggle files', () => {
    const empty = path.join(tmp, 'moa-missing');
    ok(runTsx([SYNTH, 'moa', '--ensure', '--data-dir', empty], { timeout: 120_000 }));
    expect(truthOf(empty)).toMatchObject({ scale: 'default', seed: 42 });
    const real = path.join(tmp, 'moa-real');
    fs.cpSync(empty, real, { recursive: true });
    fs.rmSync(path.join(real, 'truth.json'));
    const r = ok(runTsx([SYNTH, 'moa', '--scale', 'smoke', '--force', '--data-dir', real], { timeout: 120_000 }));
    expect(r.stdout).toMatch(/real Kaggle files found .* nothing generated \(--force never replaces real files\)/);
    expect(fs.existsSync(path.join(real, 'truth.json'))).toBe(false);
  }, 240_000);
});

describe('killing nx stops the job', () => {
  it.each(['SIGKILL', 'SIGTERM'] as const)('%s to the nx process group: the training process follows within seconds', async (signal) => {
    const data = path.join(tmp, `ion-kill-${signal}`);
    const runs = path.join(tmp, `runs-kill-${signal}`);
    synthSmoke('ion-switching', data);
    // Enough epochs that it is still training when the signal comes.
    const nxRun = background(NX, ['run', 'ion-switching:train', '--config=smoke', '--data-dir', data, '--runs-dir', runs, '--train.epochs', '40', '--train.workers', '1'], true);
    const runDir = path.join(runs, 'ion-switching', 'smoke-seed42');
    try {
      const pid = await lockHolder(runDir);
      expect(await until(() => fs.existsSync(path.join(runDir, 'members', 'cgtw', 'fold_0')), 60_000)).toBe(true);
      expect(pidAlive(pid)).toBe(true);
      process.kill(-nxRun.child.pid!, signal);
      expect(await until(() => !pidAlive(pid), 15_000)).toBe(true);
      // It stopped through its own handler: the error is in the run's log and the lock is released.
      expect(fs.readFileSync(path.join(runDir, 'log.txt'), 'utf8')).toMatch(/FAILED: (stopped|interrupted)/);
      expect(fs.existsSync(path.join(runDir, 'lock'))).toBe(false);
      expect(fs.existsSync(path.join(runDir, 'metrics.json'))).toBe(false);
    } finally {
      try {
        process.kill(-nxRun.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, 180_000);
});

describe('a run never reuses results made from other inputs', () => {
  it.each(['ion-switching', 'moa', 'hms-wavenet', 'hms-efficientnet'])('%s: data replaced in place stops the resume; --fresh starts over', (solution) => {
    const competition = solution.startsWith('hms') ? 'hms' : solution;
    const data = path.join(tmp, `${solution}-inputs`);
    const runs = path.join(tmp, `runs-inputs-${solution}`);
    synthSmoke(competition, data);
    const first = ok(train(solution, data, runs));
    expect(first.stdout).toMatch(new RegExp(`data: ${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(synthetic, scale smoke, seed 42; \\d+ files, [\\d.]+ MiB; fingerprint [0-9a-f]{12}\\)`));
    // Same layout and size, another seed: the old folds and caches must not be reused.
    ok(runTsx([SYNTH, competition, '--scale', 'smoke', '--seed', '7', '--force', '--data-dir', data], { timeout: 300_000 }));
    const stale = train(solution, data, runs);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(/this run was made from other inputs than now \(data changed: the data set was synthetic scale smoke seed 42, now synthetic scale smoke seed 7;.*pass --fresh to delete its results and train again, or --run-id NEW/);
    expect(stale.stdout).not.toMatch(/resumed/);
    const fresh = ok(train(solution, data, runs, ['--fresh']));
    expect(fresh.stdout).toMatch(/--fresh: deleted the earlier run in .*; starting over/);
    expect(fresh.stdout).toMatch(/synthetic, scale smoke, seed 7/);
  }, 600_000);
});

describe('one training per run folder', () => {
  it('a second training refuses while the first runs; a lock left by a killed one is taken over', async () => {
    const data = path.join(tmp, 'ion-lock');
    const runs = path.join(tmp, 'runs-lock');
    synthSmoke('ion-switching', data);
    const args = [cli('ion-switching'), 'train', '--config', 'smoke', '--data-dir', data, '--runs-dir', runs, '--train.epochs', '40', '--train.workers', '1'];
    const runDir = path.join(runs, 'ion-switching', 'smoke-seed42');
    const first = background(TSX, args);
    let third: ReturnType<typeof background> | undefined;
    try {
      const pid = await lockHolder(runDir);
      const second = runTsx(args, { timeout: 120_000 });
      expect(second.status).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`another training is running in this run folder \\(pid ${pid} `));
      // Killed outright: no handler runs, the lock stays behind.
      process.kill(pid, 'SIGKILL');
      expect(await until(() => !pidAlive(pid), 10_000)).toBe(true);
      expect(fs.existsSync(path.join(runDir, 'lock'))).toBe(true);
      third = background(TSX, args);
      expect(await until(() => /took over the lock of pid \d+/.test(third!.out()), 60_000)).toBe(true);
      expect(third.out()).toMatch(new RegExp(`took over the lock of pid ${pid} \\(started .*\\), which is no longer running`));
    } finally {
      first.child.kill('SIGKILL');
      third?.child.kill('SIGTERM');
      if (third) await until(() => third!.child.exitCode !== null || third!.child.signalCode !== null, 10_000);
    }
  }, 240_000);
});

describe('nothing half-made is left behind', () => {
  it('a training that fails before any result leaves no run folder and no temp file, and names the bad file', () => {
    const data = path.join(tmp, 'ion-bad');
    const runs = path.join(tmp, 'runs-bad');
    synthSmoke('ion-switching', data);
    const file = path.join(data, 'train.csv');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[5] = lines[5].replace(/,[^,]*,/, ',abc,');
    fs.writeFileSync(file, lines.join('\n'));
    fs.rmSync(path.join(data, 'truth.json')); // as a user's own (real-layout) file, not a generated one
    const r = train('ion-switching', data, runs);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/train\.csv.*row 6/);
    expect(r.stderr).toMatch(/removed .*smoke-seed42 \(created by this run, no results yet\)/);
    expect(fs.existsSync(path.join(runs, 'ion-switching'))).toBe(false);
  }, 120_000);

  it('an ensemble that fails (a member without predictions) names the member and the command, and leaves no ensemble folder', () => {
    const data = path.join(tmp, 'ion-ens');
    const runs = path.join(tmp, 'runs-ens');
    synthSmoke('ion-switching', data);
    ok(train('ion-switching', data, runs));
    const r = runTsx([cli('ion-switching'), 'ensemble', '--config', 'smoke', '--data-dir', data, '--runs-dir', runs], { timeout: 120_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ensemble member 'smoke-seed42\/cgtw' has no test predictions .*nx run ion-switching:infer --config smoke/);
    expect(r.stderr).toMatch(/removed .*ensemble \(created by this run, no results yet\)/);
    expect(fs.existsSync(path.join(runs, 'ion-switching', 'ensemble'))).toBe(false);
    const temps: string[] = [];
    const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : /\.tmp-\d+/.test(e.name) && temps.push(e.name)));
    walk(runs);
    expect(temps).toEqual([]);
  }, 240_000);
});
