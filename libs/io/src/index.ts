export * from './errors';
export * from './atomic';
export * from './json';
export * from './npy';
