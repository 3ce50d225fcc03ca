// Model blocks of the seed solutions: WaveNet blocks (seeds 000/002) and EfficientNet-B0..B4 with its weight loader.
export * from './waveBlock';
export * from './dropConnect';
export * from './seededDropout';
export * from './squeezeExcite';
export * from './mbConv';
export * from './imageNormalization';
export * from './efficientNet';
export * from './efficientNetWeights';
export * from './widthAveragePooling';
