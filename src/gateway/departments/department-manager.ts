import type { Kysely } from 'kysely';
import type { Logger } from '../../logging/logger.js';
import type { SampleReport } from '../../adapters/core/sample-spec.js';
import type { DepartmentSpec } from '../../adapters/spec/department-spec.js';
import { parseSpec, type KindRegistry } from '../../adapters/spec/parse-spec.js';
import { compareSpecs, type ContractChange } from '../../adapters/spec/spec-contract.js';
import { SpecError, type SpecIssue } from '../../adapters/spec/spec-issue.js';
import type { HubDatabase } from '../../storage/index.js';
import type { KindContext } from '../../adapters/core/adapter-kind.js';
import { slotKey, type SlotOpener } from './department-opener.js';
import type { DepartmentSlot } from './department-slot.js';
import { composeHub, type CompositionParts, type HubComposition } from './hub-composition.js';
import type { LiveGateway } from './live-gateway.js';
import {
  activateSpecVersion,
  listDepartments,
  registryGeneration,
  saveSpecVersion,
  setDepartmentEnabled,
  specVersions,
  type DepartmentEntry,
} from './registry-store.js';

/** What checking a candidate spec found; `ok` when it may go live. */
export interface SpecCheck {
  ok: boolean;
  code: string;
  issues: SpecIssue[];
  /** Differences from the active version; breaking ones are refused unless forced. */
  changes: ContractChange[];
  /** A bounded read through the candidate adapter (absent offline, or when the system could not be opened). */
  sample: SampleReport | null;
}

/** A change that was refused, with every reason, before anything live was touched. */
export class DepartmentChangeError extends Error {
  override name = 'DepartmentChangeError';
  constructor(
    message: string,
    readonly check?: SpecCheck,
  ) {
    super(message);
  }
}

export interface ManagerOptions {
  db: Kysely<HubDatabase>;
  kinds: KindRegistry;
  live: LiveGateway<HubComposition>;
  open: SlotOpener;
  /** What a kind's online inspection gets for a department (secrets, its data directory). */
  kindContext: (code: string) => KindContext;
  parts: CompositionParts;
  logger: Logger;
  /** Records sampled per entity before a spec goes live. */
  sampleLimit?: number;
  /** How long the live check may take, ms. */
  checkTimeoutMs?: number;
  /**
   * Called once a change is live (within the change, so `add` answers after it): the hub runs the
   * identity sync here, so a new department's applicants are linked before `add` returns.
   */
  afterChange?: (code: string, change: 'add' | 'update' | 'rollback' | 'enable' | 'disable') => Promise<void>;
  /** Service item codes in the catalogue, to report a department's unmapped permit types. */
  catalogueCodes?: () => Promise<ReadonlySet<string>>;
}

/**
 * Department onboarding and changes, without a restart. Every change is checked before it goes live —
 * the spec offline, then its system opened and a bounded sample mapped, the data contract against the
 * active version, and the candidate composition stitched — then written to the registry (every version
 * kept) and swapped in atomically; requests under way finish on the old composition, whose adapters
 * close once they drain. Changes and reloads in one process take turns; other processes follow the
 * registry's generation (`reload`).
 *
 * @example
 * const manager = new DepartmentManager({ db, kinds, live, open, parts, logger });
 * await manager.add(spec, { actor: 'steward-1' });
 */
