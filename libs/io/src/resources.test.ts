import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from './atomic';
import { allocTyped, checkDiskSpace, diskFullError, memInfo, ResourceError } from './resources';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'resources-'));

describe('running out of memory or disk', () => {
  it('allocTyped refuses more than the machine has, naming what was being built and the sizes', () => {
    const { availableBytes } = memInfo();
    const n = Math.ceil((availableBytes * 2) / 4);
    expect(() => allocTyped(Float32Array, n, 'the EEG cache')).toThrow(ResourceError);
    expect(() => allocTyped(Float32Array, n, 'the EEG cache')).toThrow(/out of memory building the EEG cache: it needs [\d.]+ GiB \(Float32Array of \d+ values\), [\d.]+ GiB of [\d.]+ GiB is available/);
    expect(allocTyped(Float32Array, 10, 'x')).toHaveLength(10);
  });

  it("V8's refusal of one huge typed array becomes a message naming it (never 'Invalid typed array length' alone)", () => {
    // Over V8's limit but under this machine's memory where it has more than 9 GiB; either way a ResourceError naming it.
    let err: unknown;
    try {
      allocTyped(Uint8Array, 2 ** 33 + 2 ** 32, 'the merged tiles');
    } catch (e) {
      err = e;
    }
    if (err === undefined) return; // a Node whose limit is higher and a machine with the memory: nothing to explain
    expect(err).toBeInstanceOf(ResourceError);
    expect((err as Error).message).toMatch(/the merged tiles/);
  });

  it('checkDiskSpace refuses a write the disk cannot hold; ENOSPC while writing names the file', () => {
    const d = tmp();
    expect(() => checkDiskSpace(d, 2 ** 60, 'the spectrogram cache')).toThrow(/not enough disk space for the spectrogram cache: it needs [\d.]+ GiB in .*, [\d.]+ (GiB|MiB) free/);
    checkDiskSpace(path.join(d, 'not', 'yet'), 1, 'a small file');
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const e = diskFullError(enospc, path.join(d, 'cache.npy'), 3 * 2 ** 20) as Error;
    expect(e).toBeInstanceOf(ResourceError);
    expect(e.message).toMatch(/^disk full while writing .*cache\.npy \(3\.0 MiB\); [\d.]+ (GiB|MiB) free on its disk; nothing half-written was kept/);
    const other = new Error('EACCES');
    expect(diskFullError(other, 'f')).toBe(other);
    fs.rmSync(d, { recursive: true, force: true });
  });

  it('a real ENOSPC (/dev/full) maps to the message; writeFileAtomic leaves only the finished file', () => {
    if (!fs.existsSync('/dev/full')) return;
    const d = tmp();
    let err: unknown;
    try {
      fs.writeFileSync('/dev/full', 'x');
    } catch (e) {
      err = diskFullError(e, '/dev/full', 1);
    }
    expect(err).toBeInstanceOf(ResourceError);
    writeFileAtomic(path.join(d, 'ok.txt'), 'fine');
    expect(fs.readdirSync(d)).toEqual(['ok.txt']);
    fs.rmSync(d, { recursive: true, force: true });
  });

  it('the memory watcher stops the process with a message naming the activity before the kernel kills it', () => {
    const d = tmp();
    const meminfo = path.join(d, 'meminfo');
    fs.writeFileSync(meminfo, 'MemTotal:       24000000 kB\nMemFree:          100000 kB\nMemAvailable:     200000 kB\n');
    const log = path.join(d, 'log.txt');
    const script = path.join(d, 'hog.ts');
    fs.writeFileSync(
      script,
      `import { setActivity, watchLog, watchMemory } from ${JSON.stringify(path.join(__dirname, 'resources'))};
watchMemory({ meminfoPath: ${JSON.stringify(meminfo)}, minRssFraction: 0, intervalMs: 50 });
watchLog(${JSON.stringify(log)});
setActivity('building the EEG cache (17089 EEGs, 5.47 GB)');
const end = Date.now() + 20000;
while (Date.now() < end) {} // synchronous work: the main thread never yields
console.log('not stopped');
`,
    );
    const r = spawnSync(path.join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx'), [script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).not.toMatch(/not stopped/);
    expect(r.stderr).toMatch(/FATAL: out of memory while building the EEG cache \(17089 EEGs, 5\.47 GB\): this process holds [\d.]+ GiB and only 0\.19 GiB of 22\.89 GiB is left/);
    expect(fs.readFileSync(log, 'utf8')).toMatch(/^FAILED: out of memory while building the EEG cache/);
    fs.rmSync(d, { recursive: true, force: true });
  });
});
