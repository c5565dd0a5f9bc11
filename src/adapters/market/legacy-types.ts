/** Rows of the market-supervision system's database, as its vendor named them (pinyin abbreviations). */

/** 许可申请: one application. */
export interface XksqRow {
  sqbh: string; // 申请编号
  sqrid: number; // 申请人 id
  sxbm: string; // 事项编码
  xkmc: string; // 许可名称
  ztdm: string; // 状态代码 → zt_dm
  slrq: string | null; // 受理日期, local time, no zone
  jdrq: string | null; // 决定日期
  yxqz: string | null; // 有效期至
  fdsx: number | null; // 法定时限
  cnsx: number | null; // 承诺时限
  sjys: number | null; // 实际用时
}

/** 申请人: an applicant. */
export interface SqrRow {
  sqrid: number;
  qymc: string; // 企业名称 or a person's name
  sqrlx: string | null; // '1' 法人/组织, '2' 自然人
  tyshxydm: string | null; // 统一社会信用代码 (or whatever was typed there)
  zjlx: string | null; // 证件类型
  zjhm: string | null; // 证件号码
  lxdh: string | null; // 联系电话
  dz: string | null; // 地址
}

export interface MarketLegacyDatabase {
  xksq: XksqRow;
  sqr: SqrRow;
  zt_dm: { dm: string; mc: string };
}
