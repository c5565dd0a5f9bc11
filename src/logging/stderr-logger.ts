import { pino, type Logger as PinoLogger } from 'pino';

/**
 * The log of a hub or subgraph process: JSON lines on stderr, written by pino's own file transport on a
 * thread of its own. The request thread only formats a line and copies it into a shared buffer: a write
 * call per request line (one per request) cost the event loop more than building the line, and a slow or
 * piped stderr would hold it up. pino flushes what is still buffered when the process exits.
 *
 * @example
 * const logger = stderrLogger({ level: 'info', base: { department: 'market' } });
 */
export function stderrLogger(options: { level: string; base?: Record<string, unknown> }): PinoLogger {
  return pino({ level: options.level, base: options.base ?? undefined }, pino.transport({ target: 'pino/file', options: { destination: 2 } }));
}
