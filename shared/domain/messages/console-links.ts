/**
 * Links into the AWS console for an incident: the alarm, the file system,
 * the Step Functions execution, and a CloudWatch Logs Insights query of
 * the Langfuse worker's log groups over the incident's window. Pure: built
 * from the region, ids and times alone.
 *
 * The console's host differs by partition:
 *
 * - `aws`: one endpoint per Region, `https://REGION.console.aws.amazon.com`
 *   (AWS General Reference, "AWS Management Console endpoints and quotas",
 *   https://docs.aws.amazon.com/general/latest/gr/mgmt-console.html);
 * - `aws-cn` (Beijing `cn-north-1`, Ningxia `cn-northwest-1`): the China
 *   Regions' own domain, `amazonaws.cn`, console `console.amazonaws.cn`
 *   (Getting Started with AWS in China, "General information" and "ARNs",
 *   https://docs.amazonaws.cn/en_us/aws/latest/userguide/general-info.html);
 * - `aws-us-gov` (`us-gov-west-1`, `us-gov-east-1`): the GovCloud (US)
 *   console, `console.amazonaws-us-gov.com`, signed in through
 *   `signin.amazonaws-us-gov.com` (AWS GovCloud (US) User Guide,
 *   https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/govcloud-iam.html).
 *
 * Every page takes `?region=` (the console opens on that Region); the
 * page itself is named in the fragment, as the console writes its own
 * addresses.
 */

import { partitionOfRegion } from '../aws-partition.ts';

/** The AWS partitions burstguard can run in. */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

/**
 * The partition of a Region whose console burstguard links to; Regions of
 * the other partitions (the isolated ones) are linked as commercial ones.
 */
export function partitionOf(region: string): Partition {
  const partition = partitionOfRegion(region);
  return partition === 'aws-cn' || partition === 'aws-us-gov'
    ? partition
    : 'aws';
}

/** The console's origin for a Region. */
export function consoleOrigin(region: string): string {
  const r = encodeURIComponent(region);
  switch (partitionOf(region)) {
    case 'aws-cn':
      return 'https://console.amazonaws.cn';
    case 'aws-us-gov':
      return 'https://console.amazonaws-us-gov.com';
    default:
      return `https://${r}.console.aws.amazon.com`;
  }
}

function page(region: string, service: string, fragment: string): string {
  return `${consoleOrigin(region)}/${service}/home?region=${encodeURIComponent(region)}#${fragment}`;
}

/** The CloudWatch alarm's page. */
export function alarmUrl(region: string, alarmName: string): string {
  return page(region, 'cloudwatch', `alarmsV2:alarm/${strict(alarmName)}`);
}

/** The EFS file system's page (its throughput mode and metrics). */
export function fileSystemUrl(region: string, fileSystemId: string): string {
  return page(region, 'efs', `/file-systems/${strict(fileSystemId)}`);
}

/**
 * The Step Functions execution's page. The Region is the ARN's own
 * (`arn:PARTITION:states:REGION:ACCOUNT:execution:MACHINE:NAME`), so the
 * link opens where the execution ran.
 */
export function executionUrl(
  executionArn: string,
  fallbackRegion: string,
): string {
  const region = executionArn.split(':')[3] || fallbackRegion;
  return page(
    region,
    'states',
    `/v2/executions/details/${strict(executionArn)}`,
  );
}

/**
 * The Logs Insights query that lists Langfuse's ClickHouse writer lines
 * (`ClickhouseWriter`, `Max attempts reached`; langfuse/langfuse,
 * worker/src/services/ClickhouseWriter/index.ts) in the log groups.
 */
export const LANGFUSE_WRITER_QUERY =
  'fields @timestamp, @message, @logStream | filter @message like /ClickhouseWriter|Max attempts reached|ClickHouse Writer failed/ | sort @timestamp desc | limit 1000';

/**
 * A Logs Insights page with the query, the log groups and the absolute
 * window filled in. This is the address the console itself writes when a
 * query is shared (not a documented API): the query details are a
 * `~(key~'value…)` list inside the fragment, each value percent-encoded
 * with `*` standing for `%`, and `?queryDetail=` itself encoded with `$`
 * for `%`.
 */
export function logsInsightsUrl(
  region: string,
  logGroups: readonly string[],
  window: { start: string; end: string },
  query: string = LANGFUSE_WRITER_QUERY,
): string {
  const value = (text: string) => `'${strict(text).replace(/%/g, '*')}`;
  const sources = logGroups.map((g) => `~${value(g)}`).join('');
  const detail = `~(end~${value(window.end)}~start~${value(window.start)}~timeType~'ABSOLUTE~tz~'UTC~editorString~${value(query)}~source~(${sources}))`;
  return page(
    region,
    'cloudwatch',
    `logsV2:logs-insights$3FqueryDetail$3D${detail}`,
  );
}

/**
 * encodeURIComponent, and also `!'()*~`, which it leaves as they are but
 * which the console's query details use as delimiters.
 */
function strict(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*~]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** What the links of an incident are built from. */
export type LinkSubject = {
  region: string;
  fileSystemId: string;
  /** The alarm that started the run, when an alarm did. */
  alarmName?: string;
  executionArn?: string;
  /** The Langfuse worker's log groups, as configured. */
  logGroups?: readonly string[];
  window?: { start: string; end: string };
};

/** The incident's links, in the order a person opens them. */
export function consoleLinks(
  subject: LinkSubject,
): { label: string; url: string }[] {
  const links: { label: string; url: string }[] = [];
  if (subject.alarmName) {
    links.push({
      label: 'alarm',
      url: alarmUrl(subject.region, subject.alarmName),
    });
  }
  links.push({
    label: 'file system',
    url: fileSystemUrl(subject.region, subject.fileSystemId),
  });
  if (subject.executionArn) {
    links.push({
      label: 'execution',
      url: executionUrl(subject.executionArn, subject.region),
    });
  }
  if (subject.logGroups?.length && subject.window) {
    links.push({
      label: 'Langfuse logs',
      url: logsInsightsUrl(subject.region, subject.logGroups, subject.window),
    });
  }
  return links;
}
