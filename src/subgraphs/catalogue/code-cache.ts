/**
 * Catalogue rows by code — service items and departments, as every permit page asks for them. The
 * catalogue changes only on import or a registry change, so each process keeps the rows it read — unknown
 * codes too — for `ttlMs`: a page's lookups then cost no statement, and a change made by another process
 * shows within `ttlMs`. Bounded: past `maxEntries` distinct codes it starts afresh.
 *
 * @example
 * const items = new CodeCache((codes) => db.selectFrom('service_items').selectAll().where('code', 'in', codes).execute());
 * await items.byCodes(['SCJG-001', 'nope']); // [row, null]
 */
export class CodeCache<Row extends { code: string }> {
  readonly #entries = new Map<string, { row: Row | null; until: number }>();

  constructor(
    private readonly read: (codes: readonly string[]) => Promise<Row[]>,
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 10_000,
  ) {}

  async byCodes(codes: readonly string[]): Promise<Array<Row | null>> {
    const now = Date.now();
    const missing = [...new Set(codes.filter((code) => !((this.#entries.get(code)?.until ?? 0) > now)))];
    if (missing.length) {
      const rows = await this.read(missing);
      if (this.#entries.size + missing.length > this.maxEntries) this.#entries.clear();
      const byCode = new Map(rows.map((r) => [r.code, r]));
      for (const code of missing) this.#entries.set(code, { row: byCode.get(code) ?? null, until: now + this.ttlMs });
    }
    return codes.map((code) => this.#entries.get(code)?.row ?? null);
  }
}
