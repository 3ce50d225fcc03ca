import * as fs from 'fs';
import * as path from 'path';
// Types only: the handler works with whichever tfjs build the caller loaded
// (tfjs, tfjs-node, ...) and importing @repro/io does not load tfjs.
import type { io } from '@tensorflow/tfjs';
import { tempPathFor } from './atomic';
import { DataError } from './errors';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** Join tfjs weight data (one ArrayBuffer or, since tfjs 4.10, a list of them) into one buffer. */
function joinWeights(data: io.WeightData | ArrayBuffer[] | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let off = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), off);
    off += p.byteLength;
  }
  return out;
}

/** Write to a temp file next to `file` (fsynced); the caller renames it into place. */
function writeTemp(file: string, data: string | Uint8Array): string {
  const tmp = tempPathFor(file);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return tmp;
}

/**
 * A tfjs IOHandler that saves to / loads from a directory holding
 * `model.json` + `weights.bin`: the layout of tfjs-node's `file://` handler,
 * so each reads the other's output, but on any backend (wasm and cpu have no
 * `file://`). `dir` may also be the path of the model.json itself.
 *
 * Saving is atomic per file and ordered: both files are written to temp
 * names, then weights.bin is renamed first and model.json last, so a
 * model.json on disk always refers to complete weights.
 */
export function modelDirHandler(dir: string): io.IOHandler {
  const root = path.basename(dir) === MODEL_JSON ? path.dirname(dir) : dir;
  const jsonPath = path.join(root, MODEL_JSON);
  return {
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new TypeError('modelDirHandler: binary model topologies are not supported (expected a JSON topology)');
      }
      fs.mkdirSync(root, { recursive: true });
      const weights = joinWeights(artifacts.weightData);
      const manifest: io.WeightsManifestConfig = [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }];
      // Same fields (and order) as tfjs's getModelJSONForModelArtifacts, which tfjs-node uses.
      const modelJson: io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: manifest,
      };
      if (artifacts.signature != null) modelJson.signature = artifacts.signature;
      if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.modelInitializer != null) modelJson.modelInitializer = artifacts.modelInitializer;
      if (artifacts.initializerSignature != null) modelJson.initializerSignature = artifacts.initializerSignature;
      if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;

      const weightsPath = path.join(root, WEIGHTS_BIN);
      const temps: string[] = [];
      try {
        const wTmp = writeTemp(weightsPath, weights);
        temps.push(wTmp);
        const jTmp = writeTemp(jsonPath, JSON.stringify(modelJson));
        temps.push(jTmp);
        fs.renameSync(wTmp, weightsPath);
        fs.renameSync(jTmp, jsonPath);
      } catch (err) {
        for (const t of temps) fs.rmSync(t, { force: true });
        throw err;
      }
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: Buffer.byteLength(JSON.stringify(artifacts.modelTopology ?? null), 'utf8'),
          weightSpecsBytes: Buffer.byteLength(JSON.stringify(artifacts.weightSpecs ?? []), 'utf8'),
          weightDataBytes: weights.byteLength,
        },
      };
    },

    async load(): Promise<io.ModelArtifacts> {
      if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
        throw new DataError(root, `model directory not found (expected a directory holding ${MODEL_JSON} and ${WEIGHTS_BIN})`);
      }
      if (!fs.existsSync(jsonPath)) {
        const found = fs.readdirSync(root);
        throw new DataError(jsonPath, `not found (expected a tfjs ${MODEL_JSON}; the directory holds: ${found.join(', ') || 'nothing'})`);
      }
      let modelJson: io.ModelJSON;
      try {
        modelJson = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as io.ModelJSON;
      } catch (err) {
        throw new DataError(jsonPath, `not valid JSON: ${(err as Error).message}`);
      }
      if (modelJson.modelTopology == null || !Array.isArray(modelJson.weightsManifest)) {
        throw new DataError(jsonPath, 'expected a tfjs model.json with modelTopology and weightsManifest');
      }
      const specs: io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of modelJson.weightsManifest) {
        specs.push(...group.weights);
        for (const p of group.paths) {
          const file = path.join(root, p);
          if (!fs.existsSync(file)) throw new DataError(file, `weights file not found (listed in ${jsonPath})`);
          const b = fs.readFileSync(file);
          buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
        }
      }
      const weights = joinWeights(buffers);
      const expected = specs.reduce((n, s) => n + weightBytes(s), 0);
      // String weights have no fixed width, so only check when there are none.
      if (!specs.some((s) => s.dtype === 'string') && weights.byteLength < expected) {
        throw new DataError(root, `weights are truncated: the manifest needs ${expected} bytes, the files hold ${weights.byteLength}`);
      }
      // The same fields tfjs's getModelArtifactsForJSON copies.
      const artifacts: io.ModelArtifacts = {
        modelTopology: modelJson.modelTopology,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy,
        weightSpecs: specs,
        weightData: weights.buffer as ArrayBuffer,
      };
      if (modelJson.trainingConfig != null) artifacts.trainingConfig = modelJson.trainingConfig;
      if (modelJson.signature != null) artifacts.signature = modelJson.signature;
      if (modelJson.userDefinedMetadata != null) artifacts.userDefinedMetadata = modelJson.userDefinedMetadata;
      if (modelJson.modelInitializer != null) artifacts.modelInitializer = modelJson.modelInitializer;
      if (modelJson.initializerSignature != null) artifacts.initializerSignature = modelJson.initializerSignature;
      return artifacts;
    },
  };
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/** Bytes a weight occupies in weights.bin (quantized weights use their quantized width). */
function weightBytes(s: io.WeightsManifestEntry): number {
  const n = s.shape.reduce((a, b) => a * b, 1);
  const q = s.quantization;
  if (q) return n * (q.dtype === 'uint8' ? 1 : 2);
  return n * (DTYPE_BYTES[s.dtype] ?? 4);
}
