/**
 * The one place that decides which TensorFlow.js backend runs.
 *
 * `auto` tries, in order: tfjs-node-gpu (CUDA), webgpu on a hardware GPU
 * adapter, tfjs-node (libtensorflow on CPU), wasm, the pure-JS cpu backend, and
 * says in one line which one runs and why the better ones did not load.
 * tfjs-node(-gpu) are optional dependencies: their install downloads
 * libtensorflow from a host that is often unreachable, so on many machines they
 * are absent. webgpu (Dawn's Node binding, prebuilt in the npm package) runs on
 * any Vulkan driver; `auto` never picks a software adapter (llvmpipe,
 * SwiftShader): those are for correctness tests and slower than wasm.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

import { loadWebgpu, watchWebgpuErrors, webgpuAdapter, type WebgpuAdapter } from './webgpu';

export type BackendChoice = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface BackendInfo {
  /** The tfjs backend now active. */
  backend: BackendName;
  /** The npm package that provides it. */
  package: string;
  /** Where it computes: 'GPU (CUDA)', 'GPU (WebGPU: nvidia ...)', 'CPU (libtensorflow)', 'CPU (wasm, 1 thread, SIMD)', 'CPU (JavaScript)'. */
  device: string;
  /** The WebGPU adapter, when the backend is webgpu. */
  adapter?: WebgpuAdapter;
  /** What was asked for (argument, else TFJS_BACKEND, else 'auto'). */
  requested: BackendChoice;
  /** For each better candidate that was not used: why. */
  skipped: { package: string; reason: string }[];
  /** The one-line summary that was logged. */
  summary: string;
}

export interface InitBackendOptions {
  /**
   * Backend to use; falls back to the TFJS_BACKEND environment variable.
   * @default 'auto'
   */
  backend?: BackendChoice;
  /**
   * Where the one-line summary goes; `null` for silence.
   * @default a function writing to stderr
   */
  log?: ((line: string) => void) | null;
}

interface Candidate {
  package: string;
  backend: BackendName;
  /** Loads the package and registers its backend; throws with a readable reason. */
  load(requested: BackendChoice): void | Promise<void>;
  device(): string;
}

let current: BackendInfo | undefined;

function isInstalled(pkg: string): boolean {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

/** First line of an error, with the noisy require stack cut off. */
function shortReason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0].trim();
}

/** Directories the dynamic loader searches for CUDA libraries. */
function libraryDirs(): string[] {
  const dirs = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  dirs.push('/usr/local/cuda/lib64', '/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib');
  try {
    for (const f of fs.readdirSync('/etc/ld.so.conf.d')) {
      for (const line of fs.readFileSync(path.join('/etc/ld.so.conf.d', f), 'utf8').split('\n')) {
        if (line.startsWith('/')) dirs.push(line.trim());
      }
    }
  } catch {
    /* no ld.so.conf.d: the defaults above are all we know */
  }
  return dirs;
}

/** tfjs-node-gpu 4.x is built against CUDA 11.2 / cuDNN 8; without them it silently runs on CPU. */
export function missingCudaLibraries(): string[] {
  const needed = ['libcudart.so.11.0', 'libcudnn.so.8'];
  const dirs = libraryDirs();
  return needed.filter((lib) => !dirs.some((d) => fs.existsSync(path.join(d, lib))));
}

function nodeCandidate(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Candidate {
  return {
    package: pkg,
    backend: 'tensorflow',
    load() {
      if (!isInstalled(pkg)) {
        throw new Error(`${pkg.replace('@tensorflow/', '')} not installed (optional dependency; its install downloads libtensorflow)`);
      }
      if (pkg.endsWith('-gpu')) {
        const missing = missingCudaLibraries();
        // Loading it anyway would run on CPU while calling itself the GPU build.
        if (missing.length) throw new Error(`tfjs-node-gpu installed but ${missing.join(', ')} not found (it needs CUDA 11.2 + cuDNN 8)`);
      }
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(pkg);
      } catch (err) {
        throw new Error(`${pkg.replace('@tensorflow/', '')} installed but failed to load: ${shortReason(err)}`);
      }
    },
    device: () => (pkg.endsWith('-gpu') ? 'GPU (CUDA)' : 'CPU (libtensorflow)'),
  };
}

