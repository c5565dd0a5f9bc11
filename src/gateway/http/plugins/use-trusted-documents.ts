import { ErrorCode } from '../../../schema/index.js';
import { type DocumentParams, type TrustedDocuments, trustDocument } from '../trusted-documents.js';
import type { HubPlugin } from './hub-plugin.js';
import type { Refuse } from './refusal.js';

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Trusted documents: only operations from the persisted-operations manifest run (`trusted-documents.ts`).
 * A trusted request reaches Apollo as a plain request for the manifest's text; none may be registered
 * at run time, so Apollo's own persisted queries are turned off with it (see `startHttpServer`).
 *
 * @example
 * const plugins = [useTrustedDocuments(readTrustedDocuments('manifest.json'), { allowIntrospection: false }, refuse)];
 */
export function useTrustedDocuments(docs: TrustedDocuments, options: { allowIntrospection: boolean }, refuse: Refuse): HubPlugin {
  return {
    graphql: [
      (req, res, next) => {
        const fromUrl = req.method === 'GET' || req.method === 'HEAD';
        const search = new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
        let params: DocumentParams;
        if (fromUrl) {
          let extensions: unknown;
          try {
            extensions = search.has('extensions') ? JSON.parse(search.get('extensions')!) : undefined;
          } catch {
            return refuse(res, 400, ErrorCode.BAD_REQUEST, 'extensions must be JSON');
          }
          params = { query: search.get('query') ?? undefined, documentId: search.get('documentId') ?? undefined, extensions };
        } else if (isPlainObject(req.body) && Object.keys(req.body).length > 0) {
          params = req.body as DocumentParams;
        } else {
          // Not a GraphQL request Apollo would run (no JSON body, a batch): it refuses it on its own terms.
          return next();
        }
        const decision = trustDocument(docs, params, options);
        if (!decision.trusted) return refuse(res, decision.status, decision.code, decision.message);
        // Hand Apollo a plain request for the trusted text: no id, no persisted-query extension.
        const { persistedQuery: _p, ...extensions } = isPlainObject(params.extensions) ? params.extensions : {};
        if (fromUrl) {
          search.set('query', decision.query);
          search.delete('documentId');
          if (Object.keys(extensions).length) search.set('extensions', JSON.stringify(extensions));
          else search.delete('extensions');
          req.url = `${req.url.slice(0, req.url.indexOf('?'))}?${search.toString()}`;
        } else {
          const { documentId: _d, extensions: _e, ...rest } = req.body as Record<string, unknown>;
          req.body = { ...rest, query: decision.query, ...(Object.keys(extensions).length ? { extensions } : {}) };
        }
        next();
      },
    ],
  };
}
