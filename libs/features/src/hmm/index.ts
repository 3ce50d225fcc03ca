export * from './gaussianHmm';
