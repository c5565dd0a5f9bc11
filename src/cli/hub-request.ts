/**
 * The GraphQL endpoint of the running hub a command talks to: `--url`, else HUITONG_URL, else this
 * machine's PORT (4000). A URL given with or without `/graphql` means the same endpoint.
 *
 * @example
 * hubEndpoint(undefined, { PORT: '4100' }); // 'http://127.0.0.1:4100/graphql'
 */
export function hubEndpoint(url: string | undefined, env: Record<string, string | undefined>): string {
  const base = url ?? env.HUITONG_URL ?? `http://127.0.0.1:${env.PORT ?? 4000}`;
  return `${base.replace(/\/+$/, '').replace(/\/graphql$/, '')}/graphql`;
}

/**
 * Posts one GraphQL request to the hub as the key's consumer and returns the parsed body (errors
 * included); a hub that cannot be reached is an error that says how to start it.
 *
 * @example
 * const body = await postToHub<{ data?: { viewer: { name: string } } }>(hubEndpoint(undefined, process.env), key, '{ viewer { name } }', {});
 */
export async function postToHub<T>(endpoint: string, key: string, query: string, variables: Record<string, unknown>): Promise<T> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as T;
  } catch (error) {
    throw new Error(`cannot reach the hub at ${endpoint} (${(error as Error).message}); start it (npm start) or pass --url`);
  }
}
