// @repro/dsp: Butterworth/filtfilt, FFT, spectrograms, wavelets and the
// seeds' signal cleaning land with the numerics issue (#3).
export {};
