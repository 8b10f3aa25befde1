/**
 * IncidentStore over DynamoDB: one item per file system, partition key
 * `fileSystemId`. Every change is one conditional UpdateItem, so two alarms
 * racing for the same file system open one incident: the loser's condition
 * fails and it joins instead.
 *
 * Item attributes: `status` (open | resolved), `incidentId`, `openedAt`,
 * `triggers`, `lastTriggerAt`, `alarmNames` (a string set: every alarm
 * that opened or joined the incident), `resolvedAt`, `slackChannel`,
 * `slackThreadTs`, `lastModeChangeAt` (the 24 h rule, kept across
 * incidents; written by the conditional claim before UpdateFileSystem),
 * `modeChangeIncidentId` (the incident that claimed it), `modeChangeClaimId` (the call
 * that wrote the claim, so a retried write recognises its own),
 * `approvalIncidentId`, `approvalTaskToken`, `approvalSavedAt`, and while a
 * click answers the approval, `approvalClaimId` and `approvalClaimUntil`
 * (ISO 8601; strings of one format compare in time order).
 *
 * A recovery run has an item of its own, keyed `recovery#<runId>`
 * (recoveryItemKey): `count_*` and `replay_*` counters added with ADD (an
 * atomic increment, so concurrent batches never lose a count),
 * `<phase>_startedAt`/`<phase>_lastAt`, `<phase>_note` (the first skip
 * or failure reason, kept as an example), `progressChannel`/`progressTs`
 * (its one Slack message) with `progressFileSystemId`, `progressFrom`,
 * `progressTo` (what the message is about), `progressEditedAt` (the last claimed edit), and
 * the offer's task token in the approval attributes above.
 */
import { randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Incident } from '../domain/contracts.ts';
import { BurstguardError } from '../domain/errors.ts';
import {
  cutoffOf,
  type IncidentItem,
  idleIncident,
  ignoredIncident,
  toIncident,
  toRecord,
} from '../domain/incident-items.ts';
import type {
  IncidentStore,
  RecoveryStore,
  RecoveryTally,
} from '../domain/ports.ts';
import type { RecoveryPhase } from '../domain/recovery/steps.ts';
import {
  counterAttribute,
  RECOVERY_COUNTER_NAMES,
  recoveryItemKey,
  recoveryTokensOver,
  zeroCounters,
} from '../domain/recovery/store.ts';

type Item = Record<string, unknown>;

function isConditionFailed(error: unknown): boolean {
  return (
    (error as { name?: string })?.name === 'ConditionalCheckFailedException'
  );
}

/** A string set as the document client reads it (a Set), or a list. */
function names(value: unknown): string[] {
  if (value instanceof Set || Array.isArray(value)) {
    return [...value].filter((v): v is string => typeof v === 'string');
  }
  return [];
}

function text(item: Item, name: string): string | undefined {
  const value = item[name];
  return typeof value === 'string' ? value : undefined;
}

/** The incident part of an item, or undefined when it never had one. */
function incidentOf(item: Item | undefined): IncidentItem | undefined {
  if (!item) {
    return undefined;
  }
  const status = text(item, 'status');
  const incidentId = text(item, 'incidentId');
  const fileSystemId = text(item, 'fileSystemId');
  const openedAt = text(item, 'openedAt');
  if (
    (status !== 'open' && status !== 'resolved') ||
    !incidentId ||
    !fileSystemId ||
    !openedAt
  ) {
    return undefined;
  }
  const triggers = item.triggers;
  const incident: IncidentItem = {
    fileSystemId,
    status,
    incidentId,
    openedAt,
    triggers: typeof triggers === 'number' && triggers >= 1 ? triggers : 1,
    lastTriggerAt: text(item, 'lastTriggerAt') ?? openedAt,
    alarmNames: names(item.alarmNames),
  };
  const resolvedAt = text(item, 'resolvedAt');
  const slackChannel = text(item, 'slackChannel');
  const slackThreadTs = text(item, 'slackThreadTs');
  if (resolvedAt) incident.resolvedAt = resolvedAt;
  // The approval token kept for this incident: its card is still open.
  const approvalSavedAt = text(item, 'approvalSavedAt');
  if (approvalSavedAt && text(item, 'approvalIncidentId') === incidentId) {
    incident.approvalRequestedAt = approvalSavedAt;
  }
  if (slackChannel) incident.slackChannel = slackChannel;
  if (slackThreadTs) incident.slackThreadTs = slackThreadTs;
  return incident;
}

