/**
 * Loads a Keras/TF.js weight file (the `model.json` + binary shards that
 * tensorflowjs_converter writes for e.g. Keras `EfficientNetB0(include_top=
 * False)`) into a model from buildEfficientNet, matching weights by
 * `layerName/weightName`. Reads a local path only; never downloads.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tf } from '../backend';

/** Layers of buildEfficientNet's classifier head, absent from include_top=False files. */
export const EFFICIENTNET_HEAD_LAYERS: readonly string[] = ['predictions'];
/** Keras preprocessing layers: loaded when the model has them, otherwise ignored in the file. */
const PREPROCESSING_LAYERS = ['rescaling', 'normalization'];

export interface LoadEfficientNetWeightsOptions {
  /** Layers of the model not to load (left as initialized). Default: the head ('predictions'). */
  skipLayers?: readonly string[];
  /**
   * When the model's stem has a different input-channel count than the file's
   * (e.g. 1-channel spectrograms vs RGB weights): 'error', or 'average' (the
   * file kernel's mean over input channels, repeated, times fileChannels /
   * modelChannels so activations keep their scale, as timm does). Default 'error'.
   */
  stemChannels?: 'error' | 'average';
}

export interface LoadEfficientNetWeightsReport {
  /** Model weights set from the file. */
  loaded: number;
  /** File weights not used (preprocessing the model lacks, or the file's head). */
  unused: string[];
}

/** `layer/weight` without TF's ':0' suffix or an enclosing model scope ('efficientnetb0/...'). */
function canonical(name: string): string {
  const parts = name.replace(/:\d+$/, '').split('/');
  return parts.slice(-2).join('/');
}

/** Reads model.json (a file, or a directory holding one) and decodes all weight groups. */
function readWeightFile(p: string): tf.NamedTensorMap {
  const owner = 'loadEfficientNetWeights';
  let jsonPath = p;
  if (fs.existsSync(p) && fs.statSync(p).isDirectory()) jsonPath = path.join(p, 'model.json');
  if (!fs.existsSync(jsonPath)) throw new Error(`${owner}: expected a model.json file or a directory holding one, received '${p}' (not found)`);
  const dir = path.dirname(jsonPath);
  let json: { weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  } catch (err) {
    throw new Error(`${owner}: '${jsonPath}' is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(json.weightsManifest)) throw new Error(`${owner}: '${jsonPath}' has no weightsManifest (not a TF.js model.json)`);
  const out: tf.NamedTensorMap = {};
  for (const group of json.weightsManifest) {
    const buffers = group.paths.map((f) => {
      const fp = path.join(dir, f);
      if (!fs.existsSync(fp)) throw new Error(`${owner}: shard '${fp}' listed in '${jsonPath}' is missing`);
      return fs.readFileSync(fp);
    });
    const all = Buffer.concat(buffers);
    const ab = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
    Object.assign(out, tf.io.decodeWeights(ab, group.weights));
  }
  return out;
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * Sets every weight of `model` (except `skipLayers`) from the file at `p`, by
 * name. Throws, changing nothing, when any model weight is missing from the
 * file, any shape differs, or the file holds weights the model lacks (another
 * variant or width) — listing the first few of each.
 */
export async function loadEfficientNetWeights(
  model: tf.LayersModel,
  p: string,
  options: LoadEfficientNetWeightsOptions = {},
): Promise<LoadEfficientNetWeightsReport> {
  const owner = 'loadEfficientNetWeights';
  const skip = new Set(options.skipLayers ?? EFFICIENTNET_HEAD_LAYERS);
  const stemChannels = options.stemChannels ?? 'error';
  if (stemChannels !== 'error' && stemChannels !== 'average') {
    throw new Error(`${owner}: stemChannels must be 'error'|'average', received ${JSON.stringify(stemChannels)}`);
  }
  const file = readWeightFile(p);
  const byName = new Map<string, tf.Tensor>();
  for (const [name, t] of Object.entries(file)) byName.set(canonical(name), t);

  const missing: string[] = [];
  const mismatched: string[] = [];
  const targets: [tf.LayerVariable, tf.Tensor][] = [];
  const used = new Set<string>();
  const created: tf.Tensor[] = [];
  try {
    for (const layer of model.layers) {
      if (skip.has(layer.name)) continue;
      for (const w of layer.weights) {
        const key = `${layer.name}/${w.originalName.split('/').pop()}`;
        let t = byName.get(key);
        if (!t) {
          missing.push(key);
          continue;
        }
        used.add(key);
        if (key === 'stem_conv/kernel' && stemChannels === 'average' && t.rank === 4 && w.shape.length === 4 && t.shape[2] !== w.shape[2]) {
          const fileC = t.shape[2] as number;
          const modelC = w.shape[2] as number;
          const src = t;
          t = tf.tidy(() => tf.tile(tf.mean(src, 2, true), [1, 1, modelC, 1]).mul(fileC / modelC));
          created.push(t);
        }
        if (!tf.util.arraysEqual(t.shape, w.shape as number[])) mismatched.push(`${key}: file ${fmt(t.shape)} vs model ${fmt(w.shape as number[])}`);
        else targets.push([w, t]);
      }
    }
    const modelLayers = new Set(model.layers.map((l) => l.name));
    const unused = [...byName.keys()].filter((k) => !used.has(k));
    // Weights of blocks/layers the model does not have mean another variant; a head or
    // preprocessing the model skips or lacks is expected.
    const foreign = unused.filter((k) => {
      const layer = k.split('/')[0];
      return !skip.has(layer) && !PREPROCESSING_LAYERS.includes(layer) && !modelLayers.has(layer);
    });
    if (missing.length || mismatched.length || foreign.length) {
      const few = (xs: string[]) => xs.slice(0, 5).join('; ') + (xs.length > 5 ? `; ... (${xs.length} in all)` : '');
      const lines = [`${owner}: '${p}' does not fit model '${model.name}':`];
      if (missing.length) lines.push(`  ${missing.length} model weights not in the file: ${few(missing)}`);
      if (mismatched.length) lines.push(`  ${mismatched.length} shape mismatches: ${few(mismatched)}`);
      if (foreign.length) lines.push(`  ${foreign.length} file weights with no layer in the model: ${few(foreign)}`);
      throw new Error(lines.join('\n'));
    }
    // All checks passed: only now touch the model, so a failed load leaves it intact.
    for (const [w, t] of targets) {
      // Keras stores Normalization's count as int64 (int32 after conversion); ours is float32.
      const v = t.dtype === w.dtype ? t : tf.cast(t, w.dtype);
      w.write(v);
      if (v !== t) v.dispose();
    }
    return { loaded: targets.length, unused };
  } finally {
    tf.dispose(Object.values(file));
    tf.dispose(created);
  }
}
