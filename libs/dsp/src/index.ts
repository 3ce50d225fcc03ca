// @repro/dsp: signal processing at scipy/pywt/numpy parity (Butterworth, lfilter/filtfilt,
// FFT, spectrograms, wavelets) plus the seeds' signal cleaning. 1-D functions take
// ArrayLike<number> and return Float64Array; multi-channel containers keep their storage type.
export type { ComplexArray, MultiChannel, Sos } from './types';
export { applyPerChannel, getChannel } from './applyPerChannel';

export type { ButterOptions, ButterType } from './butterZpk';
export { butter } from './butter';
export { butterSos } from './butterSos';
export { lfilter } from './lfilter';
export type { LfilterOptions } from './lfilter';
export { lfilterZi } from './lfilterZi';
export { filtfilt } from './filtfilt';
export type { FiltfiltOptions } from './filtfilt';
export { sosfilt } from './sosfilt';
export type { SosfiltOptions } from './sosfilt';
export { sosfiltZi } from './sosfiltZi';
export { sosfiltfilt } from './sosfiltfilt';
export type { SosfiltfiltOptions } from './sosfiltfilt';

export { fft } from './fft';
export { ifft } from './ifft';
export { rfft } from './rfft';
export type { RfftOptions } from './rfft';
export { getWindow } from './getWindow';
export type { WindowName } from './getWindow';
export { spectrogram } from './spectrogram';
export type { SpectrogramOptions, SpectrogramResult } from './spectrogram';
export { stft } from './stft';
export type { StftOptions, StftResult } from './stft';
export { melFilterbank, hzToMel, melToHz } from './melFilterbank';
export type { MelFilterbankOptions } from './melFilterbank';
export { melSpectrogram } from './melSpectrogram';
export type { MelSpectrogramOptions, MelSpectrogramResult } from './melSpectrogram';
export { hmsSpectrogram, hmsSpectrogramColumnNames, HMS_CHAINS } from './hmsSpectrogram';
export type { HmsSpectrogramResult } from './hmsSpectrogram';

export { wavedec, WAVELETS } from './wavedec';
export type { WaveletName } from './wavedec';
export { waverec } from './waverec';
export { waveletDenoise } from './waveletDenoise';
export type { WaveletDenoiseOptions } from './waveletDenoise';

export { clip } from './clip';
export { fillNaNWithMean } from './fillNaNWithMean';
export { downsample } from './downsample';
export { bipolarMontage } from './bipolarMontage';
export { removeMains } from './removeMains';
export type { RemoveMainsOptions } from './removeMains';
export { fitHalfSineDrift } from './fitHalfSineDrift';
export type { DriftFit, FitHalfSineDriftOptions } from './fitHalfSineDrift';
export { fitLinearDrift } from './fitLinearDrift';
export { removeDrift } from './removeDrift';
export { movingAverage } from './movingAverage';
export { median } from './median';
export { ionSwitchingDrifts } from './ionSwitchingDrifts';
export type { DriftSegment } from './ionSwitchingDrifts';