export class DepartmentManager {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ManagerOptions) {}

  /** Checks a spec as `add`/`update` would, changing nothing; `online: false` checks the spec alone. */
  async validate(input: unknown, { online = true } = {}): Promise<SpecCheck> {
    const { check, slot } = await this.#check(input, { online, force: false });
    await slot?.hold().release();
    return check;
  }

  /** Registers a new department from its spec. */
  add(input: unknown, options: { actor: string; note?: string }): Promise<{ code: string; version: number; check: SpecCheck }> {
    return this.#turn(async () => {
      const code = codeOf(input);
      if ((await listDepartments(this.options.db)).some((d) => d.code === code)) {
        throw new DepartmentChangeError(
          `department ${code} already exists: change it with update`,
          failed(code, [{ path: 'code', message: `department ${code} already exists`, hint: 'use update to change it' }]),
        );
      }
      return this.#after('add', await this.#applySpec(input, { ...options, force: false }));
    });
  }

  /** A new version of an existing department's spec; breaking contract changes need `force`. */
  update(input: unknown, options: { actor: string; note?: string; force?: boolean }): Promise<{ code: string; version: number; check: SpecCheck }> {
    return this.#turn(async () => {
      const code = codeOf(input);
      if (!(await listDepartments(this.options.db)).some((d) => d.code === code)) {
        throw new DepartmentChangeError(
          `no department ${code}: register it with add`,
          failed(code, [{ path: 'code', message: `no department ${code}`, hint: 'use add to register it' }]),
        );
      }
      return this.#after('update', await this.#applySpec(input, { ...options, force: options.force ?? false }));
    });
  }

  /** Makes an earlier version active again (the previous one by default), checked like an update. */
  rollback(code: string, options: { actor: string; toVersion?: number; force?: boolean }): Promise<{ code: string; version: number; check: SpecCheck }> {
    return this.#turn(async () => {
      const versions = await specVersions(this.options.db, code);
      const active = versions.find((v) => v.active);
      if (!active) throw new DepartmentChangeError(`no department ${code} with a spec`);
      const target = options.toVersion === undefined ? versions.find((v) => v.version < active.version) : versions.find((v) => v.version === options.toVersion);
      if (!target)
        throw new DepartmentChangeError(
          options.toVersion === undefined ? `department ${code} has no earlier version` : `department ${code} has no version ${options.toVersion}`,
        );
      return this.#after(
        'rollback',
        await this.#apply(target.spec, options.force ?? false, async () => activateSpecVersion(this.options.db, code, target.version), target.version),
      );
    });
  }

  /** Takes a department out of the composition; its specs stay, and so does what the crosswalk holds unless purged. */
  disable(code: string): Promise<void> {
    return this.#turn(async () => {
      const entries = await listDepartments(this.options.db);
      if (!entries.some((d) => d.code === code && d.adapterKind !== 'catalogue')) throw new DepartmentChangeError(`no department ${code}`);
      const { generation } = await setDepartmentEnabled(this.options.db, code, false);
      await this.#swapTo(
        entries.map((e) => (e.code === code ? { ...e, enabled: false } : e)),
        generation,
      );
      await this.#after('disable', { code });
    });
  }

  /** Brings a disabled department back, its system checked first. */
  enable(code: string): Promise<void> {
    return this.#turn(async () => {
      const entries = await listDepartments(this.options.db);
      const entry = entries.find((d) => d.code === code && d.adapterKind !== 'catalogue');
      if (!entry) throw new DepartmentChangeError(`no department ${code}`);
      if (entry.enabled) return;
      const slot = await this.options.open({ ...entry, enabled: true }, { strict: true }).catch((error: Error) => {
        throw new DepartmentChangeError(`department ${code} cannot be opened: ${error.message}`);
      });
      const { generation } = await setDepartmentEnabled(this.options.db, code, true).catch(async (error) => {
        await slot.hold().release();
        throw error;
      });
      await this.#swapTo(
        entries.map((e) => (e.code === code ? { ...e, enabled: true } : e)),
        generation,
        [slot],
      );
      await this.#after('enable', { code });
    });
  }

  /** Follows the registry when another process changed it (or this one restarted its view). */
  reload(): Promise<void> {
    return this.#turn(async () => {
      const generation = await registryGeneration(this.options.db);
      if (generation <= this.options.live.current.generation) return;
      await this.#swapTo(await listDepartments(this.options.db), generation);
    });
  }

  async #after<T extends { code: string }>(change: 'add' | 'update' | 'rollback' | 'enable' | 'disable', result: T): Promise<T> {
    await this.options.afterChange?.(result.code, change);
    return result;
  }

  #turn<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #applySpec(input: unknown, options: { actor: string; note?: string; force: boolean }) {
    return this.#apply(input, options.force, async (spec) =>
      saveSpecVersion(this.options.db, spec as never, { actor: options.actor, note: options.note ?? null }),
    );
  }

  async #apply(
    input: unknown,
    force: boolean,
    write: (spec: DepartmentSpec) => Promise<{ generation: number; version?: number }>,
    knownVersion?: number,
  ): Promise<{ code: string; version: number; check: SpecCheck }> {
    const { check, slot, spec } = await this.#check(input, { online: true, force });
    if (!check.ok || !spec || !slot) {
      await slot?.hold().release();
      throw new DepartmentChangeError(`department ${check.code}: the change was refused`, check);
    }
    let prepared: Prepared;
    try {
      const entries = await listDepartments(this.options.db);
      const version = knownVersion ?? (entries.find((e) => e.code === spec.code)?.specVersion ?? 0) + 1;
      // Stitching the candidate is part of the check: a composition that does not build never goes live.
      prepared = await this.#prepare(withSpec(entries, spec, version), [slot]);
    } catch (error) {
      await slot.hold().release();
      throw new DepartmentChangeError(`department ${spec.code}: the candidate composition does not build: ${safeMessage(error)}`, check);
    }
    let written: { generation: number; version?: number };
    try {
      written = await write(spec);
    } catch (error) {
      await prepared.abandon();
      throw error;
    }
    await this.#go(prepared, written.generation);
    return { code: spec.code, version: written.version ?? knownVersion ?? 0, check };
  }

  /** Spec, system, sample and contract: everything that decides whether a spec may go live. */
  async #check(
    input: unknown,
    { online, force }: { online: boolean; force: boolean },
  ): Promise<{ check: SpecCheck; slot: DepartmentSlot | null; spec: DepartmentSpec | null }> {
    const code = codeOf(input);
    let spec: DepartmentSpec;
    try {
      spec = parseSpec(input, this.options.kinds);
    } catch (error) {
      if (error instanceof SpecError) return { check: failed(code, [...error.issues]), slot: null, spec: null };
      throw error;
    }
    const issues: SpecIssue[] = [];
    const active = (await specVersions(this.options.db, spec.code)).find((v) => v.active);
    let changes: ContractChange[] = [];
    if (active) {
      try {
        changes = compareSpecs(parseSpec(active.spec, this.options.kinds), spec);
      } catch {
        // An active spec that no longer checks (a kind's schema grew stricter) cannot be compared field by field.
        changes = [];
      }
      for (const c of changes)
        if (c.breaking && !force)
          issues.push({ path: c.path, message: c.message, hint: 'breaks ids or cursors already handed out; force the change only if that is intended' });
    }
    if (!online) return { check: { ok: issues.length === 0, code: spec.code, issues, changes, sample: null }, slot: null, spec };
    const signal = AbortSignal.timeout(this.options.checkTimeoutMs ?? 15_000);
    const kind = this.options.kinds[spec.kind]!;
    let slot: DepartmentSlot | null = null;
    let sample: SampleReport | null = null;
    try {
      if (kind.inspect) issues.push(...(await kind.inspect(spec, this.options.kindContext(spec.code), signal)));
      if (issues.length > 0) return { check: { ok: false, code: spec.code, issues, changes, sample }, slot, spec };
      slot = await this.options.open(entryOf(spec), { strict: true });
      if (slot.adapter) {
        sample = await slot.adapter.sample({
          limit: this.options.sampleLimit ?? 200,
          signal,
          ...(this.options.catalogueCodes ? { catalogue: await this.options.catalogueCodes() } : {}),
        });
        if (sample.permits.read > 0 && sample.permits.rejected.length === sample.permits.read) {
          issues.push({ path: 'permits.fields', message: `every sampled permit was rejected (first: ${sample.permits.rejected[0]!.reason})` });
        }
        if (sample.applicants.read > 0 && sample.applicants.rejected.length === sample.applicants.read) {
          issues.push({ path: 'applicants.fields', message: `every sampled applicant was rejected (first: ${sample.applicants.rejected[0]!.reason})` });
        }
      }
    } catch (error) {
      issues.push({ path: 'connection', message: `the system could not be read: ${safeMessage(error)}` });
    }
    return { check: { ok: issues.length === 0, code: spec.code, issues, changes, sample }, slot, spec };
  }

  /** Builds the composition for `entries` (reusing the live slots whose entries did not change) and swaps it in. */
  async #swapTo(entries: readonly DepartmentEntry[], generation: number, opened: readonly DepartmentSlot[] = []): Promise<void> {
    await this.#go(await this.#prepare(entries, opened), generation);
  }

  async #prepare(entries: readonly DepartmentEntry[], opened: readonly DepartmentSlot[]): Promise<Prepared> {
    const live = this.options.live.current;
    const ready = new Map(opened.map((s) => [s.code, s]));
    const slots: DepartmentSlot[] = [];
    const fresh: DepartmentSlot[] = [...opened];
    const abandon = () => Promise.all(fresh.map((s) => s.hold().release())).then(() => undefined);
    try {
      for (const entry of entries) {
        if (entry.adapterKind === 'catalogue' || !entry.enabled) continue;
        const reused = live.departments.get(entry.code);
        let slot = ready.get(entry.code);
        if (!slot && reused?.key === slotKey(entry)) slot = reused;
        if (!slot) fresh.push((slot = await this.options.open(entry)));
        slots.push(slot);
      }
      return { slots, composition: await composeHub(-1, slots, this.options.parts), abandon };
    } catch (error) {
      await abandon();
      throw error;
    }
  }

  async #go(prepared: Prepared, generation: number): Promise<void> {
    prepared.composition.generation = generation;
    const { closed } = await this.options.live.swap(prepared.composition);
    closed.catch((error) => this.options.logger.error({ err: { message: (error as Error).message } }, 'closing the previous composition failed'));
    this.options.logger.info({ generation, departments: prepared.slots.map((s) => s.code) }, 'department composition swapped');
  }
}

