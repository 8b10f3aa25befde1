import { describe, expect, it } from 'vitest';
import {
  type RemediateInput,
  remediate,
  waitUntilFrom,
} from '../../functions/remediate/core.ts';
import { createMemoryIncidentStore } from '../../shared/adapters/memory-incident-store.ts';
import type { FileSystemDescription } from '../../shared/aws-shapes.ts';
import type { EfsPort } from '../../shared/ports.ts';
import { FS_ID, OTHER_FS_ID } from '../fixtures/alarm-events.ts';
import { testConfig } from '../fixtures/config.ts';

const now = new Date('2026-11-23T03:20:00Z');

function fakeEfs(
  description: Partial<FileSystemDescription> = {},
  failWith?: Error,
): EfsPort & { calls: unknown[] } {
  const calls: unknown[] = [];
  const fs = {
    FileSystemId: FS_ID,
    LifeCycleState: 'available',
    PerformanceMode: 'generalPurpose',
    ThroughputMode: 'bursting',
    SizeInBytes: { Value: 3.6 * 1024 ** 3 },
    ...description,
  } as FileSystemDescription;
  return {
    calls,
    async describeFileSystem() {
      return fs;
    },
    async updateFileSystem(call) {
      calls.push(call);
      if (failWith) throw failWith;
      return { ...fs, ThroughputMode: call.ThroughputMode };
    },
  };
}

function input(overrides: {
  fileSystemId?: string;
  policy?: 'off' | 'approve' | 'auto';
  dryRun?: boolean;
  action?: 'switch-to-elastic' | 'investigate';
  approval?: { approved: boolean; by?: string };
  approvalError?: { Error: string; Cause?: string };
}): RemediateInput {
  const fileSystemId = overrides.fileSystemId ?? FS_ID;
  return {
    trigger: {
      kind: 'manual',
      fileSystemId,
      region: 'us-east-1',
      state: 'ALARM',
      triggeredAt: now.toISOString(),
      windowMinutes: 180,
      windowStart: '2026-11-23T00:20:00.000Z',
      windowEnd: now.toISOString(),
      dryRun: overrides.dryRun ?? false,
      policy: overrides.policy ?? 'approve',
    },
    incident: {
      incidentId: `${fileSystemId}/x`,
      fileSystemId,
      openedAt: now.toISOString(),
      next: 'diagnose',
      triggers: 1,
    },
    gathered: [] as never,
    result: {
      diagnosis: {} as never,
      recommendation: {
        action: overrides.action ?? 'switch-to-elastic',
        summary: 's',
        costs: [],
        caveats: [],
      },
      decision: { next: 'remediate', reason: 'r' },
    },
    notification: { delivered: true, channel: '#c', messages: [] },
    ...(overrides.approval ? { approval: overrides.approval } : {}),
    ...(overrides.approvalError
      ? { approvalError: overrides.approvalError }
      : {}),
  };
}

function ports(efs: EfsPort, store = createMemoryIncidentStore()) {
  return { efs, store, clock: { now: () => now }, config: testConfig() };
}

const approved = { approved: true, by: 'U01APPROVER' };

