import pg from 'pg';
import type { Logger } from '../../logging/logger.js';
import { REGISTRY_CHANNEL } from './registry-store.js';

export interface RegistryWatch {
  stop(): Promise<void>;
}

/**
 * Calls `onChange` when another hub process may have changed the registry: at once on PostgreSQL's
 * NOTIFY (a dedicated LISTEN connection, reconnected when it drops), and every `pollMs` whatever
 * happens, so a lost notification delays a change by one poll at most. `onChange` compares the
 * registry's generation with what it serves, so extra calls cost one small query.
 *
 * @example
 * const watch = watchRegistry({ databaseUrl, pollMs: 1000, onChange: () => manager.reload(), logger });
 */
export function watchRegistry(options: { databaseUrl: string; pollMs: number; onChange: () => Promise<void>; logger: Logger }): RegistryWatch {
  let stopped = false;
  let client: pg.Client | null = null;
  let reconnect: NodeJS.Timeout | undefined;
  const changed = () => {
    if (!stopped)
      options.onChange().catch((error) => options.logger.warn({ err: { message: (error as Error).message } }, 'following a registry change failed'));
  };
  const listen = async () => {
    const next = new pg.Client({ connectionString: options.databaseUrl });
    next.on('notification', (message) => {
      if (message.channel === REGISTRY_CHANNEL) changed();
    });
    next.on('error', () => undefined);
    next.on('end', () => {
      if (stopped) return;
      client = null;
      reconnect = setTimeout(() => void listen().catch(() => undefined), options.pollMs).unref();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${REGISTRY_CHANNEL}`);
      if (stopped) return void (await next.end());
      client = next;
      changed(); // anything missed while not listening
    } catch (error) {
      options.logger.warn({ err: { message: (error as Error).message } }, 'registry notifications unavailable; polling');
      await next.end().catch(() => undefined);
    }
  };
  void listen();
  const poll = setInterval(changed, options.pollMs);
  poll.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(poll);
      clearTimeout(reconnect);
      await client?.end().catch(() => undefined);
    },
  };
}
