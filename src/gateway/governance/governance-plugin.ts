import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Logger } from '../../logging/logger.js';
import { ErrorCode } from '../../schema/index.js';
import type { AuditLog } from '../../storage/audit-log/index.js';
import { phasesOf } from '../../subgraphs/phase-context.js';
import type { HubContext } from '../hub-context.js';
import type { Grant } from './access-decision.js';
import { orderErrorsByField } from './error-order.js';
import { RequestGovernance } from './request-governance.js';

export interface GovernancePluginOptions {
  audit: Pick<AuditLog, 'append'>;
  /** The live grants of a consumer (read once per request that declares a purpose). */
  grants(consumerId: string, at: Date): Promise<readonly Grant[]>;
  /** Whether a purpose code is in the catalogue. */
  purposeExists(code: string): Promise<boolean>;
  logger: Logger;
}

/**
 * Sets up each request's governance once its operation is known (the declared purpose checked against
 * the catalogue, the consumer's grants read once), puts the response's errors in the order of their
 * fields (never of their timing), and writes the request's audit event before the response leaves. If the event cannot be written, the response is replaced by an AUDIT_UNAVAILABLE
 * error: data whose release cannot be proven is not released.
 *
 * @example
 * startHttpServer({ …, plugins: [governancePlugin({ audit, grants, purposeExists, logger })] });
 */
export function governancePlugin(options: GovernancePluginOptions): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue }) {
          const phases = phasesOf(contextValue);
          const start = phases ? performance.now() : 0;
          const { consumer, purpose } = contextValue;
          if (purpose !== null && !(await options.purposeExists(purpose))) {
            throw new GraphQLError(`purpose ${purpose} is not in the purpose catalogue; list the codes with the purposes query`, {
              extensions: { code: ErrorCode.BAD_USER_INPUT, header: 'x-purpose', http: { status: 400 } },
            });
          }
          // Grants only ever count for a declared purpose, and a steward needs none.
          const grants = consumer && consumer.kind !== 'STEWARD' && purpose ? await options.grants(consumer.id, new Date()) : [];
          contextValue.governance = new RequestGovernance({ consumer, purpose, grants });
          if (phases) phases.add('governance', performance.now() - start);
        },
        async willSendResponse({ contextValue, response, source, operationName }) {
          const governance = contextValue.governance;
          if (!governance) return;
          const phases = phasesOf(contextValue);
          const start = phases ? performance.now() : 0;
          const result = response.body.kind === 'single' ? response.body.singleResult : null;
          if (result?.errors && result.errors.length > 1) result.errors = orderErrorsByField(result.errors, result.data);
          const event = governance.auditEvent(
            {
              name: operationName ?? null,
              hash: createHash('sha256')
                .update(source ?? '')
                .digest('hex'),
            },
            contextValue.requestId,
            contextValue.departmentErrors.length,
          );
          if (!event) {
            if (phases) phases.add('audit', performance.now() - start);
            return;
          }
          try {
            await options.audit.append(event);
            // The append may end after the response was handed over: the request's wall time reaches it.
            if (phases) {
              phases.add('audit', performance.now() - start);
              phases.reach(performance.now());
            }
          } catch (error) {
            options.logger.error({ requestId: contextValue.requestId, err: { message: (error as Error).message } }, 'audit write failed; response withheld');
            response.http.status = 503;
            response.body = {
              kind: 'single',
              singleResult: {
                errors: [
                  {
                    message: 'the audit trail could not be written, so no data was released; try again later',
                    extensions: { code: ErrorCode.AUDIT_UNAVAILABLE, requestId: contextValue.requestId },
                  },
                ],
              },
            };
          }
        },
      };
    },
  };
}
