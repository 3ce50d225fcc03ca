/**
 * WebGPU in Node: Dawn's binding (the `webgpu` npm package, `dawn.node` prebuilt in the package, so
 * `npm ci` needs only the registry) under `@tensorflow/tfjs-backend-webgpu`.
 *
 * Dawn runs on Vulkan here. It finds no adapter with Debian 12's Mesa 22.3; with Mesa 25 (Debian's
 * bookworm-backports `mesa-vulkan-drivers`) it finds `llvmpipe`, a software adapter that CI uses for
 * the parity tests; on a GPU machine it finds the vendor's Vulkan driver.
 */
import * as path from 'path';

export interface WebgpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software adapter (llvmpipe, SwiftShader): correct, but slower than the wasm backend. */
  software: boolean;
  /** One line for logs: vendor, architecture, description. */
  name: string;
  /** The limits the tfjs backend asks its device for: no single tensor may be larger. */
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

interface Dawn {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
interface AdapterLike {
  info?: Record<string, unknown>;
  isFallbackAdapter?: boolean;
  limits: Record<string, number>;
}

let dawn: Dawn | undefined;
let gpu: GpuLike | undefined;
let adapter: WebgpuAdapter | undefined;

const SOFTWARE = /llvmpipe|lavapipe|swiftshader|softpipe/i;

/**
 * `webgpu` is an ES module (its index only picks the platform's `dawn.node` and patches
 * `GPUDevice.destroy`); jest and the CommonJS build load `dawn.node` directly instead.
 */
function loadDawn(): Dawn {
  if (dawn) return dawn;
  let dir: string;
  try {
    dir = path.dirname(require.resolve('webgpu/package.json'));
  } catch {
    throw new Error('webgpu not installed (optional dependency: Dawn for Node, prebuilt for linux/macOS/Windows x64 and arm64)');
  }
  try {
    require.resolve('@tensorflow/tfjs-backend-webgpu/package.json');
  } catch {
    throw new Error('@tensorflow/tfjs-backend-webgpu not installed');
  }
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  const file = path.join(dir, 'dist', `${process.platform}-${arch}`, 'dawn.node');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    dawn = require(file) as Dawn;
  } catch (err) {
    throw new Error(`webgpu: ${file} failed to load: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  return dawn;
}

function describe(a: AdapterLike): WebgpuAdapter {
  const info = a.info ?? {};
  const str = (k: string): string => (typeof info[k] === 'string' ? (info[k] as string) : '');
  const vendor = str('vendor');
  const architecture = str('architecture');
  const device = str('device');
  const description = str('description');
  const software = a.isFallbackAdapter === true || info.isFallbackAdapter === true || SOFTWARE.test(`${description} ${device} ${architecture}`);
  const parts = [vendor, architecture, description || device].filter(Boolean);
  return {
    vendor,
    architecture,
    device,
    description,
    software,
    name: parts.join(' ') || 'unnamed adapter',
    maxBufferSize: a.limits.maxBufferSize,
    maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize,
  };
}

/**
 * Load Dawn, find the adapter tfjs will use (high-performance preference, as the tfjs backend asks)
 * and register the tfjs webgpu backend. With `allowSoftware: false` (what `auto` passes) a software
 * adapter is refused with the reason.
 */
export async function loadWebgpu(options: { allowSoftware: boolean }): Promise<WebgpuAdapter> {
  const d = loadDawn();
  if (!gpu) {
    Object.assign(globalThis, d.globals);
    gpu = d.create([]);
  }
  if (!adapter) {
    const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!a) {
      throw new Error(
        'webgpu: no adapter (Dawn needs a Vulkan driver: a GPU vendor driver, or Mesa 25 from Debian bookworm-backports; Debian 12\'s Mesa 22.3 is too old)',
      );
    }
    adapter = describe(a);
  }
  if (adapter.software && !options.allowSoftware) {
    throw new Error(`webgpu adapter is ${adapter.name}, a software adapter on the CPU: slower than wasm, used only when asked for (--backend webgpu)`);
  }
  // The tfjs backend registers itself only where navigator.gpu exists (Node 20 has no navigator).
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator?.gpu) Object.defineProperty(globalThis, 'navigator', { value: { ...(g.navigator ?? {}), gpu }, configurable: true, writable: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-backend-webgpu');
  return adapter;
}

interface DeviceLike {
  addEventListener(type: 'uncapturederror', listener: (e: { error?: { message?: string } }) => void): void;
}

const watched = new WeakSet<object>();
const errors: string[] = [];

/**
 * WebGPU reports an invalid shader or an oversized buffer as an event, not an exception: the
 * command is dropped and its outputs read as zeros. Record every such error so the training and
 * prediction loops stop at the next batch ({@link throwIfWebgpuError}) instead of carrying on
 * with garbage.
 */
export function watchWebgpuErrors(device: unknown): void {
  const d = device as DeviceLike | undefined;
  if (!d || typeof d.addEventListener !== 'function' || watched.has(d)) return;
  watched.add(d);
  d.addEventListener('uncapturederror', (e) => {
    const msg = (e.error?.message ?? String(e)).trim();
    if (errors.length === 0) process.stderr.write(`[webgpu] device error (the results of this command are invalid): ${msg.split('\n')[0]}\n`);
    errors.push(msg);
  });
}

/** Throws, with the first WebGPU device error since the last call, when there was one. */
export function throwIfWebgpuError(where = ''): void {
  if (!errors.length) return;
  const first = errors[0];
  const n = errors.length;
  errors.length = 0;
  throw new Error(
    `WebGPU device error${where ? ` ${where}` : ''}: ${first.split('\n').slice(0, 3).join(' | ')}` +
      `${n > 1 ? ` (and ${n - 1} more)` : ''}; the backend dropped the command, so its results are invalid. ` +
      `Run with --backend wasm or cpu, and report the layer (a parity test in libs/layers/src/parity shows which).`,
  );
}

/** The adapter found by `loadWebgpu`, if it ran. */
export function webgpuAdapter(): WebgpuAdapter | undefined {
  return adapter;
}
