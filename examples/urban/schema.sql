-- 区城市管理和综合执法局 (urban management) — the approval system its vendor built in 2014.
-- Its own naming (pinyin initials with a t_ prefix), its own status codes, dates as text.
create table t_sqdw (               -- 申请单位: applicants, organisations and people alike
  dwbh   varchar(20) primary key,   -- 单位编号
  dwmc   varchar(200) not null,     -- 单位名称 (or a person's name)
  dwlx   varchar(10),               -- 单位类型: 企业 / 个体 / 个人 (often wrong)
  xydm   varchar(40),               -- 信用代码: USCC, or the old 组织机构代码 as typed
  lxdh   varchar(40),               -- 联系电话
  dz     varchar(300)               -- 地址
);
create table t_xk_aj (              -- 许可案卷: one application each
  ajbh   varchar(30) primary key,   -- 案卷编号
  dwbh   varchar(20),               -- 申请单位编号
  sxdm   varchar(20),               -- 事项代码
  ajmc   varchar(200) not null,     -- 案卷名称
  ajzt   varchar(4),                -- 案卷状态: SL 受理, SC 审查, TG 通过, BH 驳回, CH 撤回, ZX 注销
  sqsj   varchar(16),               -- 申请时间, 'YYYY/MM/DD HH:mm' (Beijing time, no zone)
  bjsj   varchar(16),               -- 办结时间, same layout
  yxq    date,                      -- 有效期
  fdsx   integer,                   -- 法定时限 (working days)
  cnsx   integer                    -- 承诺时限
);
create index t_xk_aj_dwbh on t_xk_aj (dwbh);
create index t_xk_aj_sqsj on t_xk_aj (sqsj desc, ajbh);
