import { solve } from 'ml-matrix';
import { checkInt, checkSignal } from './validate';

export interface FitHalfSineDriftOptions {
  /**
   * Samples of one half-sine period: the drift is a * sin(pi * (i + start) / batchLength).
   * @default 500000
   */
  batchLength?: number;
  /**
   * Index of x[0] within the batch (to fit a slice of a batch).
   * @default 0
   */
  start?: number;
  /**
   * Known amplitude (Ion Switching: 5). Used as the result when `fit` is false.
   * @default 5
   */
  amplitudeGuess?: number;
  /**
   * Fit the amplitude by least squares; false returns the known shape amplitudeGuess * sin.
   * @default true
   */
  fit?: boolean;
}

export interface DriftFit {
  /** Fitted sine amplitude (or slope for a linear fit). */
  amplitude: number;
  /** Fitted constant level (not part of `drift`: it carries the open-channel level). */
  offset: number;
  /** The drift to subtract, same length as the input; excludes `offset`. */
  drift: Float64Array;
}

/**
 * Ion Switching half-sine drift: least-squares fit of x[i] ~ a * sin(pi * (i + start) / N) + c
 * (2x2 normal equations, ml-matrix solve). No open_channels labels are needed: the level c
 * absorbs the batch's mean channel current, and the channel noise is uncorrelated with the
 * slow sine, so `a` is estimated from the signal alone (or fixed to amplitudeGuess).
 */
export function fitHalfSineDrift(x: ArrayLike<number>, options: FitHalfSineDriftOptions = {}): DriftFit {
  checkSignal('fitHalfSineDrift', 'x', x, 2);
  const N = checkInt('fitHalfSineDrift', 'batchLength', options.batchLength ?? 500000, 1);
  const start = checkInt('fitHalfSineDrift', 'start', options.start ?? 0, 0);
  const guess = options.amplitudeGuess ?? 5;
  const s = Float64Array.from({ length: x.length }, (_, i) => Math.sin((Math.PI * (i + start)) / N));
  let amplitude = guess;
  let offset: number;
  if (options.fit ?? true) {
    let ss = 0;
    let s1 = 0;
    let sx = 0;
    let x1 = 0;
    for (let i = 0; i < x.length; i++) {
      ss += s[i] * s[i];
      s1 += s[i];
      sx += s[i] * x[i];
      x1 += x[i];
    }
    const sol = solve(
      [
        [ss, s1],
        [s1, x.length],
      ],
      [[sx], [x1]],
    );
    amplitude = sol.get(0, 0);
    offset = sol.get(1, 0);
  } else {
    let r = 0;
    for (let i = 0; i < x.length; i++) r += x[i] - guess * s[i];
    offset = r / x.length;
  }
  return { amplitude, offset, drift: s.map((v) => v * amplitude) };
}
