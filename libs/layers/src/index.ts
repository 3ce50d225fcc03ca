export * from './backend';
export * from './train';
