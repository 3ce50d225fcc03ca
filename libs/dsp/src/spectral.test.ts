import fx from './__fixtures__/spectral.json';
import { fft } from './fft';
import { getWindow } from './getWindow';
import { ifft } from './ifft';
import { rfft } from './rfft';
import { spectrogram, SpectrogramOptions } from './spectrogram';
import { stft } from './stft';
import { expectClose, reportErrors, track } from './testing';

reportErrors();

describe('rfft / fft / ifft', () => {
  // Tolerance 1e-10 relative to max(1, max |X|) (Bluestein lengths reach ~1e-13).
  it.each(fx.rfft.map((c) => [c.x.length, c] as const))('rfft matches numpy for n=%i (tol 1e-10)', (_n, c) => {
    const { re, im } = rfft(c.x);
    track('rfft', expectClose(re, c.re, 1e-10));
    track('rfft', expectClose(im, c.im, 1e-10));
  });
  it.each(fx.fft.map((c) => [c.re.length, c] as const))('fft matches numpy for complex n=%i and ifft inverts it (tol 1e-10)', (_n, c) => {
    const f = fft(c.re_in, c.im_in);
    track('fft', expectClose(f.re, c.re, 1e-10));
    track('fft', expectClose(f.im, c.im, 1e-10));
    const back = ifft(f.re, f.im);
    track('ifft', expectClose(back.re, c.re_in, 1e-10));
    track('ifft', expectClose(back.im, c.im_in, 1e-10));
  });
  it('zero-pads and truncates to n like numpy', () => {
    const x = [1, 2, 3];
    const padded = rfft(x, { n: 6 });
    expect(padded.re).toHaveLength(4);
    expect(padded.re[0]).toBeCloseTo(6, 12);
    expect(rfft(x, { n: 2 }).re[0]).toBeCloseTo(3, 12);
  });
  it('names the bad parameter', () => {
    expect(() => rfft([1, 2], { n: 0 })).toThrow(/rfft: n must be an integer >= 1, received 0/);
    expect(() => fft([1, 2], [1])).toThrow(/fft: im must have the same length as re \(2\), received length 1/);
    expect(() => ifft([1, 2], [1])).toThrow(/ifft: im must have the same length as re \(2\), received length 1/);
  });
});

describe('spectrogram', () => {
  const toOpts = (p: Record<string, unknown>): SpectrogramOptions => p as SpectrogramOptions;
  // Tolerance 1e-9 relative to max(1, max |Sxx|).
  it.each(fx.spectrogram.map((c) => [JSON.stringify(c.params), c] as const))('matches scipy.signal.spectrogram %s (tol 1e-9)', (_p, c) => {
    const r = spectrogram(fx.x, toOpts(c.params));
    expect([r.nFreq, r.nTime]).toEqual(c.shape);
    track('spectrogram', expectClose(r.f, c.f, 1e-12));
    track('spectrogram', expectClose(r.t, c.t, 1e-12));
    track('spectrogram', expectClose(r.Sxx, c.Sxx, 1e-9));
  });
  it('matches scipy mode="complex" with an explicit window array via stft (tol 1e-9)', () => {
    const c = fx.spectrogram_array_window;
    const r = stft(fx.x, { window: c.window, noverlap: c.noverlap, fs: c.fs });
    expect([r.nFreq, r.nTime]).toEqual(c.shape);
    track('stft', expectClose(r.t, c.t, 1e-12));
    track('stft', expectClose(r.re, c.re, 1e-9));
    track('stft', expectClose(r.im, c.im, 1e-9));
  });
  it('puts a sinusoid in its bin', () => {
    const fs = 64;
    const x = Float64Array.from({ length: 512 }, (_, i) => Math.sin((2 * Math.PI * 8 * i) / fs));
    const r = spectrogram(x, { fs, window: 'hann', nperseg: 64 });
    let best = 0;
    for (let k = 0; k < r.nFreq; k++) if (r.Sxx[k * r.nTime] > r.Sxx[best * r.nTime]) best = k;
    expect(r.f[best]).toBe(8);
  });
  it.each(fx.windows.map((c) => [c.name, c.n, c] as const))('getWindow(%s, %i) matches scipy.signal.get_window (tol 1e-14)', (name, n, c) => {
    track('getWindow', expectClose(getWindow(name as 'hann', n), c.w, 1e-14));
  });
  it('periodic windows match scipy.signal.get_window', () => {
    // get_window('hann', 4) = [0, 0.5, 1, 0.5]; hamming = [0.08, 0.54, 1, 0.54]
    expectClose(getWindow('hann', 4), [0, 0.5, 1, 0.5], 1e-15);
    expectClose(getWindow('hamming', 4), [0.08, 0.54, 1, 0.54], 1e-15);
  });
  it('names the bad parameter', () => {
    expect(() => spectrogram(fx.x, { nperseg: 0 })).toThrow(/spectrogram: nperseg must be an integer >= 1, received 0/);
    expect(() => spectrogram(fx.x, { nperseg: 64, noverlap: 64 })).toThrow(/spectrogram: noverlap must be an integer 0\.\.63, received 64/);
    expect(() => spectrogram(fx.x, { nperseg: 64, nfft: 32 })).toThrow(/spectrogram: nfft must be an integer >= 64, received 32/);
    expect(() => spectrogram(fx.x, { window: 'kaiser' as 'hann' })).toThrow(/getWindow: window must be one of .*received "kaiser"/);
    expect(() => spectrogram(fx.x, { scaling: 'x' as 'density' })).toThrow(/spectrogram: scaling must be one of 'density', 'spectrum', received "x"/);
    expect(() => spectrogram(fx.x, { mode: 'angle' as 'psd' })).toThrow(/spectrogram: mode must be one of 'psd', 'magnitude', received "angle"/);
    expect(() => spectrogram(fx.x, { fs: 0 })).toThrow(/spectrogram: fs must be a finite number > 0, received 0/);
    expect(() => spectrogram(fx.x, { window: [1, 1], nperseg: 3 })).toThrow(/nperseg must equal the window length \(2\), received 3/);
  });
});
