import type { ValidationRule } from 'graphql';
import type { HubPlugin } from './hub-plugin.js';

/**
 * Validation rules of the caller's (e.g. the hub's reserved aliases), run after those of the plugins before it.
 *
 * @example
 * const plugins = [useAbuseLimits({ production: true }), useValidationRules([reservedAliasesRule])];
 */
export const useValidationRules = (rules: ValidationRule[]): HubPlugin => ({ validationRules: rules });
