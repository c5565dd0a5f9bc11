// Builds the example legacy system of 区城市管理和综合执法局 for the onboarding walk-through
// (examples/urban/README.md): a PGlite directory (default .data/examples/urban), or the PostgreSQL
// database URBAN_DB_URL names. Its applicants are organisations of the demo district — stored under
// their own spellings of the identifier — so the cross-department question finds their urban permits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { generateDemoDistrict } from '../../src/demo/generate/index.js';
import { orgCodeOfUscc } from '../../src/schema/identifiers/index.js';
import { DataDirLockedError, openDatabase } from '../../src/storage/index.js';

const url = process.env.URBAN_DB_URL;
const dir = process.argv[2] ?? join('.data', 'examples', 'urban');
// The same district `npm start` generates (its default seed), so the applicants are the demo's own.
const district = generateDemoDistrict({ scale: 1 });
const organisations = district.entities.filter((e) => e.kind === 'ORGANISATION' && e.uscc).slice(0, 40);

let state = 7;
const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const items = [
  { code: 'CG-XK-001', title: '城市道路挖掘许可', fdsx: 20, cnsx: 10 },
  { code: 'CG-XK-002', title: '户外广告设施设置许可', fdsx: 20, cnsx: 7 },
  { code: 'CG-XK-003', title: '临时占用城市道路许可', fdsx: 15, cnsx: 5 },
];
const statuses = ['SL', 'SC', 'TG', 'TG', 'TG', 'BH', 'CH', 'ZX'];

const applicants = organisations.map((e, i) => ({
  dwbh: `DW${pad(i + 1, 4)}`,
  dwmc: i % 5 === 0 ? ` ${e.name} ` : e.name,
  dwlx: i % 7 === 0 ? '个人' : '企业', // the type flag is often wrong: a claim only
  // Every third one holds the pre-2015 organisation code, written XXXXXXXX-X.
  xydm: i % 3 === 0 ? `${orgCodeOfUscc(e.uscc!).slice(0, 8)}-${orgCodeOfUscc(e.uscc!).slice(8)}` : i % 3 === 1 ? e.uscc!.toLowerCase() : e.uscc,
  lxdh: null,
  dz: null,
}));
const permits = Array.from({ length: 120 }, (_, i) => {
  const item = items[i % items.length]!;
  const applied = new Date(
    Date.UTC(2021 + Math.floor(next() * 4), Math.floor(next() * 12), 1 + Math.floor(next() * 28), Math.floor(next() * 9) + 1, Math.floor(next() * 60)),
  );
  const status = statuses[Math.floor(next() * statuses.length)]!;
  const done = ['TG', 'BH', 'ZX'].includes(status) ? new Date(applied.getTime() + (2 + Math.floor(next() * 12)) * 86_400_000) : null;
  const local = (d: Date) => `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return {
    ajbh: `CG${applied.getUTCFullYear()}${pad(i + 1, 5)}`,
    dwbh: applicants[Math.floor(next() * applicants.length)]!.dwbh,
    sxdm: item.code,
    ajmc: item.title,
    ajzt: status,
    sqsj: local(applied),
    bjsj: done ? local(done) : null,
    yxq: status === 'TG' ? `${applied.getUTCFullYear() + 1}-${pad(applied.getUTCMonth() + 1)}-${pad(applied.getUTCDate())}` : null,
    fdsx: item.fdsx,
    cnsx: item.cnsx,
  };
});

// Opened, never deleted first: deleting the directory would delete its lock too, and a second writer
// (this script) would then corrupt the store of a hub that serves the example from it.
const database = await openDatabase<any>(url ? { url } : { dir }).catch((error: unknown) => {
  if (!(error instanceof DataDirLockedError)) throw error;
  process.stderr.write(
    `${dir} is in use by process ${error.pid} (a hub serving the example?): stop it, or run \`npx huitong departments disable urban\` first\n`,
  );
  process.exit(1);
});
try {
  await sql`drop table if exists t_xk_aj`.execute(database.db);
  await sql`drop table if exists t_sqdw`.execute(database.db);
  for (const statement of readFileSync(new URL('./schema.sql', import.meta.url), 'utf8')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.replace(/--.*$/gm, '').trim())) {
    await sql.raw(statement).execute(database.db);
  }
  await database.db.insertInto('t_sqdw').values(applicants).execute();
  await database.db.insertInto('t_xk_aj').values(permits).execute();
} finally {
  await database.close();
}
process.stdout.write(`urban example: ${applicants.length} applicants, ${permits.length} permits in ${url ? 'URBAN_DB_URL' : dir}\n`);
process.stdout.write(`an applicant to ask about: ${organisations[0]!.uscc} (${organisations[0]!.name})\n`);
