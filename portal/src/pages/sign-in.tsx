import { Alert, Button, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { execute, HubRequestError } from '../graphql-client';
import { ViewerDocument } from '../gql/graphql';
import { useI18n } from '../i18n';
import { useSession } from '../session';

/** The hub marks its demo mode in the page it serves; only then are the demo keys worth showing. */
const demoMode = () => document.querySelector('meta[name="huitong-demo"]')?.getAttribute('content') === 'true';

/**
 * Signing in with an API key or token: checked against the hub (viewer) before it is kept, and kept
 * only in this tab's session.
 */
export function SignInDialog({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const { t } = useI18n();
  const session = useSession();
  const [key, setKey] = useState('');
  const [purpose, setPurpose] = useState('');
  const [failed, setFailed] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailed(null);
    const credentials = { key: key.trim(), purpose: purpose.trim() || null };
    try {
      const result = await execute(ViewerDocument, {}, credentials);
      if (!result.data?.viewer) throw new HubRequestError('no viewer', 'UNAUTHENTICATED', 401);
      session.signIn(credentials.key, credentials.purpose);
      setKey('');
      onClose();
    } catch (error) {
      setFailed(error instanceof HubRequestError && error.code !== 'UNAUTHENTICATED' ? error.message : t('session.invalid'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('session.title')} centered>
      <form onSubmit={submit}>
        <Stack>
          {demoMode() && (
            <Text size="sm" c="dimmed" data-testid="demo-hint">
              {t('session.demoHint')}
            </Text>
          )}
          <PasswordInput
            label={t('session.key')}
            description={t('session.keyHelp')}
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            required
            autoComplete="off"
            data-autofocus
          />
          <TextInput
            label={t('session.purpose')}
            description={t('session.purposeHelp')}
            value={purpose}
            onChange={(e) => setPurpose(e.currentTarget.value)}
            pattern="[A-Za-z0-9._\-]{1,64}"
            autoComplete="off"
          />
          {failed && (
            <Alert color="red" role="alert">
              {failed}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('session.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t('session.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
