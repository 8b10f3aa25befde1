/**
 * What Remediate answers on each path, with the reason a person reads, and
 * burstguard's own 24 h limit at its edges for dry runs (a dry run reads
 * the lock; it never takes it).
 */
import { describe, expect, it } from 'vitest';
import { remediate } from '../../functions/remediate/core.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import type { FileSystemDescription } from '../../shared/domain/aws-shapes.ts';
import {
  type RemediateInput,
  remediateInputSchema,
} from '../../shared/domain/contracts.ts';
import type { EfsPort, IncidentStore } from '../../shared/domain/ports.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { testConfig } from '../fixtures/config.ts';
import { fakeEfs } from '../fixtures/fake-efs.ts';
import { type RemediateOptions, remediateInput } from '../fixtures/inputs.ts';

const now = new Date('2026-11-23T03:20:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function input(options: RemediateOptions = {}): RemediateInput {
  return remediateInput(now, options);
}

function ports(
  efs: EfsPort,
  store: IncidentStore = createMemoryIncidentStore(),
  config = testConfig(),
) {
  return { efs, store, clock: { now: () => now }, config };
}

const approved = { approved: true, by: 'U01APPROVER' };

/** Remediate with an approval by a listed approver, on these ports. */
function runApproved(...on: Parameters<typeof ports>) {
  return remediate(input({ approval: approved }), ports(...on));
}

/** A store where another incident changed the mode `ago` ms before now. */
async function changedAgo(ago: number): Promise<IncidentStore> {
  const store = createMemoryIncidentStore();
  await store.claimModeChange({
    fileSystemId: FS_ID,
    incidentId: `${FS_ID}/earlier`,
    at: new Date(now.getTime() - ago).toISOString(),
    lockMs: 24 * HOUR,
  });
  return store;
}

describe('remediate, dry runs against the 24 h limit', () => {
  it('reports the lock on a dry run 23 h 59 min after a change', async () => {
    const store = await changedAgo(23 * HOUR + 59 * MINUTE);
    const efs = fakeEfs();

    const out = await remediate(input({ dryRun: true }), ports(efs, store));

    // The change was at 2026-11-22T03:21Z; 24 h later is 03:21Z today.
    expect(out).toMatchObject({
      status: 'locked',
      lockedBy: 'burstguard',
      retryAfter: '2026-11-23T03:21:00.000Z',
    });
    expect(efs.calls).toEqual([]);
  });

  it('prints the call on a dry run 24 h 01 min after a change', async () => {
    const store = await changedAgo(24 * HOUR + MINUTE);
    const efs = fakeEfs();

    const out = await remediate(input({ dryRun: true }), ports(efs, store));

    expect(out).toMatchObject({
      status: 'dry-run',
      reason: 'dry run: nothing was changed',
      call: { FileSystemId: FS_ID, ThroughputMode: 'elastic' },
    });
    expect(efs.calls).toEqual([]);
  });
});

describe('remediate, exactly 24 h after a change', () => {
  it('prints the call on a dry run exactly 24 h after a change: the lock has lifted', async () => {
    const store = await changedAgo(24 * HOUR);

    const out = await remediate(
      input({ dryRun: true }),
      ports(fakeEfs(), store),
    );

    expect(out.status).toBe('dry-run');
  });
});

describe('remediate, the allowlist', () => {
  it('refuses a dry run on a file system that is not on the allowlist', async () => {
    // The test configuration allowlists FS_ID only.
    const other = testConfig();
    const config = {
      ...other,
      fileSystems: other.fileSystems.map((f) =>
        f.fileSystemId === FS_ID ? { ...f, remediationAllowed: false } : f,
      ),
    };
    const efs = fakeEfs();

    const out = await remediate(
      input({ dryRun: true }),
      ports(efs, createMemoryIncidentStore(), config),
    );

    expect(out).toMatchObject({
      status: 'refused',
      reason: `${FS_ID} is not on the remediation allowlist`,
    });
    expect(out.call).toBeUndefined();
  });
});

