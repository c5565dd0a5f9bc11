// Entry of the resolver's thread: TypeScript through tsx, as the main thread runs it (bin/huitong.js).
import { register } from 'tsx/esm/api';

register();
await import('./resolver-worker.ts');
