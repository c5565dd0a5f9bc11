import { answerClientErrors } from '../client-errors.js';
import type { HubPlugin } from './hub-plugin.js';

/**
 * Coded JSON answers (431 for a URL and headers over 16 KB) to what Node's HTTP parser refuses (`client-errors.ts`).
 *
 * @example
 * const plugins = [useClientErrors()];
 */
export const useClientErrors = (): HubPlugin => ({ server: answerClientErrors });
