/**
 * Console links for the region and the partition. The hosts:
 *
 * - aws: `https://REGION.console.aws.amazon.com` (AWS General Reference,
 *   "AWS Management Console endpoints and quotas",
 *   https://docs.aws.amazon.com/general/latest/gr/mgmt-console.html);
 * - aws-cn: the China Regions' domain amazonaws.cn and their `arn:aws-cn`
 *   ARNs (https://docs.amazonaws.cn/en_us/aws/latest/userguide/ARNs.html),
 *   console `console.amazonaws.cn`;
 * - aws-us-gov: the GovCloud (US) console at amazonaws-us-gov.com
 *   (AWS GovCloud (US) User Guide, "IAM": signin.amazonaws-us-gov.com).
 */
import { describe, expect, it } from 'vitest';
import {
  alarmUrl,
  consoleLinks,
  consoleOrigin,
  executionUrl,
  fileSystemUrl,
  LANGFUSE_WRITER_QUERY,
  logsInsightsUrl,
  partitionOf,
} from '../../shared/domain/messages/console-links.ts';

const FS = 'fs-0123456789abcdef0';
const WINDOW = {
  start: '2026-11-23T00:12:00.000Z',
  end: '2026-11-23T03:12:00.000Z',
};

/** The console's own decoding of a query-detail value: `*` is `%`. */
function decodeValue(value: string): string {
  return decodeURIComponent(value.replace(/\*/g, '%'));
}

describe('console links', () => {
  it.each([
    ['us-east-1', 'aws', 'https://us-east-1.console.aws.amazon.com'],
    ['eu-west-3', 'aws', 'https://eu-west-3.console.aws.amazon.com'],
    ['cn-north-1', 'aws-cn', 'https://console.amazonaws.cn'],
    ['cn-northwest-1', 'aws-cn', 'https://console.amazonaws.cn'],
    ['us-gov-west-1', 'aws-us-gov', 'https://console.amazonaws-us-gov.com'],
    ['us-gov-east-1', 'aws-us-gov', 'https://console.amazonaws-us-gov.com'],
  ])('puts %s in partition %s on %s', (region, partition, origin) => {
    expect(partitionOf(region)).toBe(partition);
    expect(consoleOrigin(region)).toBe(origin);
    // Every page opens on the region, whatever the host.
    expect(fileSystemUrl(region, FS)).toBe(
      `${origin}/efs/home?region=${region}#/file-systems/${FS}`,
    );
  });

  it('links the alarm by its name, percent-encoded', () => {
    expect(alarmUrl('us-east-1', 'burstguard prod (credits)')).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/burstguard%20prod%20%28credits%29',
    );
  });

  it("opens the execution in the execution ARN's own region", () => {
    const arn =
      'arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:burstguard:run-1';

    expect(executionUrl(arn, 'us-east-1')).toBe(
      `https://console.amazonaws-us-gov.com/states/home?region=us-gov-west-1#/v2/executions/details/${encodeURIComponent(arn)}`,
    );
  });

  it('fills the Logs Insights query, the log groups and the window in', () => {
    // Act
    const url = logsInsightsUrl(
      'eu-west-1',
      ['/ecs/langfuse-worker', '/ecs/langfuse-worker-2'],
      WINDOW,
    );

    // Assess: the page, and each value as the console decodes it.
    expect(
      url.startsWith(
        'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:logs-insights$3FqueryDetail$3D~(',
      ),
    ).toBe(true);
    const values = [...url.matchAll(/~'([^~)]*)/g)].map((m) =>
      decodeValue(m[1] ?? ''),
    );
    expect(values).toEqual([
      WINDOW.end,
      WINDOW.start,
      'ABSOLUTE',
      'UTC',
      LANGFUSE_WRITER_QUERY,
      '/ecs/langfuse-worker',
      '/ecs/langfuse-worker-2',
    ]);
    // Nothing that would end a Slack link or start an entity.
    expect(url).not.toMatch(/[\s<>|&]/);
  });

  it('lists the alarm, file system, execution and logs links in that order', () => {
    const links = consoleLinks({
      region: 'us-east-1',
      fileSystemId: FS,
      alarmName: 'credits-low',
      executionArn:
        'arn:aws:states:us-east-1:123456789012:execution:burstguard:run-1',
      logGroups: ['/ecs/langfuse-worker'],
      window: WINDOW,
    });

    expect(links.map((l) => l.label)).toEqual([
      'alarm',
      'file system',
      'execution',
      'Langfuse logs',
    ]);
  });

  it('leaves out the links it has nothing for', () => {
    const links = consoleLinks({ region: 'us-east-1', fileSystemId: FS });

    expect(links.map((l) => l.label)).toEqual(['file system']);
  });
});
