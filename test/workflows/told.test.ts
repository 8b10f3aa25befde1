/**
 * Every change is told, and the lock locks. The real state machine runs
 * locally (aws-local-stepfunctions) with the real handlers, the DynamoDB
 * incident store on dynalite, and the real Slack client against the
 * loopback Slack double. The lock is claimed with a DynamoDB conditional
 * write (DynamoDB developer guide, "condition expressions"); a Catch names
 * the error a Task failed with (Step Functions developer guide, "error
 * handling").
 */
import { describe, expect, it } from 'vitest';
import { recordingEfsPort } from '../../local/recorded-ports.ts';
import {
  type LocalPorts,
  type LocalTaskHandlers,
  type RunEvent,
  runLocal,
} from '../../local/state-machine-runner.ts';
import type { FileSystemDescription } from '../../shared/domain/aws-shapes.ts';
import type { EfsPort, IncidentStore } from '../../shared/domain/ports.ts';
import { SCENARIO_END, seedIncident } from '../fixtures/scenarios.ts';
import {
  doubleSlackPort,
  postedMessages,
  recordedRunPorts,
  useDynamoStores,
  useSlackDouble,
} from '../support/local-run.ts';

const APPROVER = 'U0LOCAL';

const stores = useDynamoStores('told');
const dynamoStore = stores.store;
const slack = useSlackDouble();

function setup(store: IncidentStore, efs?: EfsPort & { calls: unknown[] }) {
  const recording = seedIncident();
  const ports: LocalPorts & { efs: EfsPort & { calls: unknown[] } } = {
    ...recordedRunPorts(recording, {
      policy: 'approve',
      slack: doubleSlackPort(slack, 'xoxb-told'),
      store,
    }),
    efs: efs ?? recordingEfsPort(recording),
    approver: async () => ({ approved: true, by: APPROVER }),
  };
  return { recording, ports };
}

/** Every message text the Slack double received, blocks included. */
const posted = () => postedMessages(slack);

function entered(events: RunEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'entered' ? [e.state] : []));
}

