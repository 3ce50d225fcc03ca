// What the end-to-end suites share: running a solution's CLI through tsx as `nx run` does,
// failing with its output when it exits non-zero, and reading the CSVs it writes.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const root = path.resolve(__dirname, '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `tsx <args>` from the repository root. */
export function runTsx(args: string[], opts: { timeout: number; env?: NodeJS.ProcessEnv }): CliResult {
  const r = spawnSync(tsx, args, { cwd: root, encoding: 'utf8', env: opts.env ?? process.env, timeout: opts.timeout });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `runTsx` without blocking, so a suite can run two CLIs at once (jest itself uses one core of two). */
export function runTsxAsync(args: string[], opts: { timeout: number; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, args, { cwd: root, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), opts.timeout);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The result, or an error carrying the tail of both streams when the command failed. */
export function ok(r: CliResult): CliResult {
  if (r.status !== 0) throw new Error(`exit ${r.status}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`);
  return r;
}

/**
 * `run(target, args)` for `solutions/<solution>/src/cli.ts` on the smoke config, with the suite's
 * data and runs folders (read when called: suites create them in beforeAll) unless opts names others.
 */
export function smokeCli(solution: string, dirs: () => { data: string; runs: string }, timeout: number) {
  const cli = path.join(root, 'solutions', solution, 'src', 'cli.ts');
  return (target: string, args: string[], opts: { data?: string; runs?: string } = {}): CliResult =>
    runTsx([cli, target, '--config', 'smoke', '--data-dir', opts.data ?? dirs().data, '--runs-dir', opts.runs ?? dirs().runs, ...args], {
      timeout,
      env: { ...process.env, TFJS_BACKEND: 'auto' },
    });
}

export function readCsv(file: string): { header: string[]; rows: string[][] } {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

/** Smoke-scale synthetic data of a competition (tools/synth) written to dataDir. */
export function synthSmoke(competition: string, dataDir: string): void {
  ok(runTsx([path.join(root, 'tools', 'synth', 'cli.ts'), competition, '--scale', 'smoke', '--data-dir', dataDir], { timeout: 300_000 }));
}