/**
 * The values a trigger's write names: the open status, the run's incident
 * id, its time, one trigger, and its alarm as a set of one (DynamoDB has
 * no empty sets: a manual start has no alarm and leaves the set out).
 */
function triggerValues(
  incidentId: string,
  at: string,
  alarmName: string | undefined,
): Item {
  return {
    ':open': 'open',
    ':id': incidentId,
    ':at': at,
    ':one': 1,
    ...(alarmName ? { ':names': new Set([alarmName]) } : {}),
  };
}

/**
 * The SET list (after any status) and REMOVE clause that make an item a
 * fresh incident of the trigger named by triggerValues: no resolution,
 * no thread, and only this trigger's alarm.
 */
function freshIncident(alarmName: string | undefined): string {
  return (
    'incidentId = :id, openedAt = :at, triggers = :one, lastTriggerAt = :at' +
    (alarmName ? ', alarmNames = :names' : '') +
    ' REMOVE resolvedAt, slackChannel, slackThreadTs' +
    (alarmName ? '' : ', alarmNames')
  );
}

/** Condition attempts before openOrJoin gives up on a flapping item. */
const MAX_OPEN_ATTEMPTS = 4;

/**
 * Wraps a DynamoDBDocumentClient and a table whose partition key is
 * `fileSystemId` (string) and which has no sort key.
 */
