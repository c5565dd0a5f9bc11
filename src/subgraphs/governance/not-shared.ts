import { badUserInput } from '../../schema/index.js';

/**
 * Refuses a request or grant that names a 不予共享 (NONE) field, or a whole type holding one: such a field
 * never leaves its owning department, so a grant on it would promise what the gateway never releases.
 * The BAD_USER_INPUT error names the field and its class (`extensions.field`, `shareLevel: 'NONE'`).
 *
 * @example
 * refuseNotShared(['Permit.rawStatus'], new Set(['Permit.rawStatus']), 'input.fields');
 * // throws: "Permit.rawStatus is 不予共享 (NONE): it is never shared, so no request or grant may name it"
 */
export function refuseNotShared(fields: readonly string[], notShared: ReadonlySet<string>, argument: string): void {
  for (const field of fields) {
    if (notShared.has(field)) {
      throw badUserInput(`${field} is 不予共享 (NONE): it is never shared, so no request or grant may name it`, { argument, field, shareLevel: 'NONE' });
    }
    // A whole type covers every field of it, the not-shared ones included: name the fields wanted instead.
    const held = [...notShared].sort().find((coordinate) => coordinate.startsWith(`${field}.`));
    if (held) {
      throw badUserInput(`${field} holds ${held}, which is 不予共享 (NONE): name the fields wanted instead of the whole type`, {
        argument,
        field: held,
        type: field,
        shareLevel: 'NONE',
      });
    }
  }
}