const webgpuCandidate: Candidate = {
  package: '@tensorflow/tfjs-backend-webgpu',
  backend: 'webgpu',
  async load(requested) {
    // Asked for by name it runs on any adapter (llvmpipe included: the CI parity tests use it).
    await loadWebgpu({ allowSoftware: requested === 'webgpu' });
  },
  device: () => {
    const a = webgpuAdapter();
    if (!a) return 'GPU (WebGPU)';
    return a.software ? `CPU (WebGPU software adapter: ${a.name})` : `GPU (WebGPU: ${a.name})`;
  },
};

const CANDIDATES: Record<BackendName, Candidate[]> = {
  tensorflow: [nodeCandidate('@tensorflow/tfjs-node-gpu'), nodeCandidate('@tensorflow/tfjs-node')],
  webgpu: [webgpuCandidate],
  wasm: [
    {
      package: '@tensorflow/tfjs-backend-wasm',
      backend: 'wasm',
      load() {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('@tensorflow/tfjs-backend-wasm');
      },
      // In Node the wasm backend never uses threads (tfjs issue 8513).
      device: () => `CPU (wasm, 1 thread${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? ', SIMD' : ''})`,
    },
  ],
  cpu: [{ package: '@tensorflow/tfjs-backend-cpu', backend: 'cpu', load() {}, device: () => 'CPU (JavaScript)' }],
};

/** `auto`: the GPUs first (CUDA, then WebGPU on hardware), then the CPU backends, fastest first. */
const AUTO_ORDER: Candidate[] = [CANDIDATES.tensorflow[0], webgpuCandidate, CANDIDATES.tensorflow[1], ...CANDIDATES.wasm, ...CANDIDATES.cpu];

function readChoice(opt?: BackendChoice): BackendChoice {
  const raw = opt ?? (process.env.TFJS_BACKEND as BackendChoice | undefined) ?? 'auto';
  if (!BACKEND_CHOICES.includes(raw)) {
    throw new Error(`TFJS_BACKEND/--backend: expected one of ${BACKEND_CHOICES.join('|')}, received '${raw}'`);
  }
  return raw;
}

/**
 * Select and initialise the backend. Call once at start-up, before building
 * models; calling again switches backends (tests use this).
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const requested = readChoice(options.backend);
  const log = options.log === undefined ? (l: string) => process.stderr.write(l + '\n') : options.log;
  const candidates = requested === 'auto' ? AUTO_ORDER : CANDIDATES[requested];
  const skipped: BackendInfo['skipped'] = [];

  for (const cand of candidates) {
    try {
      await cand.load(requested);
      if (!(await tf.setBackend(cand.backend))) throw new Error(`tf.setBackend('${cand.backend}') returned false`);
      await tf.ready();
      if (cand.backend === 'webgpu') watchWebgpuErrors((tf.backend() as unknown as { device?: unknown }).device);
    } catch (err) {
      skipped.push({ package: cand.package, reason: shortReason(err) });
      continue;
    }
    const why = skipped.length ? `; not used: ${skipped.map((s) => s.reason).join('; ')}` : '';
    const summary = `[tfjs] backend ${cand.backend} on ${cand.device()} (${cand.package} ${tf.version.tfjs}, requested ${requested})${why}`;
    const adapter = cand.backend === 'webgpu' ? webgpuAdapter() : undefined;
    current = { backend: cand.backend, package: cand.package, device: cand.device(), adapter, requested, skipped, summary };
    log?.(summary);
    return current;
  }
  throw new Error(
    `no TensorFlow.js backend could be loaded for '${requested}': ${skipped.map((s) => `${s.package}: ${s.reason}`).join('; ')}`,
  );
}

/** The backend chosen by the last `initBackend`, if any. */
export function backendInfo(): BackendInfo | undefined {
  return current;
}

export { tf };
