import type { IdentifierType } from '../../schema/identifiers/index.js';

/** The trimmed text, or null for null, undefined and blank. */
export function trimOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}

/**
 * What a free-text or coded 证件类型 claims. Legacy values are often wrong; the claim is a hint that
 * only breaks ties between readings that all validate.
 *
 * @example
 * claimedTypeFromText('居民身份证'); // 'RESIDENT_ID'
 * claimedTypeFromText('111');       // 'RESIDENT_ID' (GA/T 517 code)
 */
export function claimedTypeFromText(value: unknown): IdentifierType | null {
  const text = trimOrNull(value);
  if (!text) return null;
  if (/身份证|^111$/.test(text)) return 'RESIDENT_ID';
  if (/信用代码|uscc/i.test(text)) return 'USCC';
  if (/组织机构|机构代码/.test(text)) return 'ORG_CODE';
  return null;
}
