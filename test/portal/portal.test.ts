import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_APPLICANT_IDENTIFIER, GRAPHIQL_DEFAULT_QUERY } from '../../src/gateway/http/graphiql-page.js';
import { sha256Hex } from '../../src/gateway/http/trusted-documents.js';
import { canvasHasDrawing, launchChromium, watchConsole } from '../support/chromium.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';

/**
 * The portal in headless Chromium against a real hub process on loopback, which runs trusted documents
 * only: the portal's operations run because the hub loads the manifest its build carries. A user
 * searches, opens an organisation, pages through its permits from every department, sees the charts,
 * and a steward approves an access request; no console error on the way. Screenshots go to
 * test-results/portal/ (gitignored) for a person to look at.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = join(ROOT, 'test-results', 'portal');
const PAGE_SIZE = 10;

// What the test itself asks the hub (it runs trusted documents only, so these are its deployment manifest).
const BUSIEST = /* GraphQL */ `query Busiest { permits(first: 200) { nodes { applicant { id kind name permits(first: 0) { totalCount } } } } }`;
const PERMIT_DEPARTMENTS = /* GraphQL */ `query PermitDepartments($id: ID!) { applicant(id: $id) { permits(first: 200) { nodes { title department { name } } } } }`;
const REQUEST = /* GraphQL */ `mutation Ask($input: AccessRequestInput!) { requestAccess(input: $input) { id status } }`;
const REQUESTS = /* GraphQL */ `query Requests { accessRequests(filter: { role: TO_DECIDE }, first: 200) { nodes { id status decisionReason } } }`;
const PERSON = /* GraphQL */ `query Person($id: ID!) { applicant(id: $id) { name identifiers { type value } } }`;
const NOT_IN_MANIFEST = '{ departments { code name health { circuit } } }';

type Org = { id: string; kind: string; name: string; permits: { totalCount: number } };

