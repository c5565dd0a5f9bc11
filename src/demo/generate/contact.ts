// Phones and addresses in Haizhu, and the ways departments write them.

import type { Random } from './random.js';

// Real Haizhu roads; house numbers and rooms are random, so no address is anyone's real one.
const ROADS = [
  '江南大道中',
  '江南大道南',
  '工业大道北',
  '工业大道中',
  '新港中路',
  '新港西路',
  '新港东路',
  '昌岗中路',
  '宝岗大道',
  '南华西路',
  '滨江东路',
  '滨江西路',
  '东晓路',
  '赤岗路',
  '琶洲大道',
  '石榴岗路',
  '南洲路',
  '前进路',
  '革新路',
  '同福中路',
  '江燕路',
  '广州大道南',
  '礼岗路',
  '敦和路',
  '叠景路',
  '上冲南约',
] as const;

export function road(r: Random): string {
  return r.pick(ROADS);
}

/** A canonical address: '广州市海珠区' + road + number + unit. */
export function address(r: Random): string {
  const unit = r.weighted({
    none: 3,
    room: 3,
    shop: 2,
    self: 1,
    block: 2,
  });
  const no = r.int(1, 1200);
  const tail =
    unit === 'none'
      ? ''
      : unit === 'room'
        ? `${r.int(1, 30)}0${r.int(1, 9)}房`
        : unit === 'shop'
          ? `首层${r.int(1, 40)}号铺`
          : unit === 'self'
            ? `自编${r.int(1, 30)}号`
            : `${r.int(1, 12)}栋${r.int(1, 30)}0${r.int(1, 9)}室`;
  return `广州市海珠区${road(r)}${no}号${tail}`;
}

/**
 * An address as one department wrote it: without 广州市 or 海珠区, with 广东省, or (rarely) with a
 * landmark after an ASCII comma, which CSV exports must quote.
 */
export function presentAddress(r: Random, addr: string, noiseShare: number, commaShare = 0): string {
  let out = addr;
  if (r.chance(noiseShare)) {
    const habit = r.int(0, 2);
    if (habit === 0) out = out.replace('广州市', '');
    else if (habit === 1) out = out.replace('广州市海珠区', '');
    else out = `广东省${out}`;
  }
  if (r.chance(commaShare)) out += `,近地铁站${r.pick(['A', 'B', 'C', 'D'])}出口`;
  return out;
}

const MOBILE_PREFIXES = ['138', '139', '135', '136', '137', '150', '158', '186', '188', '159', '177', '133'] as const;

/**
 * A canonical phone: mobile '13800123456' or landline '020-84123456'. Mobile numbers keep '00' in
 * positions 4–5, a block not handed to subscribers in the demo's imagination, so they look fake.
 */
export function phone(r: Random, mobileShare: number): string {
  if (r.chance(mobileShare)) return `${r.pick(MOBILE_PREFIXES)}00${r.chars('0123456789', 6)}`;
  return `020-${r.pick(['8', '3'])}${r.chars('0123456789', 7)}`;
}

/**
 * A phone as one department wrote it.
 *
 * @example
 * presentPhone(r, '13800123456', 1); // e.g. '+86 138 0012 3456'
 * presentPhone(r, '020-84123456', 1); // e.g. '(020)84123456'
 */
export function presentPhone(r: Random, tel: string, noiseShare: number): string {
  if (!r.chance(noiseShare)) return tel;
  if (tel.startsWith('020-')) {
    const local = tel.slice(4);
    switch (r.int(0, 5)) {
      case 0:
        return `020${local}`;
      case 1:
        return `(020)${local}`;
      case 2:
        return `（020）${local}`;
      case 3:
        return local;
      case 4:
        return `020 ${local.slice(0, 4)} ${local.slice(4)}`;
      default:
        return `+86 20 ${local.slice(0, 4)} ${local.slice(4)}`;
    }
  }
  switch (r.int(0, 3)) {
    case 0:
      return `+86 ${tel.slice(0, 3)} ${tel.slice(3, 7)} ${tel.slice(7)}`;
    case 1:
      return `+86${tel}`;
    case 2:
      return `${tel.slice(0, 3)}-${tel.slice(3, 7)}-${tel.slice(7)}`;
    default:
      return `${tel.slice(0, 3)} ${tel.slice(3, 7)} ${tel.slice(7)}`;
  }
}
