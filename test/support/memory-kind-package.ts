// What an adapter package exports, for the HUITONG_ADAPTER_PACKAGES tests: the memory kind under its own name.
export { memoryKind as adapterKind } from './memory-kind.js';
