export * from './matrix';
export * from './quantileTransformer';
export * from './pca';
export * from './kmeans';
export * from './varianceThreshold';
export * from './rowStatistics';
export * from './lagFeatures';
export * from './reduceMemUsage';
// forest exports
export * from './forest';
// hidden Markov model exports
export * from './hmm';
