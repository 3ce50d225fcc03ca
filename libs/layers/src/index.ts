export * from './backend';
export { throwIfWebgpuError, webgpuAdapter, type WebgpuAdapter } from './webgpu';
export { describeWebgpu, probeWebgpu, webgpuRequired, type WebgpuProbe } from './webgpuTesting';
export * from './tfSeed';
export * from './conv';
export * from './train';
export * from './blocks';
export * from './rnn/gruResetAfter';
export * from './models';
