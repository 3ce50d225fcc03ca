export * from './backend';
export { webgpuAdapter, type WebgpuAdapter } from './webgpu';
export * from './tfSeed';
export * from './conv';
export * from './train';
export * from './blocks';
export * from './models';
