// The worker-thread side of pglite-client.ts: the process's PGlite instances, their statements run here
// so the main thread (GraphQL, HTTP, health checks) keeps turning while the WASM database works. One
// thread for all of them: each thread would compile its own copy of PGlite's WebAssembly. Plain
// JavaScript so a worker thread starts it without a TypeScript loader.
import { parentPort } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

// What crosses back of an error: its message and every plain property (SQLSTATE `code`, `detail`, …).
const describe = (error) => {
  const fields = { name: error?.name ?? 'Error', message: error?.message ?? String(error) };
  if (error && typeof error === 'object') {
    for (const [key, value] of Object.entries(error)) if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  }
  return fields;
};

/** @type {Map<number, PGlite>} */
const instances = new Map();

async function handle(message) {
  const { instance } = message;
  if (message.open) {
    const { dataDir, parseAs, settings } = message.open;
    const parsers = Object.fromEntries(Object.entries(parseAs).map(([oid, as]) => [oid, as === 'number' ? Number : (value) => value]));
    const pglite = await PGlite.create({ ...(dataDir ? { dataDir } : {}), parsers });
    await pglite.exec(settings);
    instances.set(instance, pglite);
    return {};
  }
  const pglite = instances.get(instance);
  if (!pglite) throw Object.assign(new Error('the embedded database is closed'), { code: 'PGLITE_STOPPED' });
  if (message.close) {
    instances.delete(instance);
    if (!pglite.closed) await pglite.close();
    return {};
  }
  const { sql, params, blobText } = message;
  const result = await pglite.query(sql, params, blobText === undefined ? undefined : { blob: new Blob([blobText]) });
  return { rows: result.rows, affectedRows: result.affectedRows };
}

parentPort.on('message', async (message) => {
  try {
    parentPort.postMessage({ id: message.id, ...(await handle(message)) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: describe(error) });
  }
});
