/** Helpers for the blocks tests: the committed fixture and tolerant comparisons. Not exported from the library. */
import * as fs from 'fs';
import * as path from 'path';
import { tf } from '../backend';

export interface Enc {
  shape: number[];
  values: number[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fixture = any;

let cache: Fixture | undefined;
/** libs/layers/src/blocks/__fixtures__/blocks.json (tools/fixtures/blocks_fixtures.py). */
export function fixture(): Fixture {
  cache ??= JSON.parse(fs.readFileSync(path.join(__dirname, '__fixtures__', 'blocks.json'), 'utf8'));
  return cache;
}

export function t(e: Enc): tf.Tensor {
  return tf.tensor(e.values, e.shape, 'float32');
}

/** Throws unless `actual` has `expected`'s shape and |a - e| <= atol + rtol * max|e| everywhere. */
export function expectClose(actual: tf.Tensor, expected: Enc | tf.Tensor, atol = 1e-5, rtol = 1e-4, what = ''): void {
  const eShape = expected instanceof tf.Tensor ? expected.shape : expected.shape;
  const eVals = expected instanceof tf.Tensor ? Array.from(expected.dataSync()) : expected.values;
  expect({ what, shape: actual.shape }).toEqual({ what, shape: eShape });
  const a = actual.dataSync();
  let scale = 0;
  for (const v of eVals) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - eVals[i]));
  expect({ what, ok: worst <= atol + rtol * scale, worst }).toEqual({ what, ok: true, worst });
}

/** Runs `model.save` into memory and loads it back (tf.io.withSaveHandler + tf.io.fromMemory). */
export async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  // Through JSON, as a file on disk would be.
  const topology = JSON.parse(JSON.stringify(saved!.modelTopology));
  return tf.loadLayersModel(tf.io.fromMemory({ ...saved!, modelTopology: topology }));
}

export const BACKENDS = ['cpu', 'wasm'] as const;
