import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { processStartTicks } from './processes';
import { lockRunDir, unlockRunDir } from './runLock';

describe('run folder lock', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-lock-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const lockOf = (pid: number) =>
    fs.writeFileSync(path.join(dir, 'lock'), JSON.stringify({ pid, startTicks: processStartTicks(pid), host: os.hostname(), since: '2026-01-01T00:00:00Z', command: 'cli.ts train' }));

  it('holds the pid, and is released by unlock', () => {
    lockRunDir(dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'lock'), 'utf8')).pid).toBe(process.pid);
    expect(lockRunDir(dir)).toEqual({}); // re-entrant in one process
    unlockRunDir(dir);
    expect(fs.existsSync(path.join(dir, 'lock'))).toBe(false);
  });

  it('refuses while another live process trains in the folder', async () => {
    const other = spawn('sleep', ['30']);
    try {
      await new Promise((r) => setTimeout(r, 100));
      lockOf(other.pid!);
      expect(() => lockRunDir(dir)).toThrow(new RegExp(`another training is running in this run folder \\(pid ${other.pid} .*cli\\.ts train\\)`));
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a lock left by a dead process, saying so', () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    lockOf(dead);
    expect(lockRunDir(dir).tookOver).toMatch(new RegExp(`took over the lock of pid ${dead} .*no longer running`));
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'lock'), 'utf8')).pid).toBe(process.pid);
    unlockRunDir(dir);
  });

  it('a child of the holder (a fold worker) works under its lock', () => {
    lockRunDir(dir);
    const lib = path.join(__dirname, 'runLock.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', `require(${JSON.stringify(lib)}).lockRunDir(${JSON.stringify(dir)}); console.log('ok')`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ok');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'lock'), 'utf8')).pid).toBe(process.pid);
    unlockRunDir(dir);
  });
});
