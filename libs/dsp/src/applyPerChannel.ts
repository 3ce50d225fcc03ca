import { MultiChannel } from './types';
import { checkInt } from './validate';

/**
 * Apply a 1-D function to every channel of a row-major (time x channel) signal.
 * All channels must come back with the same length (which may differ from the
 * input's, e.g. `downsample`). The result keeps the input's storage type.
 */
export function applyPerChannel(x: MultiChannel, fn: (channel: Float64Array, index: number) => ArrayLike<number>): MultiChannel {
  const { data, nChannels } = x;
  checkInt('applyPerChannel', 'nChannels', nChannels, 1);
  if (data.length % nChannels !== 0) {
    throw new RangeError(`applyPerChannel: data length must be a multiple of nChannels (${nChannels}), received ${data.length}`);
  }
  const nTime = data.length / nChannels;
  let out: Float32Array | Float64Array | undefined;
  let outLen = -1;
  const col = new Float64Array(nTime);
  for (let c = 0; c < nChannels; c++) {
    for (let t = 0; t < nTime; t++) col[t] = data[t * nChannels + c];
    const y = fn(col.slice(), c);
    if (out === undefined) {
      outLen = y.length;
      out = data instanceof Float32Array ? new Float32Array(outLen * nChannels) : new Float64Array(outLen * nChannels);
    } else if (y.length !== outLen) {
      throw new RangeError(`applyPerChannel: every channel must return the same length (${outLen}), channel ${c} returned ${y.length}`);
    }
    for (let t = 0; t < outLen; t++) out[t * nChannels + c] = y[t];
  }
  return { data: out as Float32Array | Float64Array, nChannels };
}

/** Channel `c` of a row-major multi-channel signal as a new Float64Array. */
export function getChannel(x: MultiChannel, c: number): Float64Array {
  const { data, nChannels } = x;
  checkInt('getChannel', 'channel', c, 0, nChannels - 1);
  const n = data.length / nChannels;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = data[t * nChannels + c];
  return out;
}
