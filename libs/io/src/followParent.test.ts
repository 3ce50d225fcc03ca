import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pidAlive } from './processes';

// A job under a stand-in for nx: `starter` (plays nx: no NX_TASK_HASH of its own) runs `sh -c` with
// NX_TASK_HASH set (nx's task shell), which runs the job. Killing the starter with SIGKILL leaves
// the shell alive, as with nx, so the job must notice its grand-parent is gone.
const lib = path.join(__dirname, 'followParent.ts');

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

describe('followParent', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-follow-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['under nx: the task shell survives, the job still stops', { NX_TASK_HASH: 'task-1' }, false],
    ['without nx: its direct parent', {}, false],
    ['a job stuck in synchronous work is ended all the same', { NX_TASK_HASH: 'task-2' }, true],
  ])('%s', async (_name, env, busy) => {
    const pidFile = path.join(dir, 'job.pid');
    const goneFile = path.join(dir, 'gone.txt');
    const job =
      `require(${JSON.stringify(lib)}).followParent({ intervalMs: 100, graceSeconds: 1, onGone: (r) => require('fs').writeFileSync(${JSON.stringify(goneFile)}, r) });` +
      `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));` +
      (busy ? 'const end = Date.now() + 60000; while (Date.now() < end) {}' : 'setInterval(() => {}, 1000);');
    const jobCmd = `exec ${JSON.stringify(process.execPath)} --import tsx -e ${JSON.stringify(job).replace(/\$/g, '\\$')}`;
    const shell = Object.keys(env).length > 0 ? `sh -c '${jobCmd.replace(/'/g, `'\\''`)}; true'` : jobCmd;
    const starter = spawn(
      process.execPath,
      ['-e', `const c = require('child_process').spawn('sh', ['-c', ${JSON.stringify(shell)}], { stdio: 'inherit', env: { ...process.env, ...${JSON.stringify(env)} } }); setInterval(() => {}, 1000);`],
      { stdio: 'inherit', cwd: path.join(__dirname, '..', '..', '..') },
    );
    try {
      expect(await until(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8') !== '', 20_000)).toBe(true);
      const jobPid = Number(fs.readFileSync(pidFile, 'utf8'));
      expect(pidAlive(jobPid)).toBe(true);
      starter.kill('SIGKILL');
      expect(await until(() => !pidAlive(jobPid), 5_000)).toBe(true);
      // A free main thread says why it stops; a stuck one is killed without a word.
      if (!busy) expect(fs.readFileSync(goneFile, 'utf8')).toMatch(/that started this job is gone/);
    } finally {
      starter.kill('SIGKILL');
    }
  }, 30_000);
});
