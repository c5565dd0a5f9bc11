import type { RequestHandler } from 'express';
import { ErrorCode } from '../../schema/index.js';

/**
 * Deepest bracket nesting — `{`, `[` and `(` together — a GraphQL document may have. graphql-js parses
 * recursively, several stack frames per level, so a document of a few thousand nested braces or list
 * values overflows the stack inside the parser ("Maximum call stack size exceeded"), under the token
 * limit. Selections deeper than 12 levels are refused at validation anyway; 64 leaves room for
 * arguments, input objects and lists inside them.
 */
export const MAX_DOCUMENT_NESTING = 64;

/**
 * How deep brackets nest in a GraphQL source text, ignoring those in strings, block strings and
 * comments; stops counting past `limit` (returns `limit + 1`). One linear pass, no parsing, so it can
 * run before the parser on any text.
 *
 * @example
 * documentNesting('{ a { b(x: [1]) } }', 64); // 4
 */
export function documentNesting(source: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x23 /* # */) {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (c === 0x22 /* " */) {
      if (source.startsWith('"""', i)) {
        i += 3;
        while (i < source.length && !(source.startsWith('"""', i) && source[i - 1] !== '\\')) i++;
        i += 2;
      } else {
        i++;
        while (i < source.length && source[i] !== '"' && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */ || c === 0x28 /* ( */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */ || c === 0x29 /* ) */) {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}

/**
 * Express middleware for the GraphQL route: refuses a document (POST body `query`, or GET `query`)
 * nesting brackets deeper than `limit` with 400 and the parser's own code, GRAPHQL_PARSE_FAILED, before
 * anything parses it.
 *
 * @example
 * app.use('/graphql', express.json(), refuseDeepDocuments());
 */
export function refuseDeepDocuments(limit = MAX_DOCUMENT_NESTING): RequestHandler {
  return (req, res, next) => {
    const fromBody = Array.isArray(req.body) ? req.body.map((b: { query?: unknown }) => b?.query) : [(req.body as { query?: unknown } | undefined)?.query];
    const fromUrl = req.method === 'GET' || req.method === 'HEAD' ? [req.query.query].flat() : [];
    for (const query of [...fromBody, ...fromUrl]) {
      if (typeof query !== 'string' || documentNesting(query, limit) <= limit) continue;
      res.status(400).json({
        errors: [
          {
            message: `Syntax Error: Document nests brackets deeper than ${limit} levels. Parsing aborted.`,
            extensions: { code: ErrorCode.GRAPHQL_PARSE_FAILED },
          },
        ],
      });
      return;
    }
    next();
  };
}
