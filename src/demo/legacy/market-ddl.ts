// Schema of the market department's legacy database, exactly as the market adapter expects it.
// Pinyin-abbreviated names are the vendor's (qymc 企业名称, tyshxydm 统一社会信用代码, slrq 受理日期 …);
// the comments are what the vendor's data dictionary says.

/** Tables, in creation order (zt_dm and sqr before xksq, which references both). */
export const MARKET_TABLES_DDL: readonly string[] = [
  `create table zt_dm (
    dm varchar(2) primary key,
    mc varchar(20) not null
  )`,
  `comment on table zt_dm is '状态代码'`,
  `create table sqr (
    sqrid integer primary key,
    qymc varchar(200) not null,
    sqrlx char(1),
    tyshxydm varchar(40),
    zjlx varchar(20),
    zjhm varchar(40),
    lxdh varchar(40),
    dz varchar(200)
  )`,
  `comment on table sqr is '申请人'`,
  `comment on column sqr.qymc is '企业名称/申请人名称'`,
  `comment on column sqr.sqrlx is '申请人类型: 1 法人及其他组织, 2 自然人'`,
  `comment on column sqr.tyshxydm is '统一社会信用代码'`,
  `comment on column sqr.zjlx is '证件类型'`,
  `comment on column sqr.zjhm is '证件号码'`,
  `create table xksq (
    sqbh varchar(30) primary key,
    sqrid integer not null references sqr (sqrid),
    sxbm varchar(40) not null,
    xkmc varchar(200) not null,
    ztdm varchar(2) not null references zt_dm (dm),
    slrq timestamp not null,
    jdrq timestamp null,
    yxqz date null,
    fdsx integer null,
    cnsx integer null,
    sjys integer null
  )`,
  `comment on table xksq is '许可申请'`,
  `comment on column xksq.sxbm is '事项编码'`,
  `comment on column xksq.slrq is '受理日期 (北京时间, 无时区)'`,
  `comment on column xksq.jdrq is '决定日期'`,
  `comment on column xksq.yxqz is '有效期至'`,
  `comment on column xksq.fdsx is '法定时限 (工作日)'`,
  `comment on column xksq.cnsx is '承诺时限 (工作日)'`,
  `comment on column xksq.sjys is '实际用时 (工作日)'`,
];

/** Indexes; a bulk load creates them after the rows are in. */
export const MARKET_INDEXES_DDL: readonly string[] = [
  'create index xksq_slrq_sqbh_idx on xksq (slrq desc, sqbh)',
  'create index xksq_sqrid_idx on xksq (sqrid)',
  'create index xksq_sxbm_idx on xksq (sxbm)',
];

/**
 * The whole schema, one statement per entry (PostgreSQL).
 *
 * @example
 * for (const stmt of MARKET_DDL) await sql.raw(stmt).execute(db);
 */
export const MARKET_DDL: readonly string[] = [...MARKET_TABLES_DDL, ...MARKET_INDEXES_DDL];