interface Prepared {
  slots: DepartmentSlot[];
  composition: HubComposition;
  /** Releases the slots opened for it, when it will not go live. */
  abandon(): Promise<void>;
}

/** The registry entry a checked spec gives (not yet stored: its version is the one it will get). */
function entryOf(spec: DepartmentSpec, version = 0): DepartmentEntry {
  return {
    code: spec.code,
    name: spec.name,
    adapterKind: spec.kind,
    spec: spec as unknown as Record<string, unknown>,
    specVersion: version,
    enabled: true,
    url: null,
  };
}

/** The registry with one department's spec replaced (or added). */
function withSpec(entries: readonly DepartmentEntry[], spec: DepartmentSpec, version: number): DepartmentEntry[] {
  const entry = entryOf(spec, version);
  const existing = entries.find((e) => e.code === spec.code);
  if (!existing) return [...entries, entry];
  return entries.map((e) => (e.code === spec.code ? { ...entry, enabled: e.enabled, url: e.url } : e));
}

function codeOf(input: unknown): string {
  const code = (input as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code.slice(0, 32) : 'spec';
}

function failed(code: string, issues: SpecIssue[]): SpecCheck {
  return { ok: false, code, issues, changes: [], sample: null };
}

/** An error's message without what could be a secret: URLs lose their credentials. */
function safeMessage(error: unknown): string {
  return String((error as Error)?.message ?? error)
    .replace(/\/\/[^/@\s]*@/g, '//***@')
    .slice(0, 300);
}