describe('a change that a later failure follows', () => {
  it('tells the thread of the switch when the incident store fails right after it', async () => {
    // Prepare: DynamoDB answers nothing once UpdateFileSystem was called.
    const inner = await dynamoStore();
    const { ports } = setup(inner);
    const store = new Proxy(inner, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (ports.efs.calls.length > 0) {
            throw Object.assign(
              new Error('We currently do not have sufficient capacity'),
              {
                name: 'InternalServerError',
              },
            );
          }
          return value.apply(target, args);
        };
      },
    });
    const events: RunEvent[] = [];

    // Act
    const result = await runLocal(
      { fileSystemId: ports.config.fileSystems[0]?.fileSystemId },
      { ...ports, store },
      { onEvent: (e) => events.push(e) },
    );

    // Assess
    expect(ports.efs.calls).toHaveLength(1);
    expect(posted().some((m) => m.includes('Called: `UpdateFileSystem'))).toBe(
      true,
    );
    expect(entered(events)).toContain('Verify');
    // The store is still down when the run closes its manual incident:
    // that failure is told too, and the run ends failed.
    expect(posted().some((m) => m.includes('failed at Done'))).toBe(true);
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'InternalServerError',
    });
  });

  it('goes on to Verify when Remediate is retried after its switch', async () => {
    // Prepare: the Lambda service fails the invocation after the function
    // switched the file system; the Task's Retry runs it again.
    const { ports } = setup(await dynamoStore());
    const events: RunEvent[] = [];
    let invocations = 0;

    // Act
    const result = await runLocal(
      { fileSystemId: ports.config.fileSystems[0]?.fileSystemId },
      ports,
      {
        onEvent: (e) => events.push(e),
        wrapHandlers: (handlers) => ({
          ...handlers,
          Remediate: async (input) => {
            const out = await handlers.Remediate(input);
            invocations += 1;
            if (invocations === 1) {
              throw Object.assign(new Error('Lambda was unable to respond'), {
                name: 'Lambda.ServiceException',
              });
            }
            return out;
          },
        }),
      },
    );

    // Assess
    expect(invocations).toBe(2);
    expect(ports.efs.calls).toHaveLength(1);
    expect(entered(events)).toContain('Verify');
    const outcome = posted().find((m) => m.includes('Remediation'));
    expect(outcome).toMatch(/Remediation applied/);
    expect(outcome).not.toMatch(/already in Elastic mode/);
    expect(result.status).toBe('SUCCEEDED');
  });

  it('says UpdateFileSystem may have been called when Remediate times out after it', async () => {
    // Prepare: the function switched, then ran past its Task timeout.
    const { ports } = setup(await dynamoStore());

    // Act
    const result = await runLocal(
      { fileSystemId: ports.config.fileSystems[0]?.fileSystemId },
      ports,
      {
        wrapHandlers: (handlers) => ({
          ...handlers,
          Remediate: async (input) => {
            await handlers.Remediate(input);
            throw Object.assign(new Error('Task timed out'), {
              name: 'States.Timeout',
            });
          },
        }),
      },
    );

    // Assess
    expect(ports.efs.calls).toHaveLength(1);
    const told = posted().find((m) => m.includes('failed at Remediate'));
    expect(told).toContain('States.Timeout');
    expect(told).toMatch(/may have called `UpdateFileSystem/);
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });
});

/**
 * An EFS that accepts every UpdateFileSystem and keeps describing the file
 * system as it was: DescribeFileSystems is eventually consistent (EFS API
 * reference), so a second run may well read the old mode.
 */
function acceptingEfs(
  described: FileSystemDescription,
): EfsPort & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    async describeFileSystem() {
      return structuredClone(described);
    },
    async updateFileSystem(call) {
      calls.push(call);
      return {
        ...structuredClone(described),
        ThroughputMode: call.ThroughputMode,
      };
    },
  };
}

describe('two runs at once', () => {
  it('make exactly one UpdateFileSystem call between them', async () => {
    // Prepare: run A waits for its approval; meanwhile its incident is
    // resolved (its alarm stayed OK through the quiet period) and a new
    // alarm opens incident B. Both approvals arrive at the same moment, so
    // both runs reach Remediate together.
    const store = await dynamoStore();
    const recording = seedIncident();
    const efs = acceptingEfs(
      recording.describeFileSystems.FileSystems[0] as FileSystemDescription,
    );
    const { ports } = setup(store, efs);
    const fileSystemId = ports.config.fileSystems[0]?.fileSystemId as string;
    let release: () => void = () => undefined;
    const together = new Promise<void>((resolve) => {
      release = resolve;
    });
    let aWaiting: () => void = () => undefined;
    const aIsWaiting = new Promise<void>((resolve) => {
      aWaiting = resolve;
    });
    let remediations = 0;
    // Both runs are approved at once; run A's Remediate waits, after its
    // incident was resolved, until run B's Remediate starts.
    const wrapHandlers = (handlers: LocalTaskHandlers): LocalTaskHandlers => ({
      ...handlers,
      Remediate: async (input) => {
        remediations += 1;
        if (remediations === 1) {
          await store.resolve({ fileSystemId, at: SCENARIO_END.toISOString() });
          aWaiting();
          await together;
        } else {
          release();
        }
        return handlers.Remediate(input);
      },
    });
    const approver = async () => ({ approved: true, by: APPROVER });

    // Act
    const runA = runLocal(
      { fileSystemId },
      { ...ports, approver },
      { wrapHandlers },
    );
    await aIsWaiting;
    const runB = runLocal(
      { fileSystemId },
      { ...ports, approver },
      { wrapHandlers },
    );
    const [a, b] = await Promise.all([runA, runB]);

    // Assess
    expect([a.status, b.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const statuses = [a, b].map(
      (r) =>
        (r as { output: { remediation?: { status: string } } }).output
          .remediation?.status,
    );
    expect(statuses.sort()).toEqual(['applied', 'locked']);
    expect(efs.calls).toEqual([
      { FileSystemId: fileSystemId, ThroughputMode: 'elastic' },
    ]);
  });
});

describe('a file system EFS says does not exist', () => {
  /**
   * DescribeFileSystems answers FileSystemNotFound (404) for an id that
   * does not exist (EFS API reference, DescribeFileSystems errors); the
   * recording's EFS double with no file system raises it the same way as
   * the SDK adapter (FileSystemNotFoundError).
   */
  function gone(store: IncidentStore) {
    const missing = seedIncident();
    missing.describeFileSystems.FileSystems = [];
    return setup(store, recordingEfsPort(missing));
  }

  it('tells the thread and ends a manual incident with its run', async () => {
    // Prepare
    const store = await dynamoStore();
    const { ports } = gone(store);
    const fileSystemId = ports.config.fileSystems[0]?.fileSystemId as string;
    const events: RunEvent[] = [];

    // Act
    const result = await runLocal({ fileSystemId }, ports, {
      onEvent: (e) => events.push(e),
    });

    // Assess: Gather caught the branch's error; the run still fails with it.
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'FileSystemNotFoundError',
    });
    expect(entered(events)).toEqual(
      expect.arrayContaining(['GatherFailed', 'EndFailedRun', 'NotifyFailure']),
    );
    const messages = posted();
    expect(messages).toHaveLength(1);
    const told = messages[0] ?? '';
    expect(told).toContain(`failed at Gather* on ${fileSystemId}`);
    expect(told).toContain(
      `EFS says ${fileSystemId} does not exist (FileSystemNotFound)`,
    );
    expect(told).toContain('No change was made');
    expect(told).toMatch(/incident \S+ ended with this run/);
    expect(ports.efs.calls).toHaveLength(0);
    expect((await store.current(fileSystemId))?.status).toBe('resolved');
  });

  it("tells the thread and leaves an alarm's incident open for its alarms", async () => {
    // Prepare
    const store = await dynamoStore();
    const { recording, ports } = gone(store);
    const fileSystemId = recording.meta.fileSystemId;

    // Act
    const result = await runLocal(recording.trigger, ports);

    // Assess
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'FileSystemNotFoundError',
    });
    const told = posted();
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('does not exist (FileSystemNotFound)');
    expect(told[0]).toMatch(
      /incident \S+ stays open \(an alarm opened the incident: it ends when its alarms stay OK\)/,
    );
    const incident = await store.current(fileSystemId);
    expect(incident?.status).toBe('open');
    // The message starts the incident's thread, where its OK is told.
    expect(incident?.slackThreadTs).toBeTruthy();
  });
});
