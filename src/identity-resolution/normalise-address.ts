// Addresses: the same place is written with or without 广东省广州市海珠区, with full-width or
// Chinese-numeral numbers (三楼, 一〇二室, 一百二十三号), spaces and punctuation.

import { stripRegions } from './company-name.js';
import { foldText } from './text-fold.js';

const DIGIT_OF = new Map<string, number>([
  ['〇', 0],
  ['零', 0],
  ['一', 1],
  ['二', 2],
  ['两', 2],
  ['三', 3],
  ['四', 4],
  ['五', 5],
  ['六', 6],
  ['七', 7],
  ['八', 8],
  ['九', 9],
]);
const UNIT_OF = new Map<string, number>([
  ['十', 10],
  ['百', 100],
  ['千', 1000],
]);
// A numeral is only rewritten before a counter word, so 三元里 or 五羊新城 keep their names.
const COUNTERS = new Set(['号', '栋', '楼', '层', '室', '座', '巷', '弄', '幢', '单', '街', '铺', '房', '之', '期', '区', '排', '档', '横']);

/** Value of a run of Chinese numerals: positional (一〇二 = 102) or with units (一百二十三 = 123). */
function numeralValue(run: string): number {
  let hasUnit = false;
  for (const ch of run) if (UNIT_OF.has(ch)) hasUnit = true;
  if (!hasUnit) {
    let n = 0;
    for (const ch of run) n = n * 10 + DIGIT_OF.get(ch)!;
    return n;
  }
  let total = 0;
  let digit = 0;
  for (const ch of run) {
    const unit = UNIT_OF.get(ch);
    if (unit === undefined) digit = DIGIT_OF.get(ch)!;
    else {
      total += (digit === 0 ? 1 : digit) * unit; // 十二 = 12
      digit = 0;
    }
  }
  return total + digit;
}

/**
 * The comparison form of an address: folded text, no leading province/city/district, numbers as
 * Arabic digits before counter words.
 *
 * @example
 * normaliseAddress('廣東省廣州市海珠區 新港中路 一百二十三號 三樓'); // '新港中路123号3楼'
 * normaliseAddress('新港中路１２３号３楼');                         // '新港中路123号3楼'
 */
export function normaliseAddress(raw: string): string {
  const folded = stripRegions(foldText(raw), true).rest;
  let out = '';
  let run = '';
  for (const ch of folded) {
    if (DIGIT_OF.has(ch) || UNIT_OF.has(ch)) {
      run += ch;
      continue;
    }
    if (run) {
      out += COUNTERS.has(ch) ? String(numeralValue(run)) : run;
      run = '';
    }
    out += ch;
  }
  return out + run;
}
