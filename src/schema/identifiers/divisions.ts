// Administrative division codes (GB/T 2260): the first two digits name a province-level division. Only
// that level is checked: codes below it are historical and many are no longer in use, and a resident ID
// is never invalid because its area was renamed or merged. The check is used to tell a USCC from a
// resident ID that passes both check characters, never to reject a number outright.

/**
 * Province-level codes: the 31 mainland provinces, autonomous regions and municipalities, Taiwan (71),
 * Hong Kong (81) and Macao (82), and 83, which residence permits for Taiwan residents carry.
 */
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
]);

/**
 * Whether two characters are a province-level division code, as a resident ID's first two digits are.
 *
 * @example
 * isProvinceCode('44'); // true (广东省)
 * isProvinceCode('91'); // false
 */
export function isProvinceCode(code: string): boolean {
  return PROVINCES.has(code);
}

/**
 * Whether six characters can be a GB/T 2260 division: six digits under a known province-level code
 * (or `100000`, the national level at which central bodies are registered).
 *
 * @example
 * isPlausibleDivision('440105'); // true (海珠区)
 * isPlausibleDivision('010519'); // false (no province 01)
 */
export function isPlausibleDivision(code: string): boolean {
  return /^\d{6}$/.test(code) && (PROVINCES.has(code.slice(0, 2)) || code === '100000');
}
