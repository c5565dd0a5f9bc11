import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import type { Credentials } from './graphql-client';

const STORAGE_KEY = 'huitong.session';

interface Session extends Credentials {
  signIn(key: string, purpose: string | null): void;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

/** The tab's credential: sessionStorage (gone when the tab closes), never localStorage, cookies or the URL. */
function stored(): Credentials {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    const parsed = raw ? (JSON.parse(raw) as Partial<Credentials>) : {};
    return { key: typeof parsed.key === 'string' ? parsed.key : null, purpose: typeof parsed.purpose === 'string' ? parsed.purpose : null };
  } catch {
    return { key: null, purpose: null };
  }
}

/**
 * Who the portal asks as: the public until a key is given.
 *
 * @example
 * const { key, signIn } = useSession(); signIn('demo-steward-key', null);
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [credentials, setCredentials] = useState<Credentials>(stored);
  const signIn = useCallback((key: string, purpose: string | null) => {
    const next = { key, purpose };
    setCredentials(next);
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    } catch {
      // No storage (private mode): the key lives in memory for this page only.
    }
  }, []);
  const signOut = useCallback(() => {
    setCredentials({ key: null, purpose: null });
    try {
      sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // Nothing stored.
    }
  }, []);
  const value = useMemo(() => ({ ...credentials, signIn, signOut }), [credentials, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
