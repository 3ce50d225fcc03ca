// Building blocks of the seed models: attention, channels-first pooling, GLU, ghost batch norm, TabNet.
export * from './sparsemax';
export * from './entmax15';
export * from './glu';
export * from './channelsFirstPooling';
export * from './multiHeadAttention';
export * from './ghostBatchNorm';
export * from './featureTransformer';
export * from './attentiveTransformer';
export * from './tabNet';
