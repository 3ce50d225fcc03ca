export * from './backend';
export * from './tfSeed';
export * from './conv';
export * from './train';
export * from './blocks';
export * from './models';
