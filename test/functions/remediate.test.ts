import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EFSClient } from '@aws-sdk/client-efs';
import { describe, expect, it } from 'vitest';
import { remediate, waitUntilFrom } from '../../functions/remediate/core.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import { createEfsPort } from '../../shared/adapters/aws-efs.ts';
import type { RemediateInput } from '../../shared/domain/contracts.ts';
import type { EfsPort } from '../../shared/domain/ports.ts';
import { FS_ID, OTHER_FS_ID } from '../fixtures/alarm-events.ts';
import { testConfig } from '../fixtures/config.ts';
import { fakeEfs } from '../fixtures/fake-efs.ts';
import { type RemediateOptions, remediateInput } from '../fixtures/inputs.ts';

const now = new Date('2026-11-23T03:20:00Z');

function input(options: RemediateOptions): RemediateInput {
  return remediateInput(now, { incident: 'x', ...options });
}

function ports(efs: EfsPort, store = createMemoryIncidentStore()) {
  return { efs, store, clock: { now: () => now }, config: testConfig() };
}

const approved = { approved: true, by: 'U01APPROVER' };

/** Remediate with an approval by a listed approver, on these ports. */
function runApproved(...on: Parameters<typeof ports>) {
  return remediate(input({ approval: approved }), ports(...on));
}

