import { refuseDeepDocuments } from '../document-nesting.js';
import type { HubPlugin } from './hub-plugin.js';

/**
 * Refuses a document nesting brackets too deep for the parser (`document-nesting.ts`), after the body is read.
 *
 * @example
 * const plugins = [useJsonBody(), useDocumentNesting()];
 */
export const useDocumentNesting = (): HubPlugin => ({ graphql: [refuseDeepDocuments()] });
