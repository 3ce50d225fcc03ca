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

  it('names the bad parameter', () => {
    expect(() => melFilterbank(1000, 64, { fmax: 600 })).toThrow(/melFilterbank: fmin\/fmax must satisfy 0 <= fmin < fmax <= fs\/2 \(500\), received fmin=0, fmax=600/);
    expect(() => melSpectrogram(y, { fs: 1000, nfft: 1 })).toThrow(/melSpectrogram: nfft must be an integer >= 2, received 1/);
    expect(() => melSpectrogram(y, { fs: 1000, padMode: 'edge' as 'reflect' })).toThrow(/melSpectrogram: padMode must be one of 'constant', 'reflect', received "edge"/);
    expect(() => melSpectrogram(y, {} as { fs: number })).toThrow(/melSpectrogram: fs must be a finite number > 0, received undefined/);
  });
});