describe('remediate', () => {
  it('switches an approved, allowlisted file system to elastic and records it', async () => {
    const efs = fakeEfs();
    const store = createMemoryIncidentStore();
    const out = await runApproved(efs, store);
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
    const out = await runApproved(efs);
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
    const out = await runApproved(efs);
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

  it('lets nobody approve when the approvers list is empty', async () => {
    // Prepare: the Slack endpoint refuses every click with an empty list;
    // an answer sent to the task token by other means must not switch.
    const efs = fakeEfs();
    const base = ports(efs);
    const noApprovers = { ...base, config: { ...base.config, approvers: [] } };

    // Act
    const out = await remediate(input({ approval: approved }), noApprovers);

    // Assess
    expect(out).toMatchObject({
      status: 'refused',
      reason:
        'the approvers list is empty: nobody may approve a switch (set approvers in the configuration)',
    });
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
    const out = await runApproved(efs, store);
    expect(out).toMatchObject({
      status: 'locked',
      retryAfter: '2026-11-23T10:00:00.000Z',
      lockedBy: 'burstguard',
    });
    // The cap is named as burstguard's, not as an AWS rule.
    expect(out.reason).toMatch(/burstguard's own limit, not AWS's/);
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
    const out = await runApproved(efs);
    expect(out).toMatchObject({
      status: 'locked',
      retryAfter: '2026-11-24T01:02:03.000Z',
      lockedBy: 'efs',
    });
    expect(out.reason).toMatch(/^EFS refused \(TooManyRequests\): /);
    expect(efs.calls).toHaveLength(1);
  });

  it('reads the Wait until time of a TooManyRequests answer as the real EFS client parses it off the wire', async () => {
    // EFS's answer to UpdateFileSystem inside the 24 h wait: HTTP 429, the
    // restJson error type header, and the body members of TooManyRequests
    // (ErrorCode, Message: @aws-sdk/client-efs models). The message text is
    // the one re:Post's knowledge center quotes (efs-max-throughput-mode-
    // changes).
    const message =
      'You have reached the maximum number of throughput mode changes or provisioned throughput value decreases. Wait until 2026-11-24T01:02:03Z UTC and try again.';
    const requests: { method?: string; url?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        requests.push({ method: req.method, url: req.url, body });
        res.writeHead(429, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'TooManyRequests:',
          'x-amzn-requestid': 'b3a7e8c2-0d1f-4f6e-9a51-7c4b0d2e1f00',
        });
        res.end(
          JSON.stringify({ ErrorCode: 'TooManyRequests', Message: message }),
        );
      });
    });
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    try {
      const { port } = server.address() as AddressInfo;
      const client = new EFSClient({
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${port}`,
        credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
        maxAttempts: 1,
      });
      const real = createEfsPort(client);
      const efs: EfsPort = {
        describeFileSystem: fakeEfs().describeFileSystem,
        updateFileSystem: real.updateFileSystem,
      };
      const out = await runApproved(efs);
      expect(out).toMatchObject({
        status: 'locked',
        retryAfter: '2026-11-24T01:02:03.000Z',
        lockedBy: 'efs',
      });
      expect(out.reason).toContain(message);
      // One PUT, never retried.
      expect(requests).toHaveLength(1);
      expect(requests[0]?.method).toBe('PUT');
      expect(requests[0]?.url).toBe(`/2015-02-01/file-systems/${FS_ID}`);
      expect(JSON.parse(requests[0]?.body ?? '{}')).toEqual({
        ThroughputMode: 'elastic',
      });
    } finally {
      server.close();
    }
  });

  // Each error of the EFS API reference for UpdateFileSystem ("Errors")
  // that means the change did not happen gives the claim back.
  it.each([
    ['BadRequest', 'failed'],
    ['IncorrectFileSystemLifeCycleState', 'refused'],
    ['InsufficientThroughputCapacity', 'failed'],
    ['ThroughputLimitExceeded', 'failed'],
    ['TooManyRequests', 'locked'],
    ['ThrottlingException', 'failed'],
  ])('releases the claim when EFS refuses with %s', async (name, status) => {
    const store = createMemoryIncidentStore();
    const efs = fakeEfs({}, Object.assign(new Error('no'), { name }));
    const out = await runApproved(efs, store);
    expect(out.status).toBe(status);
    expect(efs.calls).toHaveLength(1);
    expect(await store.modeChangeClaim(FS_ID)).toBeUndefined();
  });

  it.each([['InternalServerError'], ['TimeoutError'], ['ECONNRESET']])(
    'keeps the claim and says the outcome is unknown after %s',
    async (name) => {
      const store = createMemoryIncidentStore();
      const efs = fakeEfs({}, Object.assign(new Error('no answer'), { name }));
      const out = await runApproved(efs, store);
      expect(out.status).toBe('unknown');
      expect(out.reason).toMatch(/may have happened: check the EFS console/);
      expect(out.call).toEqual({
        FileSystemId: FS_ID,
        ThroughputMode: 'elastic',
      });
      expect(await store.modeChangeClaim(FS_ID)).toEqual({
        at: now.toISOString(),
        incidentId: `${FS_ID}/x`,
      });
      // A second run within the lock does not call.
      const again = await remediate(
        {
          ...input({ approval: approved }),
          incident: { ...input({}).incident, incidentId: 'other' },
        },
        ports(efs, store),
      );
      expect(again).toMatchObject({ status: 'locked', lockedBy: 'burstguard' });
      expect(efs.calls).toHaveLength(1);
    },
  );

  it('claims the change before calling UpdateFileSystem', async () => {
    const store = createMemoryIncidentStore();
    const claims: unknown[] = [];
    const efs = fakeEfs();
    const update = efs.updateFileSystem;
    efs.updateFileSystem = async (call) => {
      claims.push(await store.modeChangeClaim(FS_ID));
      return update(call);
    };
    await runApproved(efs, store);
    expect(claims).toEqual([
      { at: now.toISOString(), incidentId: `${FS_ID}/x` },
    ]);
  });

  it('lets exactly one of two simultaneous runs call UpdateFileSystem', async () => {
    const store = createMemoryIncidentStore();
    const efs = fakeEfs();
    const [a, b] = await Promise.all([
      runApproved(efs, store),
      remediate(
        {
          ...input({ approval: approved }),
          incident: { ...input({}).incident, incidentId: 'other' },
        },
        ports(efs, store),
      ),
    ]);
    expect([a.status, b.status].sort()).toEqual(['applied', 'locked']);
    expect(efs.calls).toHaveLength(1);
  });

  it('goes on to Verify when a retry finds its own claim and the file system elastic', async () => {
    const store = createMemoryIncidentStore();
    const efs = fakeEfs();
    await runApproved(efs, store);
    const elastic = fakeEfs({ ThroughputMode: 'elastic' });
    const retry = await runApproved(elastic, store);
    expect(retry.status).toBe('applied');
    expect(retry.reason).toMatch(/an earlier attempt of this step switched it/);
    expect(elastic.calls).toEqual([]);
  });

  it('does not call again when a retry finds its own claim and no change', async () => {
    const store = createMemoryIncidentStore();
    await store.claimModeChange({
      fileSystemId: FS_ID,
      incidentId: `${FS_ID}/x`,
      at: now.toISOString(),
      lockMs: 24 * 3600_000,
    });
    const efs = fakeEfs();
    const retry = await runApproved(efs, store);
    expect(retry.status).toBe('unknown');
    expect(retry.reason).toMatch(/may have called UpdateFileSystem/);
    expect(efs.calls).toEqual([]);
  });

  it('refuses to switch a Max I/O file system to Elastic, even approved', async () => {
    const efs = fakeEfs({ PerformanceMode: 'maxIO' });
    const out = await runApproved(efs);
    expect(out.status).toBe('refused');
    expect(out.reason).toMatch(
      /Max I\/O: EFS offers Elastic throughput only with General Purpose performance mode/,
    );
    expect(efs.calls).toEqual([]);
  });

  it('refuses increase-provisioned-throughput if it is ever reached', async () => {
    const efs = fakeEfs({ PerformanceMode: 'maxIO' });
    const out = await remediate(
      input({ action: 'increase-provisioned-throughput', policy: 'auto' }),
      ports(efs),
    );
    expect(out.status).toBe('refused');
    expect(out.reason).toMatch(/never automated/);
    expect(efs.calls).toEqual([]);
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
    expect(waitUntilFrom('Wait until 2026-11-24 01:02:03 UTC')).toBe(
      '2026-11-24T01:02:03.000Z',
    );
    expect(waitUntilFrom('Rate exceeded')).toBeUndefined();
  });
});
