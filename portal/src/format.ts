import type { Language } from './i18n';

const DAY = { year: 'numeric', month: '2-digit', day: '2-digit' } as const;

/** An instant in Beijing time, whatever the browser's zone, with the given fields; unparseable text as it is. */
function inBeijing(value: string, language: Language, fields: Intl.DateTimeFormatOptions): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(language === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', ...fields }).format(date);
}

/** An instant as the hub's users read it: Beijing time, whatever the browser's zone. */
export function formatDateTime(value: string | null | undefined, language: Language): string {
  if (!value) return '—';
  return inBeijing(value, language, { ...DAY, hour: '2-digit', minute: '2-digit' });
}

/** A calendar date (YYYY-MM-DD) or the date part of an instant, in Beijing time. */
export function formatDate(value: string | null | undefined, language: Language): string {
  if (!value) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  return inBeijing(value, language, DAY);
}

/** A rate between 0 and 1 as a percentage with one decimal. */
export const percent = (rate: number | null | undefined) => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}\u00a0%`);

/** Whether the hub masked a value (138****5678, 440105********123X, an address cut after the street). */
export const isMasked = (value: string | null | undefined) => typeof value === 'string' && value.includes('*');