export function createDynamoIncidentStore(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): IncidentStore & RecoveryStore {
  const { client, tableName } = options;
  const key = (fileSystemId: string) => ({ fileSystemId });

  async function read(fileSystemId: string): Promise<Item | undefined> {
    const out = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: key(fileSystemId),
        ConsistentRead: true,
      }),
    );
    return out.Item;
  }

  /** Runs an UpdateItem; undefined when its condition did not hold. */
  async function update(
    input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>,
  ): Promise<Item | undefined> {
    try {
      const out = await client.send(
        new UpdateCommand({ TableName: tableName, ...input }),
      );
      return out.Attributes ?? {};
    } catch (error) {
      if (isConditionFailed(error)) {
        return undefined;
      }
      throw error;
    }
  }

  async function open(
    fileSystemId: string,
    incidentId: string,
    at: string,
    alarmName: string | undefined,
  ) {
    return update({
      Key: key(fileSystemId),
      UpdateExpression: `SET #status = :open, ${freshIncident(alarmName)}`,
      // A missing status is an item that only remembers a mode change.
      ConditionExpression: 'attribute_not_exists(#status) OR #status <> :open',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: triggerValues(incidentId, at, alarmName),
      ReturnValues: 'ALL_NEW',
    });
  }

  async function join(
    fileSystemId: string,
    incidentId: string,
    at: string,
    alarmName: string | undefined,
    activeSince: string | undefined,
  ) {
    // ADD on a string set is idempotent per name: an alarm joins once.
    return update({
      Key: key(fileSystemId),
      UpdateExpression:
        'SET triggers = triggers + :one, lastTriggerAt = :at' +
        (alarmName ? ' ADD alarmNames :names' : ''),
      // The opener's own retry (same id) must diagnose, not join itself.
      // ISO 8601 UTC times compare as strings.
      ConditionExpression:
        '#status = :open AND incidentId <> :id' +
        (activeSince !== undefined ? ' AND lastTriggerAt >= :active' : ''),
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ...triggerValues(incidentId, at, alarmName),
        ...(activeSince !== undefined ? { ':active': activeSince } : {}),
      },
      ReturnValues: 'ALL_NEW',
    });
  }

  function incidentFrom(item: Item | undefined, next: Incident['next']) {
    const incident = incidentOf(item);
    if (!incident) {
      throw new BurstguardError(
        `incident table ${tableName}: item without an incident after ${next}`,
      );
    }
    return toIncident(incident, next);
  }

  /**
   * Resolves the open incident when `condition` (ANDed to "is open") also
   * holds; otherwise the incident as it stands, marked ignored.
   */
  async function resolveIf(
    fileSystemId: string,
    at: string,
    condition: string,
    values: Item,
  ) {
    const resolved = await update({
      Key: key(fileSystemId),
      UpdateExpression: 'SET #status = :resolved, resolvedAt = :at',
      ConditionExpression: `#status = :open${condition}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':open': 'open',
        ':resolved': 'resolved',
        ':at': at,
        ...values,
      },
      ReturnValues: 'ALL_NEW',
    });
    if (resolved) {
      return incidentFrom(resolved, 'resolved');
    }
    const last = incidentOf(await read(fileSystemId));
    return last
      ? toIncident(last, 'ignored')
      : ignoredIncident(fileSystemId, at);
  }

  const store: IncidentStore &
    Omit<
      RecoveryStore,
      'saveRecoveryToken' | 'claimRecoveryToken' | 'settleRecoveryToken'
    > = {
    async openOrJoin({ fileSystemId, incidentId, at, alarmName, activeSince }) {
      // Open, else join; an item that flips between the two (resolved in
      // between) is tried again from the start.
      for (let attempt = 0; attempt < MAX_OPEN_ATTEMPTS; attempt += 1) {
        const opened = await open(fileSystemId, incidentId, at, alarmName);
        if (opened) {
          return incidentFrom(opened, 'diagnose');
        }
        const joined = await join(
          fileSystemId,
          incidentId,
          at,
          alarmName,
          activeSince,
        );
        if (joined) {
          return incidentFrom(joined, 'joined');
        }
        const current = incidentOf(await read(fileSystemId));
        if (current?.status === 'open' && current.incidentId === incidentId) {
          return toIncident(current, 'diagnose');
        }
        if (
          current?.status === 'open' &&
          activeSince !== undefined &&
          current.lastTriggerAt < activeSince
        ) {
          return idleIncident(current);
        }
      }
      throw new BurstguardError(
        `incident table ${tableName}: ${fileSystemId} changed under ${MAX_OPEN_ATTEMPTS} attempts to open or join`,
      );
    },

    async replaceIdle(input) {
      const { fileSystemId, incidentId, at, alarmName } = input;
      const replaced = await update({
        Key: key(fileSystemId),
        UpdateExpression: `SET ${freshIncident(alarmName)}`,
        // Only the idle incident as it was read: a trigger that joined it
        // since, or another replacement, fails the condition.
        ConditionExpression:
          '#status = :open AND incidentId = :idle AND triggers = :triggers',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ...triggerValues(incidentId, at, alarmName),
          ':idle': input.idleIncidentId,
          ':triggers': input.idleTriggers,
        },
        ReturnValues: 'ALL_NEW',
      });
      return replaced ? incidentFrom(replaced, 'diagnose') : undefined;
    },

    async closeUnalarmed({ fileSystemId, incidentId, at }) {
      // No alarm names: an alarm that joined keeps the incident open for
      // its own quiet-period check.
      return resolveIf(
        fileSystemId,
        at,
        ' AND incidentId = :id AND attribute_not_exists(alarmNames)',
        { ':id': incidentId },
      );
    },

    async resolve({ fileSystemId, at, incidentId, triggers }) {
      // With an id and a trigger count, only that incident as it was: an
      // alarm that joined since, or a new incident, fails the condition.
      return resolveIf(
        fileSystemId,
        at,
        (incidentId !== undefined ? ' AND incidentId = :id' : '') +
          (triggers !== undefined ? ' AND triggers = :triggers' : ''),
        {
          ...(incidentId !== undefined ? { ':id': incidentId } : {}),
          ...(triggers !== undefined ? { ':triggers': triggers } : {}),
        },
      );
    },

    async current(fileSystemId) {
      const incident = incidentOf(await read(fileSystemId));
      return incident ? toRecord(incident) : undefined;
    },

    async setThread({ fileSystemId, incidentId, channel, threadTs }) {
      // One incident, one thread: the first thread stays, and a thread is
      // never written onto a later incident.
      await update({
        Key: key(fileSystemId),
        UpdateExpression: 'SET slackChannel = :channel, slackThreadTs = :ts',
        ConditionExpression:
          'incidentId = :id AND attribute_not_exists(slackThreadTs)',
        ExpressionAttributeValues: {
          ':id': incidentId,
          ':channel': channel,
          ':ts': threadTs,
        },
      });
    },

    async lastModeChange(fileSystemId) {
      const item = await read(fileSystemId);
      return item ? text(item, 'lastModeChangeAt') : undefined;
    },

    async recordModeChange({ fileSystemId, at }) {
      await update({
        Key: key(fileSystemId),
        UpdateExpression:
          'SET lastModeChangeAt = :at REMOVE modeChangeIncidentId',
        ExpressionAttributeValues: { ':at': at },
      });
    },

    async claimModeChange({ fileSystemId, incidentId, at, lockMs }) {
      // One conditional write decides between racing runs (DynamoDB
      // developer guide, "condition expressions"): the item takes the claim
      // only when no change is younger than the lock. The write carries an
      // id of this call: when DynamoDB applied it but the answer was lost
      // and the SDK's retry then failed the condition, the id read back
      // says the claim is this call's, not an earlier run's.
      const claimId = randomUUID();
      const claimed = await update({
        Key: key(fileSystemId),
        UpdateExpression:
          'SET lastModeChangeAt = :at, modeChangeIncidentId = :id, modeChangeClaimId = :claim',
        ConditionExpression:
          'attribute_not_exists(lastModeChangeAt) OR lastModeChangeAt < :cutoff',
        ExpressionAttributeValues: {
          ':at': at,
          ':id': incidentId,
          ':claim': claimId,
          ':cutoff': cutoffOf(at, lockMs),
        },
      });
      if (claimed) {
        return { outcome: 'claimed', at };
      }
      const item = (await read(fileSystemId)) ?? {};
      const last = text(item, 'lastModeChangeAt') ?? at;
      const holder = text(item, 'modeChangeIncidentId');
      if (text(item, 'modeChangeClaimId') === claimId) {
        return { outcome: 'claimed', at: last };
      }
      if (holder === incidentId) {
        return { outcome: 'own', at: last };
      }
      return {
        outcome: 'held',
        at: last,
        ...(holder ? { incidentId: holder } : {}),
      };
    },

    async releaseModeChange({ fileSystemId, incidentId, at }) {
      // Only this incident's own claim: a later claim stays.
      await update({
        Key: key(fileSystemId),
        UpdateExpression:
          'REMOVE lastModeChangeAt, modeChangeIncidentId, modeChangeClaimId',
        ConditionExpression:
          'modeChangeIncidentId = :id AND lastModeChangeAt = :at',
        ExpressionAttributeValues: { ':id': incidentId, ':at': at },
      });
    },

    async modeChangeClaim(fileSystemId) {
      const item = await read(fileSystemId);
      const at = item ? text(item, 'lastModeChangeAt') : undefined;
      if (!item || !at) return undefined;
      const holder = text(item, 'modeChangeIncidentId');
      return { at, ...(holder ? { incidentId: holder } : {}) };
    },

    async saveApprovalToken({ fileSystemId, incidentId, taskToken, at }) {
      await update({
        Key: key(fileSystemId),
        // A new token starts unclaimed.
        UpdateExpression:
          'SET approvalIncidentId = :id, approvalTaskToken = :token,' +
          ' approvalSavedAt = :at REMOVE approvalClaimId, approvalClaimUntil',
        ExpressionAttributeValues: {
          ':id': incidentId,
          ':token': taskToken,
          ':at': at,
        },
      });
    },

    async takeApprovalToken({ fileSystemId, incidentId }) {
      // Read and remove in one conditional write: of two clicks, one wins.
      const old = await update({
        Key: key(fileSystemId),
        UpdateExpression:
          'REMOVE approvalIncidentId, approvalTaskToken, approvalSavedAt,' +
          ' approvalClaimId, approvalClaimUntil',
        ConditionExpression: 'approvalIncidentId = :id',
        ExpressionAttributeValues: { ':id': incidentId },
        ReturnValues: 'ALL_OLD',
      });
      const taskToken = old ? text(old, 'approvalTaskToken') : undefined;
      if (!old || !taskToken) {
        return undefined;
      }
      return {
        incidentId,
        taskToken,
        savedAt: text(old, 'approvalSavedAt') ?? '',
      };
    },

    async claimApprovalToken({
      fileSystemId,
      incidentId,
      claimId,
      at,
      leaseUntil,
    }) {
      // One conditional write: the token is this incident's and nobody
      // holds it, or the holder's lease has run out.
      const claimed = await update({
        Key: key(fileSystemId),
        UpdateExpression:
          'SET approvalClaimId = :claim, approvalClaimUntil = :until',
        ConditionExpression:
          'approvalIncidentId = :id AND attribute_exists(approvalTaskToken)' +
          ' AND (attribute_not_exists(approvalClaimUntil)' +
          ' OR approvalClaimUntil < :at)',
        ExpressionAttributeValues: {
          ':id': incidentId,
          ':claim': claimId,
          ':until': leaseUntil,
          ':at': at,
        },
        ReturnValues: 'ALL_NEW',
      });
      const taskToken = claimed
        ? text(claimed, 'approvalTaskToken')
        : undefined;
      if (claimed && taskToken) {
        return {
          kind: 'claimed',
          incidentId,
          taskToken,
          savedAt: text(claimed, 'approvalSavedAt') ?? '',
        };
      }
      const item = await read(fileSystemId);
      return item &&
        text(item, 'approvalIncidentId') === incidentId &&
        text(item, 'approvalTaskToken')
        ? { kind: 'busy' }
        : { kind: 'none' };
    },

    async settleApprovalToken({ fileSystemId, incidentId, claimId, outcome }) {
      // Only the holder settles: after its lease ran out another click may
      // hold the token, and that claim is left alone.
      await update({
        Key: key(fileSystemId),
        UpdateExpression:
          outcome === 'consumed'
            ? 'REMOVE approvalIncidentId, approvalTaskToken,' +
              ' approvalSavedAt, approvalClaimId, approvalClaimUntil'
            : 'REMOVE approvalClaimId, approvalClaimUntil',
        ConditionExpression:
          'approvalIncidentId = :id AND approvalClaimId = :claim',
        ExpressionAttributeValues: { ':id': incidentId, ':claim': claimId },
      });
    },

    async addRecoveryCounts({ runId, phase, add, at, note }) {
      const names: Record<string, string> = {};
      const values: Item = { ':at': at };
      const adds = RECOVERY_COUNTER_NAMES.map((name, i) => {
        names[`#c${i}`] = counterAttribute(phase, name);
        values[`:c${i}`] = add[name];
        return `#c${i} :c${i}`;
      });
      names['#started'] = `${phase}_startedAt`;
      names['#last'] = `${phase}_lastAt`;
      if (note !== undefined) {
        names['#note'] = `${phase}_note`;
        values[':note'] = note;
      }
      const item = await update({
        Key: key(recoveryItemKey(runId)),
        UpdateExpression:
          `ADD ${adds.join(', ')}` +
          ' SET #started = if_not_exists(#started, :at), #last = :at' +
          (note === undefined ? '' : ', #note = if_not_exists(#note, :note)'),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      });
      return tallyOf(item, phase);
    },

    async recoveryCounts({ runId, phase }) {
      return tallyOf(await read(recoveryItemKey(runId)), phase);
    },

    async saveRecoveryMessage({ runId, channel, ts, fileSystemId, window }) {
      await update({
        Key: key(recoveryItemKey(runId)),
        UpdateExpression:
          'SET progressChannel = :channel, progressTs = :ts,' +
          ' progressFileSystemId = :fs, progressFrom = :from, progressTo = :to',
        ExpressionAttributeValues: {
          ':channel': channel,
          ':ts': ts,
          ':fs': fileSystemId,
          ':from': window.from,
          ':to': window.to,
        },
      });
    },

    async recoveryMessage(runId) {
      const item = await read(recoveryItemKey(runId));
      if (!item) return undefined;
      const channel = text(item, 'progressChannel');
      const ts = text(item, 'progressTs');
      const fileSystemId = text(item, 'progressFileSystemId');
      const from = text(item, 'progressFrom');
      const to = text(item, 'progressTo');
      return channel && ts && fileSystemId && from && to
        ? { channel, ts, fileSystemId, window: { from, to } }
        : undefined;
    },

    async markRecoveryFinished({ runId, at }) {
      await update({
        Key: key(recoveryItemKey(runId)),
        UpdateExpression: 'SET finishedAt = :at',
        ExpressionAttributeValues: { ':at': at },
      });
    },

    async recoveryFinishedAt(runId) {
      return text((await read(recoveryItemKey(runId))) ?? {}, 'finishedAt');
    },

    async claimRecoveryEdit({ runId, at, minIntervalMs }) {
      const claimed = await update({
        Key: key(recoveryItemKey(runId)),
        UpdateExpression: 'SET progressEditedAt = :at',
        ConditionExpression:
          'attribute_not_exists(progressEditedAt) OR progressEditedAt <= :cutoff',
        ExpressionAttributeValues: {
          ':at': at,
          ':cutoff': cutoffOf(at, minIntervalMs),
        },
      });
      return claimed !== undefined;
    },
  };
  return { ...store, ...recoveryTokensOver(store) };
}

/** A run's counters of one phase as its item holds them. */
function tallyOf(item: Item | undefined, phase: RecoveryPhase): RecoveryTally {
  const counters = zeroCounters();
  if (!item) return { counters };
  for (const name of RECOVERY_COUNTER_NAMES) {
    const value = item[counterAttribute(phase, name)];
    if (typeof value === 'number') counters[name] = value;
  }
  const startedAt = text(item, `${phase}_startedAt`);
  const lastAt = text(item, `${phase}_lastAt`);
  const note = text(item, `${phase}_note`);
  return {
    counters,
    ...(startedAt ? { startedAt } : {}),
    ...(lastAt ? { lastAt } : {}),
    ...(note ? { note } : {}),
  };
}
