import { JSONPath } from 'jsonpath-plus';

/** Reads one value out of a JSON document: the first match of a path expression, or undefined. */
export type PathReader = (document: unknown) => unknown;

export interface PathOptions {
  /**
   * Read plain dotted keys (`data.rows`, `identifiers.0.value`, `$.单位名称`) by walking the
   * document directly instead of through the JSONPath engine. Same answers (a test holds them equal);
   * on by default because it is the common case and runs once per field per row.
   */
  fastPath?: boolean;
}

// Letters of any script, digits, `_` and `-`: keys JSONPath reads literally in dot notation.
const PLAIN = /^(?:\$\.)?[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)*$/u;

/** Whether an expression is a plain dotted key path, which the fast path reads. */
export function isPlainPath(expression: string): boolean {
  return PLAIN.test(expression) && !expression.split('.').includes('__proto__');
}

/**
 * Compiles a path expression once: JSONPath (jsonpath-plus, `$` optional, script filters in its safe
 * evaluator only), or a plain dotted key path walked directly. A path that matches several values
 * yields the first. Throws a SyntaxError naming the expression when it cannot be read.
 *
 * @example
 * const total = compilePath('data.total');
 * total({ code: 0, data: { total: 7, rows: [] } }); // 7
 * compilePath('certs[?(@.type=="USCC")].no')({ certs: [{ type: 'USCC', no: '9144…' }] }); // '9144…'
 */
export function compilePath(expression: string, options: PathOptions = {}): PathReader {
  if (expression.trim() === '') throw new SyntaxError('a path expression is empty');
  if ((options.fastPath ?? true) && isPlainPath(expression)) return plainReader(expression);
  // Rooted explicitly: jsonpath-plus caches parsed paths in a plain object, where a bare `constructor`
  // would find Object's own.
  const path = expression.startsWith('$') ? expression : /^[.[]/.test(expression) ? `$${expression}` : `$.${expression}`;
  const read: PathReader = (json) => {
    // jsonpath-plus gives no matches (undefined) for a null or primitive root: the same as no value.
    const found = JSONPath({ path, json: json as object, wrap: true, eval: 'safe' }) as unknown[] | undefined;
    return found?.[0];
  };
  try {
    read({ probe: [{ probe: 1 }] });
  } catch {
    throw new SyntaxError(`"${expression}" is not a path expression this hub can read`);
  }
  return read;
}

function plainReader(expression: string): PathReader {
  const keys = expression.replace(/^\$\./, '').split('.');
  if (keys.length === 1) {
    const [key] = keys as [string];
    return (node) => step(node, key);
  }
  return (document) => {
    let node = document;
    for (const key of keys) {
      node = step(node, key);
      if (node === undefined) return undefined;
    }
    return node;
  };
}

/** One key down, as JSONPath reads it: own properties only (of objects, arrays and even strings). */
function step(node: unknown, key: string): unknown {
  if (node === null || node === undefined) return undefined;
  if (typeof node === 'object') return Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
  // jsonpath-plus descends into non-empty strings too (`s.length`, `s.0`); kept so both readers agree.
  if (typeof node === 'string' && node !== '') return Object.hasOwn(Object(node), key) ? (node as unknown as Record<string, unknown>)[key] : undefined;
  return undefined;
}