describe('remediate, the reasons it gives', () => {
  it('does not automate an investigation, and names the action', async () => {
    const out = await remediate(
      input({ action: 'investigate', approval: approved }),
      ports(fakeEfs()),
    );

    expect(out).toMatchObject({
      status: 'not-attempted',
      reason: 'investigate is not automated',
    });
  });

  it.each<[string, RemediateOptions, Partial<FileSystemDescription>, object]>([
    [
      'does nothing under policy off, even on an allowlisted file system',
      { policy: 'off', approval: approved },
      {},
      { status: 'not-attempted', reason: 'policy is off' },
    ],
    [
      'names the error when the approval step failed other than by timing out',
      { approvalError: { Error: 'States.TaskFailed' } },
      {},
      { status: 'not-attempted', reason: 'approval failed: States.TaskFailed' },
    ],
    [
      'says "not approved" when the answer names nobody',
      { approval: { approved: false } },
      {},
      { status: 'refused', reason: 'not approved' },
    ],
    [
      'refuses an approval that names nobody when there is an approvers list',
      { approval: { approved: true } },
      {},
      {
        status: 'refused',
        reason: 'an unknown user is not on the approvers list',
      },
    ],
    [
      'says the file system is already elastic',
      { approval: approved },
      { ThroughputMode: 'elastic' },
      { status: 'already-done', reason: 'already in Elastic mode' },
    ],
  ])('%s', async (_title, options, described, expected) => {
    const efs = fakeEfs(described);

    const out = await remediate(input(options), ports(efs));

    expect(out).toMatchObject(expected);
    expect(efs.calls).toEqual([]);
  });

  it('says from which mode it switched, bursting when EFS names none', async () => {
    const out = await runApproved(fakeEfs({ ThroughputMode: undefined }));

    expect(out).toMatchObject({
      status: 'applied',
      reason: `switched ${FS_ID} from bursting to elastic`,
    });
  });

  it('does not call again when this incident already claimed the change, and keeps the approver', async () => {
    const store = createMemoryIncidentStore();
    await store.claimModeChange({
      fileSystemId: FS_ID,
      incidentId: `${FS_ID}/this`,
      at: '2026-11-23T03:19:00.000Z',
      lockMs: 24 * HOUR,
    });
    const efs = fakeEfs({
      ThroughputMode: undefined,
      LifeCycleState: 'updating',
    });

    const out = await runApproved(efs, store);

    expect(efs.calls).toEqual([]);
    expect(out).toMatchObject({
      status: 'unknown',
      approvedBy: 'U01APPROVER',
      reason:
        'this incident claimed the change at 2026-11-23T03:19:00.000Z and may have called UpdateFileSystem; EFS shows bursting (updating): check the EFS console. burstguard does not call again within 24 h',
    });
  });

  it('takes its own claim back when another run of the same incident races it', async () => {
    const store = createMemoryIncidentStore();
    // The other run claimed between this run's read and its own claim.
    const racing: IncidentStore = {
      ...store,
      modeChangeClaim: async () => undefined,
      claimModeChange: async () => ({
        outcome: 'own',
        at: '2026-11-23T03:19:30.000Z',
      }),
    };
    const efs = fakeEfs({ ThroughputMode: 'elastic' });
    // EFS already shows elastic only after the claim: describe says
    // bursting first, so the "already elastic" exit is not taken.
    let described = 0;
    efs.describeFileSystem = async () =>
      ({
        FileSystemId: FS_ID,
        LifeCycleState: 'available',
        PerformanceMode: 'generalPurpose',
        ThroughputMode: described++ === 0 ? 'bursting' : 'elastic',
      }) as FileSystemDescription;

    const out = await runApproved(efs, racing);

    expect(efs.calls).toEqual([]);
    expect(out.status).toBe('unknown');
    expect(out.reason).toContain(
      'this incident claimed the change at 2026-11-23T03:19:30.000Z',
    );
  });

  it('keeps the approver on an unclear answer from EFS', async () => {
    const timeout = Object.assign(new Error('socket hang up'), {
      name: 'TimeoutError',
    });

    const out = await runApproved(fakeEfs({}, timeout));

    expect(out).toMatchObject({ status: 'unknown', approvedBy: 'U01APPROVER' });
  });

  it('treats a thrown value without a name as an unclear answer', async () => {
    const out = await runApproved(fakeEfs({}, null));

    expect(out.status).toBe('unknown');
    expect(out.reason).toContain(
      'UpdateFileSystem did not answer clearly (Error:',
    );
  });

  it.each(['FileSystemNotFound', 'FileSystemNotFoundError'])(
    'reports %s as a failure that changed nothing, and gives the claim back',
    async (name) => {
      const store = createMemoryIncidentStore();
      const error = Object.assign(new Error('no such file system'), { name });

      const out = await runApproved(fakeEfs({}, error), store);

      expect(out).toMatchObject({
        status: 'failed',
        reason: `${name}: no such file system`,
      });
      expect(await store.modeChangeClaim(FS_ID)).toBeUndefined();
    },
  );

  it('says EFS refused a file system that is not available for a change', async () => {
    const error = Object.assign(new Error('file system is updating'), {
      name: 'IncorrectFileSystemLifeCycleState',
    });

    const out = await runApproved(fakeEfs({}, error));

    expect(out).toMatchObject({
      status: 'refused',
      reason: 'EFS refused: file system is updating',
    });
  });

  it('says when the claim could not be given back, and until when nothing is tried', async () => {
    const store = createMemoryIncidentStore();
    const failingRelease: IncidentStore = {
      ...store,
      releaseModeChange: async () => {
        throw new Error('store down');
      },
    };
    const error = Object.assign(new Error('bad'), { name: 'BadRequest' });

    const out = await runApproved(fakeEfs({}, error), failingRelease);

    // now (03:20Z) plus 24 h.
    expect(out.reason).toBe(
      'BadRequest: bad (the claim could not be released, store down: burstguard will not try again before 2026-11-24T03:20:00.000Z)',
    );
  });
});

describe('remediateInputSchema', () => {
  it('keeps the approval answer and the approval error Step Functions adds', () => {
    const { approval, approvalError } = remediateInputSchema.shape;

    expect(approval.parse({ approved: true, by: 'U01APPROVER' })).toEqual({
      approved: true,
      by: 'U01APPROVER',
    });
    expect(
      approvalError.parse({ Error: 'States.Timeout', Cause: 'no answer' }),
    ).toEqual({ Error: 'States.Timeout', Cause: 'no answer' });
  });
});
