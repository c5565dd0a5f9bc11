import '@mantine/core/styles.css';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Router } from 'wouter';
import { App } from './app';
import { I18nProvider } from './i18n';
import { SessionProvider } from './session';
import { theme } from './theme';

// A failed request is shown, not retried three times behind the user's back (the hub may be shedding load).
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 30_000 } } });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme}>
      <I18nProvider>
        <SessionProvider>
          <QueryClientProvider client={queryClient}>
            <Router base={import.meta.env.BASE_URL.replace(/\/$/, '')}>
              <App />
            </Router>
          </QueryClientProvider>
        </SessionProvider>
      </I18nProvider>
    </MantineProvider>
  </StrictMode>,
);
