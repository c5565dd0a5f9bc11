/**
 * The report's two figures over a set of service items.
 *
 * - instant rate = instant items / items (the report: 420 / 585 = 71.79 % over licensing items).
 * - compression rate = (Σ statutory − Σ committed) / Σ statutory over items with a statutory limit.
 *   No official formula is published; an instant item's committed limit counts as `instantCountsAsDays`
 *   (0 or 1 are both defended in practice), which is why it is a parameter and not a constant.
 *
 * @example
 * computeServiceItemStats([{ statutory_days: 20, committed_days: 5, instant: false }], 0);
 * // { itemCount: 1, instantCount: 0, instantRate: 0, compressionRate: 0.75, itemsWithStatutoryLimit: 1 }
 */
export function computeServiceItemStats(
  items: ReadonlyArray<{ statutory_days: number | null; committed_days: number | null; instant: boolean }>,
  instantCountsAsDays: number,
) {
  let instantCount = 0;
  let statutory = 0;
  let committed = 0;
  let withLimit = 0;
  for (const item of items) {
    if (item.instant) instantCount++;
    if (item.statutory_days === null || item.statutory_days <= 0) continue;
    withLimit++;
    statutory += item.statutory_days;
    const promised = item.instant ? instantCountsAsDays : (item.committed_days ?? item.statutory_days);
    committed += Math.min(promised, item.statutory_days);
  }
  return {
    itemCount: items.length,
    instantCount,
    instantRate: items.length === 0 ? 0 : instantCount / items.length,
    compressionRate: statutory === 0 ? null : (statutory - committed) / statutory,
    itemsWithStatutoryLimit: withLimit,
  };
}
