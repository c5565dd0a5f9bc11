import { Anchor, AppShell, Burger, Button, Group, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { ViewerDocument } from './gql/graphql';
import { useHubQuery } from './hub-queries';
import { useI18n } from './i18n';
import type { MessageKey } from './messages-zh';
import { ApplicantPage } from './pages/applicant';
import { DisclosurePage } from './pages/disclosure';
import { SearchPage } from './pages/search';
import { SignInDialog } from './pages/sign-in';
import { StatisticsPage } from './pages/statistics';
import { AccessRequestsPage } from './pages/steward/access-requests';
import { AuditTrailPage } from './pages/steward/audit-trail';
import { HealthPage } from './pages/steward/health';
import { IdentityReviewPage } from './pages/steward/identity-review';
import { useSession } from './session';

const PUBLIC_PAGES: Array<[string, MessageKey]> = [
  ['/', 'nav.search'],
  ['/disclosure', 'nav.disclosure'],
  ['/statistics', 'nav.statistics'],
];
const STEWARD_PAGES: Array<[string, MessageKey]> = [
  ['/steward/health', 'nav.health'],
  ['/steward/identity', 'nav.identity'],
  ['/steward/access', 'nav.access'],
  ['/steward/audit', 'nav.audit'],
];

/** The frame: header (language, sign-in), navigation (a drawer on a phone), and the page. */
export function App() {
  const { t, language, setLanguage } = useI18n();
  const session = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const [signingIn, setSigningIn] = useState(false);
  const [location] = useLocation();
  const viewer = useHubQuery(ViewerDocument, {}, { enabled: session.key !== null });
  const me = session.key ? viewer.data?.data?.viewer : null;
  const steward = me?.kind === 'STEWARD';
  // A key the hub no longer accepts is dropped, so the portal falls back to the public instead of failing every page.
  useEffect(() => {
    if (session.key && viewer.error && (viewer.error as { code?: string }).code === 'UNAUTHENTICATED') session.signOut();
  }, [session, viewer.error]);

  const nav = (pages: Array<[string, MessageKey]>) =>
    pages.map(([href, label]) => (
      <NavLink
        key={href}
        component={Link}
        href={href}
        label={t(label)}
        onClick={close}
        active={href === '/' ? location === '/' || location.startsWith('/applicant') : location.startsWith(href)}
        aria-current={location === href ? 'page' : undefined}
      />
    ));

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.menu')} />
            <Anchor component={Link} href="/" underline="never" c="inherit">
              <Title order={1} size="h3" style={{ whiteSpace: 'nowrap' }}>
                {t('app.title')}
              </Title>
            </Anchor>
            <Text size="sm" c="dimmed" visibleFrom="md">
              {t('app.subtitle')}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Text size="sm" visibleFrom="sm" data-testid="viewer">
              {me ? t('session.as', { name: me.name }) : t('session.public')}
            </Text>
            <Button
              variant="subtle"
              size="compact-sm"
              onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}
              aria-label={t('language.label')}
              lang={language === 'zh' ? 'en' : 'zh-CN'}
            >
              {t('language.switch')}
            </Button>
            {session.key ? (
              <Button variant="light" size="compact-sm" onClick={session.signOut}>
                {t('session.signOut')}
              </Button>
            ) : (
              <Button size="compact-sm" onClick={() => setSigningIn(true)}>
                {t('session.signIn')}
              </Button>
            )}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t('app.title')}>
        {nav(PUBLIC_PAGES)}
        {steward && (
          <NavLink label={t('nav.steward')} defaultOpened childrenOffset={12}>
            {nav(STEWARD_PAGES)}
          </NavLink>
        )}
      </AppShell.Navbar>
      <AppShell.Main>
        <Switch>
          <Route path="/" component={SearchPage} />
          <Route path="/applicant/:id">{(params) => <ApplicantPage id={params.id} steward={steward} />}</Route>
          <Route path="/disclosure" component={DisclosurePage} />
          <Route path="/statistics" component={StatisticsPage} />
          <Route path="/steward/health">{() => <HealthPage steward={steward} />}</Route>
          <Route path="/steward/identity">{() => <IdentityReviewPage steward={steward} />}</Route>
          <Route path="/steward/access">{() => <AccessRequestsPage steward={steward} />}</Route>
          <Route path="/steward/audit">{() => <AuditTrailPage steward={steward} />}</Route>
          <Route>
            <SearchPage />
          </Route>
        </Switch>
      </AppShell.Main>
      <SignInDialog opened={signingIn} onClose={() => setSigningIn(false)} />
    </AppShell>
  );
}
