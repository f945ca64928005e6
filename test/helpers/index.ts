export * from './engine.js';
export * from './exec.js';
