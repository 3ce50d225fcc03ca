/**
 * For tests: is a WebGPU adapter here? Jest needs the answer before it collects the tests (to
 * `describe.skip` them), and finding an adapter is asynchronous, so a child process asks Dawn.
 *
 * CI installs Mesa 25's llvmpipe (`tools/setup/webgpu-driver.sh`) and sets CI=true: there a missing
 * adapter fails the suite instead of skipping it. Set REPRO_REQUIRE_WEBGPU=1 to ask the same locally.
 * Not exported from the library.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

export interface WebgpuProbe {
  available: boolean;
  /** The adapter's description, or why there is none. */
  detail: string;
}

let probe: WebgpuProbe | undefined;

export function probeWebgpu(): WebgpuProbe {
  if (probe) return probe;
  const script = `
    const path = require('path');
    let dir;
    try { dir = path.dirname(require.resolve('webgpu/package.json')); } catch { console.log(JSON.stringify({ available: false, detail: 'webgpu not installed' })); process.exit(0); }
    const arch = process.platform === 'darwin' ? 'universal' : process.arch;
    const d = require(path.join(dir, 'dist', process.platform + '-' + arch, 'dawn.node'));
    Object.assign(globalThis, d.globals);
    d.create([]).requestAdapter({ powerPreference: 'high-performance' }).then((a) => {
      console.log(JSON.stringify(a ? { available: true, detail: [a.info.vendor, a.info.architecture, a.info.description].join(' ') } : { available: false, detail: 'Dawn found no adapter (no Vulkan driver; Debian 12 needs Mesa 25 from bookworm-backports)' }));
      process.exit(0);
    }, (e) => { console.log(JSON.stringify({ available: false, detail: String(e) })); process.exit(0); });`;
  try {
    const out = execFileSync(process.execPath, ['-e', script], { cwd: path.resolve(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
    const last = out.trim().split('\n').pop() ?? '';
    probe = JSON.parse(last) as WebgpuProbe;
  } catch (err) {
    probe = { available: false, detail: `probe failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
  return probe;
}

/** Whether this run must have WebGPU (CI, or REPRO_REQUIRE_WEBGPU=1). */
export function webgpuRequired(): boolean {
  return process.env.REPRO_REQUIRE_WEBGPU === '1' || (!!process.env.CI && process.env.CI !== 'false' && process.env.REPRO_REQUIRE_WEBGPU !== '0');
}

/**
 * `describe` when an adapter is here, `describe.skip` (with a line saying why) when not; throws
 * when one is required and missing, so CI cannot pass by skipping.
 */
export function describeWebgpu(): jest.Describe {
  const p = probeWebgpu();
  if (p.available) return describe;
  if (webgpuRequired()) {
    throw new Error(`WebGPU tests: ${p.detail}. CI installs Mesa 25 with tools/setup/webgpu-driver.sh; set REPRO_REQUIRE_WEBGPU=0 to skip.`);
  }
  process.stderr.write(`[webgpu] tests skipped: ${p.detail}\n`);
  return describe.skip;
}
