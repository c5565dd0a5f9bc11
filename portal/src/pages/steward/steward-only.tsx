import { Alert } from '@mantine/core';
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n';

/** The steward's pages say who they are for instead of failing request by request. */
export function StewardOnly({ steward, children }: { steward: boolean; children: ReactNode }) {
  const { t } = useI18n();
  if (!steward) return <Alert color="gray">{t('steward.only')}</Alert>;
  return <>{children}</>;
}