describe('remediate', () => {
  it('switches an approved, allowlisted file system to elastic and records it', async () => {
    const efs = fakeEfs();
    const store = createMemoryIncidentStore();
    const out = await remediate(
      input({ approval: approved }),
      ports(efs, store),
    );
    expect(out).toMatchObject({
      status: 'applied',
      call: { FileSystemId: FS_ID, ThroughputMode: 'elastic' },
      approvedBy: 'U01APPROVER',
    });
    expect(efs.calls).toEqual([
      { FileSystemId: FS_ID, ThroughputMode: 'elastic' },
    ]);
    expect(await store.lastModeChange(FS_ID)).toBe(now.toISOString());
  });

  it('prints the exact call on a dry run and changes nothing', async () => {
    const efs = fakeEfs();
    const out = await remediate(input({ dryRun: true }), ports(efs));
    expect(out).toMatchObject({
      status: 'dry-run',
      call: { FileSystemId: FS_ID, ThroughputMode: 'elastic' },
    });
    expect(efs.calls).toEqual([]);
  });

  it('does nothing when the file system is already elastic', async () => {
    const efs = fakeEfs({ ThroughputMode: 'elastic' });
    const out = await remediate(input({ approval: approved }), ports(efs));
    expect(out.status).toBe('already-done');
    expect(efs.calls).toEqual([]);
  });

  it('refuses a file system that is not on the allowlist', async () => {
    const efs = fakeEfs({ FileSystemId: OTHER_FS_ID });
    const out = await remediate(
      input({ fileSystemId: OTHER_FS_ID, policy: 'auto' }),
      ports(efs),
    );
    expect(out).toMatchObject({ status: 'refused' });
    expect(out.reason).toMatch(/not on the remediation allowlist/);
    expect(efs.calls).toEqual([]);
  });

  it('refuses while the file system is not available', async () => {
    const efs = fakeEfs({ LifeCycleState: 'updating' });
    const out = await remediate(input({ approval: approved }), ports(efs));
    expect(out.status).toBe('refused');
    expect(out.reason).toMatch(/LifeCycleState is updating/);
    expect(efs.calls).toEqual([]);
  });

  it('refuses a decline and an approver who is not on the list', async () => {
    const efs = fakeEfs();
    const declined = await remediate(
      input({ approval: { approved: false, by: 'U01APPROVER' } }),
      ports(efs),
    );
    expect(declined).toMatchObject({
      status: 'refused',
      reason: 'declined by U01APPROVER',
    });
    const stranger = await remediate(
      input({ approval: { approved: true, by: 'U0STRANGER' } }),
      ports(efs),
    );
    expect(stranger.status).toBe('refused');
    expect(stranger.reason).toMatch(/not on the approvers list/);
    expect(efs.calls).toEqual([]);
  });

  it('reports an approval that timed out without changing anything', async () => {
    const efs = fakeEfs();
    const out = await remediate(
      input({ approvalError: { Error: 'States.Timeout' } }),
      ports(efs),
    );
    expect(out).toMatchObject({
      status: 'not-attempted',
      reason: 'nobody approved within 1 h',
    });
    expect(efs.calls).toEqual([]);
  });

  it('keeps to one change per file system per 24 h', async () => {
    const efs = fakeEfs();
    const store = createMemoryIncidentStore();
    await store.recordModeChange({
      fileSystemId: FS_ID,
      at: '2026-11-22T10:00:00.000Z',
    });
    const out = await remediate(
      input({ approval: approved }),
      ports(efs, store),
    );
    expect(out).toMatchObject({
      status: 'locked',
      retryAfter: '2026-11-23T10:00:00.000Z',
    });
    expect(efs.calls).toEqual([]);
  });

  it('reads the Wait until time from TooManyRequests and does not retry', async () => {
    const error = Object.assign(
      new Error(
        'You have reached the maximum number of throughput mode changes or provisioned throughput value decreases. Wait until 2026-11-24T01:02:03Z UTC and try again.',
      ),
      { name: 'TooManyRequests' },
    );
    const efs = fakeEfs({}, error);
    const out = await remediate(input({ approval: approved }), ports(efs));
    expect(out).toMatchObject({
      status: 'locked',
      retryAfter: '2026-11-24T01:02:03.000Z',
    });
    expect(efs.calls).toHaveLength(1);
  });

  it('does not act on actions other than switching to elastic', async () => {
    const efs = fakeEfs();
    const out = await remediate(
      input({ action: 'investigate', policy: 'auto' }),
      ports(efs),
    );
    expect(out.status).toBe('not-attempted');
    expect(efs.calls).toEqual([]);
  });

  it('parses Wait until times with and without the Z', () => {
    expect(
      waitUntilFrom('Wait until 2026-11-24T01:02:03Z UTC and try again.'),
    ).toBe('2026-11-24T01:02:03.000Z');
    expect(waitUntilFrom('Wait until 2026-11-24T01:02:03 UTC')).toBe(
      '2026-11-24T01:02:03.000Z',
    );
    expect(waitUntilFrom('Rate exceeded')).toBeUndefined();
  });
});
