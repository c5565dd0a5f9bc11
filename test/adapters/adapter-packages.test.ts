import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineAdapterConformanceSuite } from '../../src/adapters/core/conformance-suite.js';
import { adapterKinds } from '../../src/adapters/kinds.js';
import { loadAdapterKinds } from '../../src/adapters/load-kinds.js';
import { openSpecAdapter } from '../../src/adapters/open-spec-adapter.js';
import { silentLogger } from '../../src/logging/logger.js';
import { generateUscc, mulberry32 } from '../../src/schema/identifiers/index.js';
import { memorySystems } from '../support/memory-kind.js';

const here = import.meta.dirname;
const packagePath = join(here, '../support/memory-kind-package.ts');

describe('adapter packages (HUITONG_ADAPTER_PACKAGES)', () => {
  it('adds the kinds a listed package exports to the shipped ones', async () => {
    const kinds = await loadAdapterKinds({ HUITONG_ADAPTER_PACKAGES: ` ${packagePath} ` });
    expect(Object.keys(kinds).sort()).toEqual([...Object.keys(adapterKinds), 'memory'].sort());
  });

  it('loads nothing that is not listed, and refuses what cannot be used', async () => {
    expect(Object.keys(await loadAdapterKinds({}))).toEqual(Object.keys(adapterKinds));
    await expect(loadAdapterKinds({ HUITONG_ADAPTER_PACKAGES: 'huitong-no-such-adapter' })).rejects.toThrow(/huitong-no-such-adapter cannot be loaded/);
    await expect(loadAdapterKinds({ HUITONG_ADAPTER_PACKAGES: join(here, '../support/databases.ts') })).rejects.toThrow(/exports no adapterKind/);
    await expect(loadAdapterKinds({ HUITONG_ADAPTER_PACKAGES: packagePath }, { memory: adapterKinds.sql! })).rejects.toThrow(/already defined/);
  });
});

// A package's kind is held to the same suite as the shipped ones.
const rng = mulberry32(3);
const applicants = Array.from({ length: 80 }, (_, i) => ({ id: `A${i}`, mc: `测试单位${i}`, dm: generateUscc(rng) }));
memorySystems.set('conformance', {
  applicants,
  permits: Array.from({ length: 400 }, (_, i) => ({
    bh: `P${String(i).padStart(4, '0')}`,
    sqr: applicants[i % 80]!.id,
    sx: `SX-${i % 4}`,
    mc: '许可',
    zt: ['1', '2', '9'][i % 3],
    rq: i % 37 === 0 ? null : `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')} 10:00:00`,
  })),
  calls: 0,
});
defineAdapterConformanceSuite('an adapter package (the memory kind)', async () => {
  const kinds = await loadAdapterKinds({ HUITONG_ADAPTER_PACKAGES: packagePath });
  const { adapter } = await openSpecAdapter(
    {
      specVersion: 1,
      code: 'pkg',
      name: '包适配测试',
      kind: 'memory',
      connection: { system: 'conformance' },
      statuses: { '1': 'APPROVED', '2': 'REJECTED' },
      permits: { fields: { key: 'bh', applicant: 'sqr', serviceItem: 'sx', title: 'mc', status: 'zt', appliedAt: 'rq' } },
      applicants: { fields: { key: 'id', name: 'mc', identifiers: [{ value: 'dm', type: 'USCC' }] } },
    },
    { kinds, env: {}, dataDir: here, logger: silentLogger },
  );
  const system = memorySystems.get('conformance')!;
  return { adapter, backendCalls: () => system.calls, close: async () => {} };
});
