// The structure GB 32100-2015 gives a USCC besides its check character: character 1 is the registering
// authority, character 2 the organisation category that authority registers (table 1 of the standard,
// with the codes added since for the military establishment office, A, and agriculture, N), characters
// 3–8 the authority's administrative division, characters 9–17 the organisation code (GB 11714) with its
// own check character.

import { isPlausibleDivision } from './divisions.js';
import { isValidOrgCode } from './org-code.js';

/** Registering authority → the organisation categories it registers. */
export const USCC_CATEGORIES: Readonly<Record<string, string>> = {
  '1': '1239', // 机构编制: 机关, 事业单位, 编办直接管理机构编制的群众团体, 其他
  '2': '19', // 外交: 外国常驻新闻机构, 其他
  '3': '123459', // 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
  '4': '19', // 文化: 外国在华文化中心, 其他
  '5': '1239', // 民政: 社会团体, 民办非企业单位, 基金会, 其他
  '6': '129', // 旅游: 外国旅游部门常驻代表机构, 港澳台地区旅游部门常驻内地(大陆)代表机构, 其他
  '7': '129', // 宗教: 宗教活动场所, 宗教院校, 其他
  '8': '19', // 工会: 基层工会, 其他
  '9': '123', // 工商 (市场监管): 企业, 个体工商户, 农民专业合作社
  A: '19', // 中央军委改革和编制办公室: 军队事业单位, 其他
  N: '1239', // 农业: 组级, 村级, 乡镇级集体经济组织, 其他
  Y: '1', // 其他
};

/**
 * Whether an 18-character string has the structure of a USCC beyond its check character: a registering
 * authority and a category it registers, a plausible division, and a valid embedded organisation code.
 * `91350200776049653A` has it; a resident ID that happens to pass the USCC check almost never does
 * (its first two digits are a province code, its characters 3–8 are not a division).
 *
 * @example
 * hasUsccStructure('91350200776049653A'); // true
 * hasUsccStructure('44010519900101123X'); // false (authority 4 registers no category 4)
 */
export function hasUsccStructure(value: string): boolean {
  if (value.length !== 18) return false;
  const categories = USCC_CATEGORIES[value.charAt(0)];
  return categories !== undefined && categories.includes(value.charAt(1)) && isPlausibleDivision(value.slice(2, 8)) && isValidOrgCode(value.slice(8, 17));
}
