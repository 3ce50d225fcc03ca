/**
 * Dropout masks seeded from a per-layer call counter (SeededDropout, MultiHeadAttention) repeat
 * exactly run to run, but the counter lives in the layer object: a resumed process starts it at 0
 * and would draw other masks than the uninterrupted run (including in SWA's BatchNormalization
 * refresh, which runs in training mode). trainModel saves the counters with each checkpoint and
 * puts them back on resume.
 */
import { tf } from '../backend';

interface CountsMasks {
  maskCalls: number;
}

function maskLayers(model: tf.LayersModel): CountsMasks[] {
  const out: CountsMasks[] = [];
  const visit = (layers: tf.layers.Layer[]) => {
    for (const l of layers) {
      if (l instanceof tf.LayersModel) visit(l.layers);
      else if (typeof (l as unknown as Partial<CountsMasks>).maskCalls === 'number') out.push(l as unknown as CountsMasks);
    }
  };
  visit(model.layers);
  return out;
}

/** The mask counters of the model's layers, in layer order (nested models included). */
export function getMaskCalls(model: tf.LayersModel): number[] {
  return maskLayers(model).map((l) => l.maskCalls);
}

/** Put back counters saved by getMaskCalls on the same architecture. */
export function setMaskCalls(model: tf.LayersModel, calls: readonly number[], where: string): void {
  const layers = maskLayers(model);
  if (layers.length !== calls.length) {
    throw new Error(`${where}: saved ${calls.length} dropout mask counter(s), the model has ${layers.length} layer(s) with seeded masks`);
  }
  layers.forEach((l, i) => (l.maskCalls = calls[i]));
}
