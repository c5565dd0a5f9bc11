// Published government information items (政府信息公开) of the demo district. Titles and bodies
// are templates in the style of the district's disclosure column; none holds personal data.

import { civilDateOfEpochDay } from '../../schema/shanghai-time.js';
import { dayOf, isoDate } from './dates.js';
import { DEMO_TODAY } from './permit-drafts.js';
import type { Random } from './random.js';
import type { CatalogueDepartmentCode, DisclosureItem } from './types.js';

const PUBLISHERS: Record<CatalogueDepartmentCode, string> = {
  market: '海珠区市场监督管理局',
  housing: '海珠区住房和城乡建设局',
  health: '海珠区卫生健康局',
  bureau: '海珠区政务服务数据管理局',
};

const TOPICS = [
  '政务服务"一门一窗"',
  '政务数据共享',
  '食品安全监督',
  '建筑工地扬尘治理',
  '公共场所卫生监督',
  '营商环境优化',
  '电子证照应用',
  '政务服务"好差评"',
  '老旧小区改造',
  '基层医疗卫生服务',
  '"证照分离"改革',
  '行政许可标准化',
] as const;

const MONTHS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'] as const;

interface Template {
  category: string;
  title: (v: Vars) => string;
  body: (v: Vars) => string;
}

interface Vars {
  dept: string;
  year: number;
  month: string;
  topic: string;
  quarter: string;
  n: number;
}

const TEMPLATES: readonly Template[] = [
  {
    category: '规划计划',
    title: (v) => `${v.dept}${v.year}年工作计划`,
    body: (v) => `为做好${v.year}年各项工作，${v.dept}围绕${v.topic}等重点任务制定本计划，明确工作目标、责任分工和完成时限，现予公开。`,
  },
  {
    category: '规划计划',
    title: (v) => `海珠区${v.year}年政务公开工作要点`,
    body: (v) => `${v.year}年全区政务公开工作以深化${v.topic}为重点，推进决策、执行、管理、服务、结果公开，提升基层政务公开标准化规范化水平。`,
  },
  {
    category: '政策文件',
    title: (v) => `关于印发《海珠区${v.topic}工作实施方案》的通知`,
    body: (v) => `各有关单位：现将《海珠区${v.topic}工作实施方案》印发给你们，请认真贯彻执行。执行中遇到的问题，请径向${v.dept}反映。`,
  },
  {
    category: '政策解读',
    title: (v) => `《海珠区${v.topic}工作实施方案》政策解读`,
    body: (v) => `一、制定背景；二、主要内容；三、适用范围。本方案自印发之日起施行，有效期${(v.n % 3) + 3}年，由${v.dept}负责解释。`,
  },
  {
    category: '行政许可',
    title: (v) => `${v.dept}${v.year}年${v.month}月行政许可信息公示`,
    body: (v) => `根据"双公示"工作要求，现将${v.dept}${v.year}年${v.month}月作出的行政许可决定予以公示，共${v.n}件，详见附件。`,
  },
  {
    category: '行政许可',
    title: (v) => `${v.dept}行政许可事项办事指南更新公告（${v.year}年第${(v.n % 4) + 1}号）`,
    body: (v) =>
      `为进一步压缩审批时限，${v.dept}对${(v.n % 9) + 2}项行政许可事项的承诺时限和申请材料进行了调整，调整后的办事指南已在区政务服务中心窗口和网上办事大厅同步更新。`,
  },
  {
    category: '财政预决算',
    title: (v) => `${v.dept}${v.year}年部门预算`,
    body: (v) => `${v.dept}${v.year}年收支预算总额${v.n * 37 + 1200}万元，其中一般公共预算拨款${v.n * 31 + 1000}万元。"三公"经费预算与上年持平。`,
  },
  {
    category: '财政预决算',
    title: (v) => `${v.dept}${v.year}年部门决算`,
    body: (v) => `${v.dept}${v.year}年度收入合计${v.n * 41 + 1300}万元，支出合计${v.n * 40 + 1250}万元，年末结转和结余${v.n + 50}万元。`,
  },
  {
    category: '人事信息',
    title: (v) => `${v.dept}${v.year}年公开招聘编外工作人员公告`,
    body: (v) => `因工作需要，${v.dept}面向社会公开招聘编外工作人员${(v.n % 6) + 1}名。报名条件、岗位要求及报名方式详见附件。`,
  },
  {
    category: '统计信息',
    title: (v) => `海珠区${v.year}年第${v.quarter}季度政务服务数据统计`,
    body: (v) =>
      `${v.year}年第${v.quarter}季度区政务服务中心共受理各类事项${v.n * 113 + 20000}件，办结率${(99 + (v.n % 10) / 10).toFixed(1)}%，即办件占比保持在七成以上。`,
  },
  {
    category: '法治政府建设',
    title: (v) => `${v.dept}${v.year}年法治政府建设年度报告`,
    body: (v) => `${v.year}年，${v.dept}持续深化${v.topic}，完善依法行政制度体系，推进行政执法"三项制度"，现将年度法治政府建设情况报告如下。`,
  },
];

const ON_REQUEST: Template = {
  category: '依申请公开',
  title: (v) => `关于${v.topic}相关信息的依申请公开答复（${v.year}第${v.n}号）`,
  body: (v) => `经检索，申请人所申请公开的${v.topic}相关信息属于${v.dept}公开范围，现根据《中华人民共和国政府信息公开条例》第三十六条予以公开。`,
};

const FIRST_DAY = dayOf(2019, 1, 2);

/**
 * `count` disclosure items published between 2019 and the demo's today, about 10 % on request.
 *
 * @example
 * const items = generateDisclosureItems(r, 200); // items[0].publishedAt like '2020-12-04T09:27:11+08:00'
 */
export function generateDisclosureItems(r: Random, count: number): DisclosureItem[] {
  const out: DisclosureItem[] = [];
  for (let i = 0; i < count; i++) {
    const publisherCode = r.weighted<CatalogueDepartmentCode>({ bureau: 35, market: 25, housing: 20, health: 20 });
    const day = r.int(FIRST_DAY, DEMO_TODAY);
    const year = civilDateOfEpochDay(day).year;
    const onRequest = r.chance(0.1);
    const t = onRequest ? ON_REQUEST : r.pick(TEMPLATES);
    const vars: Vars = {
      dept: PUBLISHERS[publisherCode],
      // Plans and budgets are published for the current year, reports for the year before.
      year: t.category === '财政预决算' || t.category === '法治政府建设' ? year - 1 : year,
      month: r.pick(MONTHS),
      topic: r.pick(TOPICS),
      quarter: r.pick(['一', '二', '三', '四']),
      n: r.int(1, 120),
    };
    const minutes = r.int(9 * 60, 18 * 60);
    const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}`;
    out.push({
      id: `GK${year}${String(i + 1).padStart(6, '0')}`,
      title: t.title(vars),
      category: t.category,
      publisherCode,
      publishedAt: `${isoDate(day)}T${time}+08:00`,
      body: t.body(vars),
      mode: onRequest ? 'ON_REQUEST' : 'PROACTIVE',
    });
  }
  return out.sort((a, b) => (a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : 0));
}
