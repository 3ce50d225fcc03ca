export * from './backend';
export * from './train';
export * from './blocks';
