import { createHash } from 'node:crypto';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError, GraphQLScalarType, valueFromASTUntyped } from 'graphql';
import type { Kysely } from 'kysely';
import { parse as parseYaml } from 'yaml';
import { ErrorCode } from '../../schema/index.js';
import { createApiKey, upsertConsumer } from '../auth/api-keys.js';
import { scalarResolvers } from '../../schema/scalars.js';
import type { AuditLog } from '../../storage/audit-log/index.js';
import type { HubDatabase } from '../../storage/index.js';
import type { Subgraph } from '../../subgraphs/subgraph.js';
import { requireSteward, type GovernanceContext } from '../../subgraphs/governance/governance-context.js';
import { DepartmentChangeError, type DepartmentManager, type SpecCheck } from './department-manager.js';
import { purgeDepartmentRecords } from './purge-department.js';
import { registrySdl } from './registry-sdl.js';
import { listDepartments, specVersions, type DepartmentEntry } from './registry-store.js';

const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

/**
 * The registry's GraphQL face: stewards onboard, change, roll back, disable and enable departments
 * through the same checks as `huitong departments …`. Every change is audited (who, which department,
 * the spec's hash, whether it went live); a refused change answers BAD_USER_INPUT with every issue at
 * its spec path in `extensions.issues`.
 *
 * @example
 * createRegistrySubgraph({ db, manager: () => manager, audit });
 */
export function createRegistrySubgraph(options: { db: Kysely<HubDatabase>; manager: () => DepartmentManager; audit: Pick<AuditLog, 'append'> }): Subgraph {
  const { db } = options;
  const registration = async (entry: DepartmentEntry) => ({
    code: entry.code,
    name: entry.name,
    kind: entry.adapterKind,
    enabled: entry.enabled,
    activeVersion: entry.specVersion,
    versions: () => specVersions(db, entry.code),
  });
  const find = async (code: string) => {
    const entry = (await listDepartments(db)).find((d) => d.code === code);
    if (!entry) throw new GraphQLError(`no department ${code}`, { extensions: { code: ErrorCode.BAD_USER_INPUT, argument: 'code' } });
    return entry;
  };
  /** Runs a change as the steward, audits it whether it went live or not, and turns refusals into coded errors. */
  const change = async <T>(
    context: GovernanceContext & { requestId?: string },
    operation: string,
    department: string,
    input: unknown,
    run: () => Promise<T>,
  ): Promise<T> => {
    const steward = requireSteward(context);
    const audit = (outcome: 'released' | 'denied') =>
      options.audit.append({
        consumer: steward.id,
        consumerDepartment: steward.departmentCode,
        purpose: 'department-registry',
        operation: {
          name: operation,
          hash: createHash('sha256')
            .update(JSON.stringify(input ?? null))
            .digest('hex'),
        },
        released: [{ department, clearFields: [], maskedFields: [], recordIds: [] }],
        outcome,
        ...(outcome === 'denied' ? { denied: [`registry:${operation}`] } : {}),
        ...(context.requestId ? { requestId: context.requestId } : {}),
      });
    try {
      const result = await run();
      await audit('released');
      return result;
    } catch (error) {
      await audit('denied').catch(() => undefined);
      if (error instanceof DepartmentChangeError) {
        throw new GraphQLError(error.message, {
          extensions: { code: ErrorCode.BAD_USER_INPUT, department, ...(error.check ? { issues: error.check.issues, changes: error.check.changes } : {}) },
        });
      }
      throw error;
    }
  };
  const specInput = (spec: unknown) => {
    if (typeof spec !== 'string') return spec;
    try {
      return parseYaml(spec, { maxAliasCount: 50 }) as unknown;
    } catch (error) {
      throw new GraphQLError(`spec is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`, {
        extensions: { code: ErrorCode.BAD_USER_INPUT, argument: 'spec' },
      });
    }
  };
  const codeOf = (spec: unknown) => String((spec as { code?: unknown } | null)?.code ?? '');
  const changed = async ({ code, check }: { code: string; check: SpecCheck }) => ({ registration: registration(await find(code)), check });

  const schema = makeExecutableSchema({
    typeDefs: registrySdl,
    resolvers: {
      ...scalarResolvers,
      JSON: JSONScalar,
      Query: {
        departmentRegistrations: async (_: unknown, __: unknown, context: GovernanceContext) => {
          requireSteward(context);
          return Promise.all((await listDepartments(db)).map(registration));
        },
        departmentRegistration: async (_: unknown, { code }: { code: string }, context: GovernanceContext) => {
          requireSteward(context);
          const entry = (await listDepartments(db)).find((d) => d.code === code);
          return entry ? registration(entry) : null;
        },
      },
      Mutation: {
        validateDepartmentSpec: async (_: unknown, args: { spec: unknown; online: boolean }, context: GovernanceContext) => {
          requireSteward(context);
          return options.manager().validate(specInput(args.spec), { online: args.online });
        },
        addDepartment: async (_: unknown, args: { spec: unknown; note?: string | null }, context: GovernanceContext & { consumer?: { id: string } | null }) => {
          const spec = specInput(args.spec);
          return change(context, 'addDepartment', codeOf(spec), spec, async () => {
            const added = await options.manager().add(spec, { actor: context.consumer!.id, ...(args.note ? { note: args.note } : {}) });
            // The department's own credential, so it can read its data and ask for others' straight away.
            const consumer = `department-${added.code}`;
            await upsertConsumer(db, {
              id: consumer,
              name: String((spec as { name?: unknown }).name ?? added.code),
              kind: 'DEPARTMENT',
              departmentCode: added.code,
            });
            const { key } = await createApiKey(db, consumer);
            return { ...(await changed(added)), departmentKey: key };
          });
        },
        updateDepartment: async (
          _: unknown,
          args: { spec: unknown; note?: string | null; force: boolean },
          context: GovernanceContext & { consumer?: { id: string } | null },
        ) => {
          const spec = specInput(args.spec);
          return change(context, 'updateDepartment', codeOf(spec), spec, async () =>
            changed(await options.manager().update(spec, { actor: context.consumer!.id, force: args.force, ...(args.note ? { note: args.note } : {}) })),
          );
        },
        rollbackDepartment: async (
          _: unknown,
          args: { code: string; toVersion?: number | null; force: boolean },
          context: GovernanceContext & { consumer?: { id: string } | null },
        ) =>
          change(context, 'rollbackDepartment', args.code, args, async () =>
            changed(
              await options.manager().rollback(args.code, {
                actor: context.consumer!.id,
                force: args.force,
                ...(args.toVersion != null ? { toVersion: args.toVersion } : {}),
              }),
            ),
          ),
        disableDepartment: async (_: unknown, args: { code: string; purge: boolean }, context: GovernanceContext) =>
          change(context, args.purge ? 'disableDepartment+purge' : 'disableDepartment', args.code, args, async () => {
            await options.manager().disable(args.code);
            if (args.purge) await purgeDepartmentRecords(db, args.code);
            return registration(await find(args.code));
          }),
        enableDepartment: async (_: unknown, args: { code: string }, context: GovernanceContext) =>
          change(context, 'enableDepartment', args.code, args, async () => {
            await options.manager().enable(args.code);
            return registration(await find(args.code));
          }),
      },
    },
  });
  return { name: 'registry', sdl: registrySdl, schema };
}
