/**
 * An ISO instant as Shanghai wall-clock text (`YYYY-MM-DD HH:mm:ss`), the form legacy databases store
 * zone-less timestamps in; used to push time filters and keyset positions down to them.
 *
 * @example
 * isoToShanghaiLocal('2023-04-12T02:30:00Z'); // '2023-04-12 10:30:00'
 */
export function isoToShanghaiLocal(iso: string): string {
  const local = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)}`;
}
