/**
 * Training checkpoints: everything trainModel needs to resume at the next
 * epoch, in a directory:
 *
 *   <dir>/last/state.json          epoch, history, schedule/RNG/early-stopping state, tensor index
 *   <dir>/last/tensors-<epoch>.bin model weights, optimizer weights, SWA averages, best weights
 *   <dir>/best/model.json + weights.bin   the best model so far (a normal tfjs model dir)
 *
 * Crash safety: the tensors go to a new file named after the epoch, then
 * state.json (which names that file) is replaced atomically, then older tensor
 * files are deleted. A crash at any point leaves a state.json whose tensor file
 * is complete.
 *
 * Tensors are stored by position (not by variable name): tfjs names variables
 * per process (dense_Dense1 vs dense_Dense3 for two builds of one model), while
 * the order of model.weights and optimizer slots is stable.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DataError, modelDirHandler, readJson, writeFileAtomic, writeJson } from '@repro/io';
import { tf } from '../backend';
import type { NamedTensor } from './optimizerSlots';

export interface TensorSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  /** Byte offset in the tensors file. */
  offset: number;
}

export const STATE_FILE = 'state.json';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointFile<S> {
  version: number;
  /** The tensors file (in the same folder). */
  tensorsFile: string;
  /** Tensor groups (e.g. model, optimizer) -> specs. */
  tensors: Record<string, TensorSpec[]>;
  state: S;
}

const BYTES: Record<TensorSpec['dtype'], number> = { float32: 4, int32: 4, bool: 1 };

async function encode(groups: Record<string, NamedTensor[]>): Promise<{ specs: Record<string, TensorSpec[]>; data: Uint8Array }> {
  const specs: Record<string, TensorSpec[]> = {};
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [group, tensors] of Object.entries(groups)) {
    specs[group] = [];
    for (const { name, tensor } of tensors) {
      const dtype = tensor.dtype as TensorSpec['dtype'];
      if (!(dtype in BYTES)) throw new TypeError(`saveCheckpoint: ${group}/${name}: expected a float32, int32 or bool tensor, received ${tensor.dtype}`);
      const values = await tensor.data();
      const bytes =
        dtype === 'bool'
          ? Uint8Array.from(values as Uint8Array)
          : new Uint8Array(values.buffer as ArrayBuffer, (values as Float32Array).byteOffset, (values as Float32Array).byteLength).slice();
      specs[group].push({ name, shape: [...tensor.shape], dtype, offset });
      parts.push(bytes);
      offset += bytes.byteLength;
    }
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.byteLength;
  }
  return { specs, data };
}

function decode(file: string, specs: TensorSpec[], buf: Buffer): NamedTensor[] {
  return specs.map((s) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const len = n * BYTES[s.dtype];
    if (s.offset + len > buf.byteLength) throw new DataError(file, `truncated: ${s.name} needs bytes ${s.offset}..${s.offset + len}, the file has ${buf.byteLength}`);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset + s.offset, len).slice();
    const values = s.dtype === 'float32' ? new Float32Array(bytes.buffer) : s.dtype === 'int32' ? new Int32Array(bytes.buffer) : bytes;
    return { name: s.name, tensor: tf.tensor(values, s.shape, s.dtype) };
  });
}

/** Write `<dir>/tensors-<tag>.bin` then `<dir>/state.json`, then delete stale tensor files. */
export async function saveCheckpoint<S>(dir: string, tag: string, state: S, groups: Record<string, NamedTensor[]>): Promise<void> {
  const { specs, data } = await encode(groups);
  const tensorsFile = `tensors-${tag}.bin`;
  writeFileAtomic(path.join(dir, tensorsFile), data);
  const file: CheckpointFile<S> = { version: CHECKPOINT_VERSION, tensorsFile, tensors: specs, state };
  writeJson(path.join(dir, STATE_FILE), file);
  for (const f of fs.readdirSync(dir)) {
    if (/^tensors-.*\.bin$/.test(f) && f !== tensorsFile) fs.rmSync(path.join(dir, f), { force: true });
  }
}

/** The checkpoint in `dir`, or undefined when there is none. The caller owns (and disposes) the tensors. */
export function loadCheckpoint<S>(dir: string): { state: S; tensors: Record<string, NamedTensor[]> } | undefined {
  const stateFile = path.join(dir, STATE_FILE);
  if (!fs.existsSync(stateFile)) return undefined;
  const file = readJson<CheckpointFile<S>>(stateFile);
  if (file.version !== CHECKPOINT_VERSION) throw new DataError(stateFile, `checkpoint version: expected ${CHECKPOINT_VERSION}, received ${file.version}`);
  const binFile = path.join(dir, file.tensorsFile);
  if (!fs.existsSync(binFile)) throw new DataError(binFile, `tensor file not found (named by ${stateFile})`);
  const buf = fs.readFileSync(binFile);
  const tensors: Record<string, NamedTensor[]> = {};
  try {
    for (const [group, specs] of Object.entries(file.tensors)) tensors[group] = decode(binFile, specs, buf);
  } catch (err) {
    for (const ts of Object.values(tensors)) tf.dispose(ts.map((t) => t.tensor));
    throw err;
  }
  return { state: file.state, tensors };
}

/**
 * Save a model as model.json + weights.bin in `dir` (the layout of tfjs-node's file:// handler,
 * on any backend). Kept as one small function so the handler can be swapped.
 */
export async function saveModelDir(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(modelDirHandler(dir));
}
