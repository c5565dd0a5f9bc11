import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError } from 'graphql';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/logging/logger.js';
import { startHttpServer, type RunningHttpServer } from '../../src/gateway/http/http-server.js';

/**
 * What an unexpected failure deep in a driver looks like: SQL, a file path, a stack. None of it may reach
 * the client, in any mode; all of it must reach the log, under the id the client is given.
 */
const DRIVER_FAILURE =
  'relation "api_keys" does not exist: select key_hash from api_keys where consumer_id = $1 (/work/main/node_modules/pg/lib/client.js:545)';

const schema = makeExecutableSchema({
  typeDefs: /* GraphQL */ `
    type Query {
      ok: String
      broken: String
      coded: String
      brokenList: [Item]
    }
    type Item {
      id: ID
      broken: String
    }
  `,
  resolvers: {
    Query: {
      ok: () => 'fine',
      broken: () => {
        throw new Error(DRIVER_FAILURE);
      },
      coded: () => {
        throw new GraphQLError('first must be between 0 and 200', { extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
      },
      brokenList: () => [{ id: '1' }, { id: '2' }],
    },
    Item: {
      broken: () => Promise.reject(new TypeError(`Cannot read properties of undefined (reading 'rows') at ${DRIVER_FAILURE}`)),
    },
  },
});

/** Things a response must never carry: stacks, SQL, file paths, the driver's own words. */
function expectNoLeaks(text: string) {
  expect(text).not.toMatch(/stack/i);
  expect(text).not.toMatch(/\bat [\w.<>]+ \(|\bat (file|node):/);
  expect(text).not.toMatch(/select |relation "/i);
  expect(text).not.toContain('/work');
  expect(text).not.toContain('node_modules');
  expect(text).not.toContain('Cannot read properties');
}

for (const production of [false, true]) {
  describe(`error masking (${production ? 'production' : 'development'} mode)`, () => {
    const logged: Array<{ obj: Record<string, any>; msg: string | undefined }> = [];
    const logger: Logger = {
      info() {},
      warn() {},
      debug() {},
      error: (obj, msg) => logged.push({ obj: obj as Record<string, any>, msg }),
    };
    let server: RunningHttpServer;
    beforeAll(async () => {
      server = await startHttpServer({
        schema,
        logger,
        host: '127.0.0.1',
        port: 0,
        corsOrigins: [],
        isReady: () => true,
        departmentsHealth: async () => ({}),
        metrics: new Registry(),
        production,
        authenticate: async (authorization) => {
          if (authorization === 'Bearer explode') throw new Error(DRIVER_FAILURE);
          return null;
        },
      });
    });
    afterAll(() => server?.stop());

    const post = async (query: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query }),
      });
      const text = await response.text();
      return {
        status: response.status,
        text,
        json: JSON.parse(text) as { data?: any; errors?: Array<{ message: string; path?: unknown[]; extensions: Record<string, any> }> },
      };
    };
    /** The log line that carries this error id, with the original failure in it. */
    const logLineFor = (errorId: string) => logged.find((line) => line.obj.errorId === errorId);

    it('masks an unexpected resolver error, with an error id that is in the log line', async () => {
      const { status, text, json } = await post('{ ok broken }');
      expect(status).toBe(200);
      expectNoLeaks(text);
      expect(json.data).toEqual({ ok: 'fine', broken: null });
      const error = json.errors![0]!;
      expect(error.message).toBe('Internal server error');
      expect(error.path).toEqual(['broken']);
      expect(error.extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error.extensions.errorId).toMatch(/^[0-9a-f-]{36}$/);
      const line = logLineFor(error.extensions.errorId);
      expect(line?.obj.err.message).toBe(DRIVER_FAILURE);
      expect(line?.obj.err.stack).toContain('error-masking.test.ts');
    });

    it('gives every masked error its own id', async () => {
      const { text, json } = await post('{ brokenList { id broken } }');
      expectNoLeaks(text);
      const ids = json.errors!.map((e) => e.extensions.errorId as string);
      expect(ids).toHaveLength(2);
      expect(new Set(ids).size).toBe(2);
      for (const id of ids) expect(logLineFor(id)?.obj.err.message).toContain(DRIVER_FAILURE);
    });

    it('passes a coded error the hub raised on purpose as it is, without a stack', async () => {
      const { text, json } = await post('{ coded }');
      expectNoLeaks(text);
      expect(json.errors![0]).toMatchObject({ message: 'first must be between 0 and 200', extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
      expect(Object.keys(json.errors![0]!.extensions).sort()).toEqual(['argument', 'code']);
    });

    it('masks a failure while authenticating as a 500 with an error id that is in the log line', async () => {
      const { status, text, json } = await post('{ ok }', { authorization: 'Bearer explode' });
      expect(status).toBe(500);
      expectNoLeaks(text);
      expect(json.data).toBeUndefined();
      const error = json.errors![0]!;
      expect(error.extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(logLineFor(error.extensions.errorId)?.obj.err.message).toBe(DRIVER_FAILURE);
    });

    it('answers syntax and validation errors with their code and no internals', async () => {
      for (const [query, code] of [
        ['{ ok ', 'GRAPHQL_PARSE_FAILED'],
        ['{ nope }', 'GRAPHQL_VALIDATION_FAILED'],
      ] as const) {
        const { status, text, json } = await post(query);
        expect(status).toBe(400);
        expectNoLeaks(text);
        expect(json.errors![0]!.extensions.code).toBe(code);
      }
    });
  });
}
