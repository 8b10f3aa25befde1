/**
 * What the tests of whole runs share: a loopback Slack double per test,
 * DynamoDB tables on one dynalite per file, and the ports of a local run
 * that replays a recording (the real state machine and handlers, the real
 * Slack client against the double).
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { configForRecording } from '../../local/evidence.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import {
  recordingClickHousePort,
  recordingEfsPort,
  recordingMetricsPort,
} from '../../local/recorded-ports.ts';
import type { Recording } from '../../local/recording-format.ts';
import type { LocalPorts } from '../../local/state-machine-runner.ts';
import { createDynamoIncidentStore } from '../../shared/adapters/dynamo-incident-store.ts';
import {
  createSlackPort,
  createSlackWebClient,
} from '../../shared/adapters/slack.ts';
import type {
  AlarmStateValue,
  IncidentStore,
  RecoveryStore,
  SlackPort,
} from '../../shared/domain/ports.ts';
import { SCENARIO_END } from '../fixtures/scenarios.ts';
import { type LocalDynamo, startDynalite } from './dynalite.ts';
import { type SlackDouble, startSlackDouble } from './slack-double.ts';

/**
 * Starts a Slack double before each test of the file and closes it after.
 * The object answers for the current test's double.
 */
export function useSlackDouble(): SlackDouble {
  let current: SlackDouble | undefined;
  beforeEach(async () => {
    current = await startSlackDouble();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return new Proxy({} as SlackDouble, {
    get(_, key) {
      if (!current) throw new Error('the Slack double runs only in a test');
      const value = Reflect.get(current, key);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}

/** Incident stores on dynalite, one fresh table each, for one test file. */
export type DynamoStores = {
  /** The running dynalite (for raw reads of a table). */
  readonly dynamo: LocalDynamo;
  /** A store on a new, empty table, and the table's name. */
  table(): Promise<{
    store: IncidentStore & RecoveryStore;
    tableName: string;
  }>;
  /** A store on a new, empty table. */
  store(): Promise<IncidentStore & RecoveryStore>;
};

/** Starts dynalite before the file's tests and stops it after them. */
export function useDynamoStores(prefix: string): DynamoStores {
  let dynamo: LocalDynamo | undefined;
  let tables = 0;
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo?.close();
  });
  const running = () => {
    if (!dynamo) throw new Error('dynalite runs only in a test');
    return dynamo;
  };
  const table = async () => {
    tables += 1;
    const tableName = `${prefix}-${tables}`;
    await running().createTable(tableName, 'fileSystemId');
    const store = createDynamoIncidentStore({
      client: running().documentClient,
      tableName,
    });
    return { store, tableName };
  };
  return {
    get dynamo() {
      return running();
    },
    table,
    store: async () => (await table()).store,
  };
}

/** Slack's Web API through the real client, pointed at the double. */
export function doubleSlackPort(
  slack: SlackDouble,
  token: string,
  options?: Parameters<typeof createSlackPort>[1],
): ReturnType<typeof createSlackPort> {
  return createSlackPort(
    createSlackWebClient({ token, slackApiUrl: slack.url, timeoutMs: 2_000 }),
    options,
  );
}

/**
 * The ports of a local run that replays `recording` at `now`: its EFS,
 * metrics and ClickHouse answers, a configuration under `policy`, an
 * in-memory store unless one is given.
 */
export function recordedRunPorts(
  recording: Recording,
  options: {
    policy: 'off' | 'approve' | 'auto';
    /** The clock: the seed incident's end unless given. */
    now?: Date | (() => Date);
    slack: SlackPort;
    store?: IncidentStore;
    alarmNames?: string[];
  },
): LocalPorts {
  const now = options.now ?? SCENARIO_END;
  return {
    config: configForRecording(recording, {
      policy: options.policy,
      ...(options.alarmNames ? { alarmNames: options.alarmNames } : {}),
    }),
    clock: { now: typeof now === 'function' ? now : () => now },
    efs: recordingEfsPort(recording),
    metrics: recordingMetricsPort(recording),
    clickhouseFor: () => recordingClickHousePort(recording),
    slack: options.slack,
    store: options.store ?? createMemoryIncidentStore(),
  };
}

/** Every chat.postMessage the double received: its text, then its blocks. */
export function postedMessages(slack: SlackDouble): string[] {
  return slack.calls
    .filter((c) => c.method === 'chat.postMessage')
    .map((c) => `${String(c.body.text)}\n${JSON.stringify(c.body.blocks)}`);
}

/**
 * DescribeAlarms' answer for `names` from the states a test set: alarms it
 * never set are left out, as CloudWatch leaves out names it does not know.
 */
export function alarmStatesOf(
  states: Record<string, AlarmStateValue>,
  names: readonly string[],
): Record<string, AlarmStateValue> {
  return Object.fromEntries(
    names.flatMap((n) => (states[n] ? [[n, states[n]]] : [])),
  );
}
