import fx from './__fixtures__/spectral.json';
import { melFilterbank } from './melFilterbank';
import { melSpectrogram } from './melSpectrogram';
import { expectClose, reportErrors, track } from './testing';

reportErrors();
const y = fx.x.slice(0, fx.mel_x_len);

describe('melFilterbank / melSpectrogram (Slaney, librosa defaults)', () => {
  // Tolerance 1e-9 relative to max(1, max |S|); reference is a numpy transcription of librosa 0.10.
  it.each(fx.mel.map((c) => [JSON.stringify(c.params), c] as const))('matches the numpy reference %s (tol 1e-9)', (_p, c) => {
    const p = c.params;
    const fb = melFilterbank(c.fs, p.nfft, { nMels: p.nMels, fmin: p.fmin, fmax: p.fmax });
    track('melFilterbank', expectClose(fb, c.filterbank, 1e-12));
    const r = melSpectrogram(y, {
      fs: c.fs,
      nfft: p.nfft,
      hopLength: p.hop,
      nMels: p.nMels,
      fmin: p.fmin,
      fmax: p.fmax,
      power: p.power,
      center: p.center,
      padMode: p.padMode as 'constant' | 'reflect',
    });
    expect([r.nMels, r.nFrames]).toEqual(c.shape);
    track('melSpectrogram', expectClose(r.S, c.S, 1e-9));
  });

  it('winLength: a Hann window of that length centred in nfft zeros (librosa win_length)', () => {
    const nfft = 64;
    const w = 16;
    const x = y.slice(0, 200);
    const fb = melFilterbank(200, nfft, { nMels: 8, fmax: 20 });
    const r = melSpectrogram(x, { fs: 200, nfft, hopLength: 32, nMels: 8, fmax: 20, center: false, winLength: w });
    // Frame 1 by a plain DFT: only samples [32 + 24, 32 + 40) are weighted.
    const nBins = nfft / 2 + 1;
    const lpad = (nfft - w) / 2;
    const power = new Float64Array(nBins);
    for (let k = 0; k < nBins; k++) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < w; i++) {
        const v = x[32 + lpad + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / w));
        re += v * Math.cos((2 * Math.PI * k * (lpad + i)) / nfft);
        im -= v * Math.sin((2 * Math.PI * k * (lpad + i)) / nfft);
      }
      power[k] = re * re + im * im;
    }
    for (let m = 0; m < 8; m++) {
      let acc = 0;
      for (let k = 0; k < nBins; k++) acc += fb[m * nBins + k] * power[k];
      expect(r.S[m * r.nFrames + 1]).toBeCloseTo(acc, 9);
    }
    // winLength = nfft is the default, byte for byte.
    const a = melSpectrogram(x, { fs: 200, nfft, nMels: 8, fmax: 20 });
    const b = melSpectrogram(x, { fs: 200, nfft, nMels: 8, fmax: 20, winLength: nfft });
    expect(Array.from(b.S)).toEqual(Array.from(a.S));
    expect(() => melSpectrogram(x, { fs: 200, nfft, winLength: nfft + 1 })).toThrow(/winLength must be <= nfft \(64\), received 65/);
  });

  it('names the bad parameter', () => {
    expect(() => melFilterbank(1000, 64, { fmax: 600 })).toThrow(/melFilterbank: fmin\/fmax must satisfy 0 <= fmin < fmax <= fs\/2 \(500\), received fmin=0, fmax=600/);
    expect(() => melSpectrogram(y, { fs: 1000, nfft: 1 })).toThrow(/melSpectrogram: nfft must be an integer >= 2, received 1/);
    expect(() => melSpectrogram(y, { fs: 1000, padMode: 'edge' as 'reflect' })).toThrow(/melSpectrogram: padMode must be one of 'constant', 'reflect', received "edge"/);
    expect(() => melSpectrogram(y, {} as { fs: number })).toThrow(/melSpectrogram: fs must be a finite number > 0, received undefined/);
  });
});
