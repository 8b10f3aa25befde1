/**
 * The remediation gate at its edges: burstguard's one change per file
 * system per 24 h (claimed with a conditional write before UpdateFileSystem:
 * DynamoDB developer guide, "condition expressions"), tried a minute either
 * side of the 24 h, on the DynamoDB store (dynalite) and the in-memory one;
 * and the allowlist, which a dry run must respect like a real run (it
 * prints the exact call that would be made, so it must not print one that
 * never could be).
 */
import { describe, expect, it } from 'vitest';
import { remediate } from '../../functions/remediate/core.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import { parseConfig } from '../../shared/domain/config.ts';
import type { RemediateInput } from '../../shared/domain/contracts.ts';
import type { IncidentStore } from '../../shared/domain/ports.ts';
import { FS_ID, OTHER_FS_ID } from '../fixtures/alarm-events.ts';
import { fakeEfs } from '../fixtures/fake-efs.ts';
import { remediateInput } from '../fixtures/inputs.ts';
import { callsOn } from '../support/incident-calls.ts';
import { useDynamoStores } from '../support/local-run.ts';

const CHANGED_AT = '2026-11-22T03:00:00.000Z';
const MINUTE_MS = 60_000;
const HOUR_MS = 3600_000;
/** 23 h 59 min after the last change: still inside the 24 h. */
const JUST_BEFORE = new Date(
  Date.parse(CHANGED_AT) + 23 * HOUR_MS + 59 * MINUTE_MS,
);
/** 24 h 01 min after the last change: the lock has lifted. */
const JUST_AFTER = new Date(Date.parse(CHANGED_AT) + 24 * HOUR_MS + MINUTE_MS);

/** Both file systems approve; only FS_ID is on the allowlist. */
const config = parseConfig({
  region: 'us-east-1',
  fileSystems: [
    { fileSystemId: FS_ID, policy: 'approve', remediationAllowed: true },
    { fileSystemId: OTHER_FS_ID, policy: 'approve' },
  ],
  approvers: ['U01APPROVER'],
});

function input(
  now: Date,
  options: { fileSystemId?: string; dryRun?: boolean } = {},
): RemediateInput {
  return remediateInput(now, {
    ...options,
    incident: 'later',
    decision: 'request-approval',
    approval: { approved: true, by: 'U01APPROVER' },
  });
}

const stores = useDynamoStores('lock');

const STORES: [string, () => Promise<IncidentStore>][] = [
  ['the in-memory store', async () => createMemoryIncidentStore()],
  ['the DynamoDB store', () => stores.store()],
];

/** A store in which another incident changed FS_ID at CHANGED_AT. */
async function changedOnce(make: () => Promise<IncidentStore>) {
  const store = await make();
  const first = await callsOn(store).claim(`${FS_ID}/earlier`, CHANGED_AT);
  expect(first.outcome).toBe('claimed');
  return store;
}

describe.each(STORES)('the 24 h lock on %s', (_name, make) => {
  it('refuses a claim 23 h 59 min after the last change', async () => {
    // Prepare
    const store = await changedOnce(make);

    // Act
    const claim = await callsOn(store).claim(
      `${FS_ID}/later`,
      JUST_BEFORE.toISOString(),
    );

    // Assess
    expect(claim).toMatchObject({ outcome: 'held', at: CHANGED_AT });
  });

  it('grants a claim 24 h 01 min after the last change', async () => {
    // Prepare
    const store = await changedOnce(make);

    // Act
    const claim = await callsOn(store).claim(
      `${FS_ID}/later`,
      JUST_AFTER.toISOString(),
    );

    // Assess
    expect(claim).toEqual({ outcome: 'claimed', at: JUST_AFTER.toISOString() });
  });

  it('switches 24 h 01 min after the last change and not at 23 h 59 min', async () => {
    // Prepare
    const store = await changedOnce(make);
    const early = fakeEfs();
    const late = fakeEfs();

    // Act
    const refused = await remediate(input(JUST_BEFORE), {
      efs: early,
      store,
      clock: { now: () => JUST_BEFORE },
      config,
    });
    const applied = await remediate(input(JUST_AFTER), {
      efs: late,
      store,
      clock: { now: () => JUST_AFTER },
      config,
    });

    // Assess: the lock lifts exactly 24 h after the change.
    expect(refused).toMatchObject({
      status: 'locked',
      lockedBy: 'burstguard',
      retryAfter: '2026-11-23T03:00:00.000Z',
    });
    expect(early.calls).toEqual([]);
    expect(applied.status).toBe('applied');
    expect(late.calls).toEqual([
      { FileSystemId: FS_ID, ThroughputMode: 'elastic' },
    ]);
  });

  it('says locked on a dry run at 23 h 59 min and prints the call at 24 h 01 min', async () => {
    // Prepare
    const store = await changedOnce(make);

    // Act
    const early = await remediate(input(JUST_BEFORE, { dryRun: true }), {
      efs: fakeEfs(),
      store,
      clock: { now: () => JUST_BEFORE },
      config,
    });
    const late = await remediate(input(JUST_AFTER, { dryRun: true }), {
      efs: fakeEfs(),
      store,
      clock: { now: () => JUST_AFTER },
      config,
    });

    // Assess
    expect(early).toMatchObject({ status: 'locked', lockedBy: 'burstguard' });
    expect(late).toMatchObject({
      status: 'dry-run',
      call: { FileSystemId: FS_ID, ThroughputMode: 'elastic' },
    });
  });
});

describe('the allowlist', () => {
  it('refuses a dry run on a file system that is not on the allowlist', async () => {
    // Prepare
    const efs = fakeEfs({ FileSystemId: OTHER_FS_ID });
    const now = new Date('2026-11-23T03:00:00Z');

    // Act
    const out = await remediate(
      input(now, { fileSystemId: OTHER_FS_ID, dryRun: true }),
      {
        efs,
        store: createMemoryIncidentStore(),
        clock: { now: () => now },
        config,
      },
    );

    // Assess: no call is printed for a change burstguard may not make.
    expect(out.status).toBe('refused');
    expect(out.reason).toMatch(/not on the remediation allowlist/);
    expect(out.call).toBeUndefined();
    expect(efs.calls).toEqual([]);
  });

  it('refuses an approved run on a file system that is not on the allowlist', async () => {
    // Prepare
    const efs = fakeEfs({ FileSystemId: OTHER_FS_ID });
    const now = new Date('2026-11-23T03:00:00Z');

    // Act
    const out = await remediate(input(now, { fileSystemId: OTHER_FS_ID }), {
      efs,
      store: createMemoryIncidentStore(),
      clock: { now: () => now },
      config,
    });

    // Assess
    expect(out.status).toBe('refused');
    expect(efs.calls).toEqual([]);
  });
});
