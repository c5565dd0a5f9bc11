import { sql, type Kysely } from 'kysely';
import type { DemoDistrict } from '../../src/demo/generate/index.js';

/**
 * The demo market district as another vendor might have kept it in MariaDB: upper-case names for the
 * permits table, in GBK (as many Chinese systems of its age), with 受理日期 as `YYYYMMDDHHmmss` text;
 * the applicants in a utf8mb4 table with Chinese table and column names (a GBK column could not hold
 * the rarest name characters). The spec below declares it; the data are the generator's, unchanged.
 *
 * @example
 * await loadMarketIntoMariadb(db, generateDemoDistrict({ seed: 11, scale: 0.2 }));
 */
export async function loadMarketIntoMariadb(db: Kysely<any>, district: DemoDistrict): Promise<void> {
  await sql`create table ${sql.id('申请人')} (
      ${sql.id('编号')} int primary key,
      ${sql.id('名称')} varchar(200) not null,
      ${sql.id('类型')} char(1),
      ${sql.id('信用代码')} varchar(40),
      ${sql.id('证件类型')} varchar(20),
      ${sql.id('证件号码')} varchar(40),
      ${sql.id('电话')} varchar(40),
      ${sql.id('地址')} varchar(200)
    ) character set utf8mb4`.execute(db);
  await sql`create table XK_SQ (
      SQBH varchar(30) not null primary key,
      SQRID int not null,
      SXBM varchar(40) not null,
      XKMC varchar(200) not null,
      ZT_DM char(2) not null,
      SLRQ char(14) not null,
      JDRQ datetime null,
      YXQZ date null,
      FDSX int null,
      CNSX int null,
      SJYS int null,
      key XK_SQ_SLRQ (SLRQ, SQBH),
      key XK_SQ_SQRID (SQRID)
    ) character set gbk`.execute(db);
  const applicants = district.market.applicants.map((a) => ({
    编号: a.sqrid,
    名称: a.qymc,
    类型: a.sqrlx,
    信用代码: a.tyshxydm,
    证件类型: a.zjlx,
    证件号码: a.zjhm,
    电话: a.lxdh,
    地址: a.dz,
  }));
  const permits = district.market.permits.map((p) => ({
    SQBH: p.sqbh,
    SQRID: p.sqrid,
    SXBM: p.sxbm,
    XKMC: p.xkmc,
    ZT_DM: p.ztdm,
    SLRQ: p.slrq.replace(/[- :]/g, ''),
    JDRQ: p.jdrq,
    YXQZ: p.yxqz,
    FDSX: p.fdsx,
    CNSX: p.cnsx,
    SJYS: p.sjys,
  }));
  for (let i = 0; i < applicants.length; i += 500)
    await db
      .insertInto('申请人')
      .values(applicants.slice(i, i + 500))
      .execute();
  for (let i = 0; i < permits.length; i += 500)
    await db
      .insertInto('XK_SQ')
      .values(permits.slice(i, i + 500))
      .execute();
}

/** The market spec over `loadMarketIntoMariadb`'s tables; the URL comes from MARKET_MARIADB_URL. */
export const MARIADB_MARKET_SPEC = `
specVersion: 1
kind: sql
code: market
name: 区市场监督管理局
timeZone: Asia/Shanghai
connection:
  dialect: mariadb
  url: { env: MARKET_MARIADB_URL }
statuses: { "01": SUBMITTED, "02": ACCEPTED, "03": UNDER_REVIEW, "04": APPROVED, "05": REJECTED, "06": WITHDRAWN, "07": REVOKED, "08": EXPIRED }
permits:
  table: XK_SQ
  fields:
    key: SQBH
    applicant: SQRID
    serviceItem: SXBM
    title: XKMC
    status: ZT_DM
    appliedAt: { from: SLRQ, format: YYYYMMDDHHmmss }
    decidedAt: JDRQ
    validUntil: YXQZ
    statutoryDays: FDSX
    committedDays: CNSX
    actualDays: SJYS
applicants:
  table: 申请人
  fields:
    key: 编号
    name: 名称
    kind: { from: 类型, map: { "1": ORGANIZATION, "2": PERSON } }
    identifiers:
      - { value: 信用代码, type: USCC }
      - { value: 证件号码, typeFrom: 证件类型 }
    phone: 电话
    address: 地址
`;
