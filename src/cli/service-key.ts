import { listServiceKeys, rotateServiceKeys } from '../subgraphs/service-keys.js';

export class ServiceKeyUsageError extends Error {}

const USAGE = 'usage: huitong service-key rotate [--grace-seconds N] | huitong service-key list';

/**
 * `huitong service-key rotate|list`: the key the gateway signs its service tokens with and subgraph
 * services check them with (`HUITONG_SERVICE_KEY_FILE`). `rotate` creates the file on first use; later it
 * adds a new key, signed with at once, and keeps accepting the previous one for `--grace-seconds`
 * (default 600) — give every host the new file within that time. No secret is ever printed.
 *
 * @example
 * runServiceKeyCommand(['rotate'], { graceSeconds: '3600' }, '/etc/huitong/service-keys.json', process.stdout);
 */
export function runServiceKeyCommand(args: readonly string[], flags: { graceSeconds?: string | undefined }, file: string, out: NodeJS.WritableStream): number {
  const [action] = args;
  switch (action) {
    case 'rotate': {
      const text = flags.graceSeconds;
      if (text !== undefined && !/^\d+$/.test(text)) throw new ServiceKeyUsageError(`--grace-seconds must be a whole number of seconds\n${USAGE}`);
      const result = rotateServiceKeys(file, text === undefined ? {} : { graceSeconds: Number(text) });
      out.write(`${JSON.stringify({ file, current: result.kid, retiring: result.retiring, dropped: result.dropped })}\n`);
      return 0;
    }
    case 'list':
      for (const key of listServiceKeys(file)) out.write(`${JSON.stringify(key)}\n`);
      return 0;
    default:
      throw new ServiceKeyUsageError(USAGE);
  }
}
