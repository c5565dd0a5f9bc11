import { Button, Group, Stack, Textarea } from '@mantine/core';
import { useId, useState } from 'react';
import { useI18n } from '../../i18n';

/**
 * A reason and the buttons of a decision: every steward decision carries a reason for the record, so
 * no button acts while the reason is empty.
 *
 * @example
 * <DecisionForm label="理由" actions={[{ label: '同意', onClick: (reason) => approve(reason) }]} />
 */
export function DecisionForm({
  label,
  actions,
  busy,
}: {
  label: string;
  actions: Array<{ label: string; color?: string; variant?: string; onClick(reason: string): void }>;
  busy: boolean;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const id = useId();
  return (
    <Stack gap="xs">
      <Textarea
        id={id}
        label={label}
        value={reason}
        onChange={(e) => {
          setReason(e.currentTarget.value);
          setMissing(false);
        }}
        maxLength={2000}
        autosize
        minRows={2}
        required
        error={missing ? t('common.required') : undefined}
      />
      <Group>
        {actions.map((a) => (
          <Button
            key={a.label}
            color={a.color}
            variant={a.variant ?? 'filled'}
            loading={busy}
            onClick={() => {
              if (reason.trim() === '') {
                setMissing(true);
                return;
              }
              a.onClick(reason.trim());
            }}
          >
            {a.label}
          </Button>
        ))}
      </Group>
    </Stack>
  );
}
