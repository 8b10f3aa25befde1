/**
 * The Slack interactions endpoint (a Lambda function URL): Approve and
 * Decline on the approval card and on the recovery offer. The signature is
 * checked before anything else; then the waiting RequestApproval (or
 * OfferRecovery) task is answered.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type {
  APIGatewayProxyResultV2,
  LambdaFunctionURLEvent,
} from 'aws-lambda';
import type { IncidentStore } from '../../shared/domain/ports.ts';
import { type ApprovalPorts, handleApprovalInteraction } from './core.ts';

export type SlackInteractionsPorts = ApprovalPorts & {
  store: Pick<IncidentStore, 'claimApprovalToken' | 'settleApprovalToken'>;
  signingSecret: string;
  approvers: readonly string[];
  /** Origins a `response_url` may have (Slack's unless set). */
  responseUrlOrigins?: readonly string[];
  nowSeconds: () => number;
};

/** The function URL handler. */
export function createSlackInteractionsHandler(
  ports: SlackInteractionsPorts,
  logger: Logger,
) {
  return middy<LambdaFunctionURLEvent, APIGatewayProxyResultV2>()
    .use(injectLambdaContext(logger, { clearState: true }))
    .handler(async (event) => {
      const rawBody = event.isBase64Encoded
        ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
        : (event.body ?? '');
      const response = await handleApprovalInteraction(
        {
          headers: event.headers ?? {},
          rawBody,
          nowSeconds: ports.nowSeconds(),
        },
        {
          signingSecret: ports.signingSecret,
          approvers: ports.approvers,
          ...(ports.responseUrlOrigins
            ? { responseUrlOrigins: ports.responseUrlOrigins }
            : {}),
        },
        ports,
      );
      const level = response.statusCode >= 400 ? 'warn' : 'info';
      logger[level]('slack interaction', {
        outcome: response.outcome,
        detail: response.detail,
      });
      return {
        statusCode: response.statusCode,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: response.body,
      };
    });
}
