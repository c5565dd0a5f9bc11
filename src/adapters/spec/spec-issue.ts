import { closest, distance } from 'fastest-levenshtein';

/** One problem with a department spec: the exact spec path, what is wrong, and where it can say so, the fix. */
export interface SpecIssue {
  /** Dotted path inside the spec, e.g. `permits.fields.status`; '' for the spec as a whole. */
  path: string;
  message: string;
  /** A likely fix, e.g. `did you mean "zt_dm"?`. */
  hint?: string;
}

/**
 * A spec that cannot be used, with every issue found. Its message lists them one per line, each
 * prefixed with the department code, so an operator can go straight to the line to change.
 */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(
    readonly department: string,
    readonly issues: readonly SpecIssue[],
  ) {
    super(issues.map((issue) => formatIssue(department, issue)).join('\n'));
  }
}

/**
 * One issue as an operator reads it.
 *
 * @example
 * formatIssue('urban', { path: 'permits.fields.status', message: 'no column "zt" in table xkz', hint: 'did you mean "zt_dm"?' });
 * // 'urban.permits.fields.status: no column "zt" in table xkz (did you mean "zt_dm"?)'
 */
export function formatIssue(department: string, issue: SpecIssue): string {
  const at = [department, issue.path].filter(Boolean).join('.');
  return `${at}: ${issue.message}${issue.hint ? ` (${issue.hint})` : ''}`;
}

/**
 * `did you mean "x"?` for the nearest of `candidates` when it is near enough to be a typo (or differs
 * only in case), else undefined.
 *
 * @example
 * didYouMean('zt', ['zt_dm', 'slrq']); // 'did you mean "zt_dm"?'
 */
export function didYouMean(wrong: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = wrong.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase) return `did you mean "${sameCase}"?`;
  const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase()));
  if (prefixed.length === 1) return `did you mean "${prefixed[0]}"?`;
  const best = closest(wrong, [...candidates]);
  const length = Math.max(wrong.length, best.length);
  const near = length <= 3 ? 1 : length <= 8 ? 2 : Math.floor(length / 3);
  return distance(wrong, best) <= near ? `did you mean "${best}"?` : undefined;
}
