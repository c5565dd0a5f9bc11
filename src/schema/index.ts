export * from './errors.js';
export * from './global-id.js';
export * from './pagination.js';
export * from './model.js';
export * from './scalars.js';
export * from './shanghai-time.js';
export * from './input-limits.js';
export * from './permit-position.js';
