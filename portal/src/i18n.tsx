import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { en } from './messages-en';
import { zh, type MessageKey } from './messages-zh';

export type Language = 'zh' | 'en';

const catalogues: Record<Language, Record<MessageKey, string>> = { zh, en };
const STORAGE_KEY = 'huitong.language';

interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  /** The message in the current language, `{name}` placeholders filled from `values`. */
  t(key: MessageKey, values?: Record<string, string | number>): string;
}

const I18nContext = createContext<I18n | null>(null);

/** Chinese unless the user chose English (kept in localStorage: a preference, not a secret). */
function initialLanguage(): Language {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

/**
 * The portal's two languages: Chinese by default, English on request.
 *
 * @example
 * <I18nProvider><App /></I18nProvider>
 * const { t } = useI18n(); t('search.title');
 */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  useEffect(() => {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
    document.title = catalogues[language]['app.title'];
  }, [language]);
  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private browsing without storage: the choice lasts for this page.
    }
  }, []);
  const t = useCallback(
    (key: MessageKey, values?: Record<string, string | number>) =>
      catalogues[language][key].replace(/\{(\w+)\}/g, (whole, name: string) => (values && name in values ? String(values[name]) : whole)),
    [language],
  );
  const value = useMemo(() => ({ language, setLanguage, t }), [language, setLanguage, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