describe('the portal in Chromium', () => {
  let hub: HubProcess;
  let dataDir: string;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: string[] = [];
  let org: Org;
  let person: Org;

  const post = async (query: string, variables: Record<string, unknown> = {}, key = 'demo-steward-key') => {
    const response = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
  };
  const shoot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'portal', 'dist', 'index.html'))) {
      throw new Error('the portal is not built: run `npm run build:portal` (npm install runs it)');
    }
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'huitong-portal-'));
    const manifest = Object.fromEntries([BUSIEST, PERMIT_DEPARTMENTS, REQUEST, REQUESTS, PERSON, GRAPHIQL_DEFAULT_QUERY].map((q) => [sha256Hex(q), q]));
    writeFileSync(join(dataDir, 'trusted.json'), JSON.stringify(manifest));
    // Its own PGlite database (DATABASE_URL, set in CI for the other suites, is not this test's to write to).
    hub = await startHubProcess({ DATABASE_URL: '', HUITONG_DATA_DIR: join(dataDir, 'data'), HUITONG_TRUSTED_DOCUMENTS: join(dataDir, 'trusted.json') });
    const busiest = await post(BUSIEST);
    expect(busiest.body.errors).toBeUndefined();
    const orgs = (busiest.body.data.permits.nodes as Array<{ applicant: Org | null }>)
      .map((n) => n.applicant)
      .filter((a): a is Org => a?.kind === 'ORGANIZATION');
    org = orgs.sort((a, b) => b.permits.totalCount - a.permits.totalCount)[0]!;
    // A natural person with a resident ID on record (some hold only a value still under kind review).
    for (const a of (busiest.body.data.permits.nodes as Array<{ applicant: Org | null }>).map((n) => n.applicant)) {
      if (a?.kind !== 'PERSON') continue;
      const found = (await post(PERSON, { id: a.id })).body.data.applicant as { identifiers: Array<{ type: string }> };
      if (found.identifiers.some((i) => i.type === 'RESIDENT_ID')) {
        person = a;
        break;
      }
    }
    expect(person).toBeDefined();
    expect(org.permits.totalCount).toBeGreaterThan(2 * PAGE_SIZE);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const open = async (options: { width?: number; height?: number } = {}) => {
    context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    problems = watchConsole(page);
    await page.goto(`${hub.url}/portal/`);
  };
  afterEach(async () => {
    await context?.close();
    context = undefined;
    const seen = problems;
    problems = [];
    expect(seen).toEqual([]);
  });

  it('runs trusted documents only: an operation outside both manifests is refused', async () => {
    const refused = await post(NOT_IN_MANIFEST);
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_TRUSTED');
  });

  it("opens the GraphQL IDE with an example that runs as it is in the demo: its variables and the demo key's header", async () => {
    const html = await (await fetch(`${hub.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(html.includes(DEMO_APPLICANT_IDENTIFIER) && html.includes('Bearer demo-steward-key')).toBe(true);
    const { body } = await post(GRAPHIQL_DEFAULT_QUERY, { id: DEMO_APPLICANT_IDENTIFIER });
    expect(body.errors).toBeUndefined();
    const departments = new Set(body.data.applicantByIdentifier.permits.nodes.map((p: { department: { name: string } }) => p.department.name));
    expect(departments.size).toBeGreaterThan(1);
  });

  it('finds an organisation by part of its name, opens it and pages through its permits from every department', async () => {
    await open();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('申请人查询');
    // The distinctive part of the name: after the place, before the trade.
    const part = org.name.replace(/^(广州市海珠区|广州市|广州)/, '').slice(0, 4);
    await page.getByLabel('名称、拼音或证件号码').fill(part);
    await page.keyboard.press('Enter');
    const link = page.getByRole('link', { name: org.name, exact: true });
    await link.waitFor();
    await shoot('search');

    await link.click();
    await expect.poll(() => page.getByTestId('applicant-name').textContent()).toBe(org.name);
    await expect.poll(() => page.getByTestId('permit-count').textContent()).toBe(`共 ${org.permits.totalCount} 件`);
    const pages = Math.ceil(org.permits.totalCount / PAGE_SIZE);
    const seen: string[] = [];
    const departments = new Set<string>();
    for (let n = 1; n <= pages; n++) {
      await expect.poll(() => page.getByTestId('pager-position').textContent()).toBe(`第 ${n} 页,共 ${pages} 页`);
      const rows = page.getByTestId('permits').locator('tbody tr');
      await expect.poll(() => rows.count()).toBe(n < pages ? PAGE_SIZE : org.permits.totalCount - PAGE_SIZE * (pages - 1));
      for (const row of await rows.all()) {
        seen.push((await row.getByTestId('permit-title').textContent())!);
        departments.add((await row.getByTestId('permit-department').textContent())!);
      }
      if (n === 1) await shoot('applicant');
      if (n < pages) await page.getByRole('button', { name: '下一页' }).click();
    }
    expect(await page.getByRole('button', { name: '下一页' }).isDisabled()).toBe(true);
    // Every permit once, from the departments the API says hold them.
    const expected = (await post(PERMIT_DEPARTMENTS, { id: org.id })).body.data.applicant.permits.nodes as Array<{
      title: string;
      department: { name: string };
    }>;
    expect(seen).toEqual(expected.map((p) => p.title));
    expect([...departments].sort()).toEqual([...new Set(expected.map((p) => p.department.name))].sort());
    expect(departments.size).toBeGreaterThan(1);

    await page.getByRole('button', { name: '上一页' }).click();
    await expect.poll(() => page.getByTestId('pager-position').textContent()).toBe(`第 ${pages - 1} 页,共 ${pages} 页`);
  });

  it('shows a natural person only to a key the policy allows, with the resident ID masked as the API masks it', async () => {
    const clear = (await post(PERSON, { id: person.id })).body.data.applicant as { name: string; identifiers: Array<{ type: string; value: string }> };
    const residentId = clear.identifiers.find((i) => i.type === 'RESIDENT_ID')!.value;
    await open();
    // The public: the same answer as for no one.
    await page.goto(`${hub.url}/portal/applicant/${encodeURIComponent(person.id)}`);
    await page.getByText('没有此申请人,或当前身份无权查看。').waitFor();
    expect(await page.locator('body').textContent()).not.toContain(clear.name);
    // A portal key: the name, and the resident ID masked (the portal never sees the clear value).
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByLabel('API 密钥或令牌').fill('demo-portal-key');
    await page.getByRole('dialog').getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByTestId('applicant-name').textContent()).toBe(clear.name);
    await page.getByText('已脱敏').first().waitFor();
    const shown = await page.locator('section[aria-labelledby=identifiers]').textContent();
    expect(shown).toContain(`${residentId.slice(0, 6)}********${residentId.slice(14)}`);
    await page.getByTestId('permit-count').waitFor();
    expect(await page.locator('body').textContent()).not.toContain(residentId);
    await shoot('person-portal-key');
  });

  it('searches the disclosure catalogue with the term the docs give, and filters it by category', async () => {
    await open();
    await page.getByRole('link', { name: '政府信息公开' }).click();
    await page.getByLabel('关键词(标题或正文)').fill('工作计划');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('disclosure-count').textContent()).toMatch(/^共 [1-9]\d* 条$/);
    const titles = await page.locator('article h3').allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    for (const title of titles) expect(title).toContain('工作计划');
    // The searched words are marked in the titles (best matches first: the title matches).
    const marked = await page.locator('article h3 mark').allTextContents();
    expect(marked.length).toBeGreaterThan(0);
    for (const word of marked) expect('工作计划').toContain(word);
    await page.getByLabel('关键词(标题或正文)').fill('');
    await page.getByRole('combobox', { name: '信息类别' }).fill('财政预决算');
    await page.getByRole('button', { name: '筛选' }).click();
    await expect
      .poll(async () => {
        const items = await page.locator('article').allTextContents();
        return items.length > 0 && items.every((text) => text.includes('财政预决算'));
      })
      .toBe(true);
  });

  it('draws the service-item statistics as charts on canvas', async () => {
    await open();
    await page.getByRole('link', { name: '事项统计' }).click();
    for (const chart of ['chart-rates', 'chart-categories']) {
      await page.locator(`[data-testid=${chart}] canvas`).waitFor();
      await expect.poll(() => canvasHasDrawing(page, `[data-testid=${chart}] canvas`)).toBe(true);
    }
    expect(await page.getByTestId('stats-table').locator('tbody tr').count()).toBeGreaterThan(0);
    await shoot('statistics');
  });

  it('lets a data steward sign in and approve an access request with a reason', async () => {
    const today = new Date();
    const asked = await post(
      REQUEST,
      {
        input: {
          departmentCode: 'health',
          fields: ['ApplicantRecord.phone'],
          purpose: 'LICENSING_REVIEW',
          legalBasis: '《政务信息资源共享管理暂行办法》第十条',
          validFrom: today.toISOString(),
          validUntil: new Date(today.getTime() + 90 * 86_400_000).toISOString(),
        },
      },
      'demo-market-key',
    );
    expect(asked.body.errors).toBeUndefined();
    const requestId = asked.body.data.requestAccess.id as string;

    await open();
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('demo-hint').waitFor();
    await page.getByLabel('API 密钥或令牌').fill('demo-steward-key');
    await page.getByRole('dialog').getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByTestId('viewer').textContent()).toContain('数据管理员');
    expect(await page.evaluate(() => location.href)).not.toContain('demo-steward-key');

    await page.getByRole('link', { name: '共享申请审批' }).click();
    const card = page.getByTestId('access-request').filter({ hasText: '区市场监督管理局' }).first();
    await card.waitFor();
    await card.getByRole('button', { name: '同意' }).click();
    await card.getByText('请填写理由。').waitFor();
    await card.getByLabel('审批理由').fill('依法履职需要,同意共享联系电话');
    await shoot('access-request');
    await card.getByRole('button', { name: '同意' }).click();
    await expect
      .poll(async () => (await post(REQUESTS)).body.data.accessRequests.nodes.find((r: { id: string }) => r.id === requestId))
      .toMatchObject({
        status: 'APPROVED',
        decisionReason: '依法履职需要,同意共享联系电话',
      });
    await page.getByText('已同意', { exact: true }).click();
    await page.getByTestId('access-request').filter({ hasText: '依法履职需要' }).first().waitFor();
  });

  const signInAsSteward = async () => {
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByLabel('API 密钥或令牌').fill('demo-steward-key');
    await page.getByRole('dialog').getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByTestId('viewer').textContent()).toContain('数据管理员');
  };

  it("gives the steward department health, the identity review queue side by side, and an applicant's audit trail", async () => {
    await open();
    await signInAsSteward();
    await page.getByRole('link', { name: '部门系统状态' }).click();
    await expect.poll(() => page.getByTestId('health').locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('health').textContent()).toContain('区市场监督管理局');

    await page.getByRole('link', { name: '身份匹配审核' }).click();
    const candidate = page.getByTestId('candidate').first();
    await candidate.waitFor();
    expect(await candidate.getByText('记录一').count()).toBe(1);
    expect(await candidate.getByText('记录二').count()).toBe(1);
    expect(await candidate.locator('table').last().locator('tbody tr').count()).toBeGreaterThan(0);
    await candidate.getByLabel('审核理由').fill('两条记录的电话与地址不一致,待补充材料后再定');
    await shoot('identity-review');
    await candidate.getByRole('button', { name: '暂缓' }).click();
    await candidate.getByText('已处理。').waitFor();

    // The applicant page links the steward to the applicant's audit trail, which lists this very visit.
    await page.getByRole('link', { name: '申请人查询' }).click();
    await page.getByLabel('名称、拼音或证件号码').fill(org.name);
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: org.name, exact: true }).click();
    await page.getByTestId('permit-count').waitFor();
    await page.getByRole('link', { name: '查看此申请人的审计记录' }).click();
    await expect.poll(() => page.getByTestId('audit-subject').textContent()).toBe(org.name);
    await expect.poll(async () => (await page.getByTestId('audit-events').textContent()) ?? '').toContain('ApplicantPermits');
    expect(await page.getByTestId('audit-events').textContent()).toContain('demo-steward');
  });

  it('can be used with the keyboard alone: tab to the search box, search, tab to a result and open it', async () => {
    await open();
    for (let i = 0; i < 20 && (await page.evaluate(() => document.activeElement?.getAttribute('name'))) !== 'search'; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('search');
    await page.keyboard.type(org.name);
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: org.name, exact: true }).waitFor();
    for (let i = 0; i < 5 && (await page.evaluate(() => document.activeElement?.textContent)) !== org.name; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('applicant-name').textContent()).toBe(org.name);
  });

  it('fits a phone screen and switches to English', async () => {
    await open({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByRole('button', { name: '切换到英文' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('Applicant search');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await shoot('phone-en');
  });
});
