import { pino, type Logger as PinoLogger } from 'pino';

/**
 * The log of a hub or subgraph process: JSON lines on stderr. Written asynchronously — a request's log
 * line is a write the request need not wait for, and synchronous writes to a slow or piped stderr would
 * hold up the event loop on every request; pino flushes what is still buffered when the process exits.
 *
 * @example
 * const logger = stderrLogger({ level: 'info', base: { department: 'market' } });
 */
export function stderrLogger(options: { level: string; base?: Record<string, unknown> }): PinoLogger {
  return pino({ level: options.level, base: options.base ?? undefined }, pino.destination({ dest: 2, sync: false }));
}
