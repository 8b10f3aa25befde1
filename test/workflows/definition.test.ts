import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { localHandlers } from '../../local/state-machine-runner.ts';
import {
  approvalRoundSchema,
  decisionSchema,
  incidentSchema,
  remediationSchema,
  verificationSchema,
} from '../../shared/domain/contracts.ts';
import * as errors from '../../shared/domain/errors.ts';
import {
  buildDefinition,
  LAMBDAS,
  placeholderArns,
  TASK_LAMBDA,
} from '../../workflows/definition.ts';
import { testConfig } from '../fixtures/config.ts';

type State = Record<string, unknown> & { Type: string };

/** Every state, Parallel branches included, by name. */
function allStates(definition: { States: Record<string, unknown> }) {
  const out: Record<string, State> = {};
  const visit = (states: Record<string, unknown>) => {
    for (const [name, raw] of Object.entries(states)) {
      const state = raw as State;
      out[name] = state;
      for (const branch of (state.Branches as {
        States: Record<string, unknown>;
      }[]) ?? []) {
        visit(branch.States);
      }
    }
  };
  visit(definition.States);
  return out;
}

const definition = buildDefinition(placeholderArns());
const states = allStates(definition);

describe('the state machine definition', () => {
  it('passes asl-validator with ARN and path checks', () => {
    const result = aslValidator(definition as never, {
      checkArn: true,
      checkPaths: true,
    });
    expect(result.errorsText?.('\n') ?? '').toBe('');
    expect(result.isValid).toBe(true);
  });

  it('maps every Task state to a local handler', () => {
    const handlers = localHandlers({
      config: testConfig(),
    } as never) as Record<string, unknown>;
    const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThanOrEqual(9);
    for (const [name] of tasks) {
      expect(handlers[name], `local handler for ${name}`).toBeTypeOf(
        'function',
      );
      // Every Task runs a workflow Lambda but StartRecovery, the one
      // states:startExecution integration.
      expect([...Object.keys(TASK_LAMBDA), 'StartRecovery']).toContain(name);
    }
  });

  it('starts the recovery state machine, and nothing else, only when Verify asked', () => {
    // Prepare / Act
    const start = states.StartRecovery as unknown as {
      Resource: string;
      Parameters: Record<string, string>;
      Catch: { ErrorEquals: string[]; Next: string }[];
      Next: string;
    };
    const choice = states.RecoveryToStart as unknown as {
      Choices: { Variable: string; IsPresent: boolean; Next: string }[];
      Default: string;
    };

    // Assess: the Request Response integration (no .sync: the incident
    // does not wait for the replay), the input Verify computed, and a
    // failure that goes on to the outcome, which says so.
    expect(start.Resource).toBe('arn:aws:states:::states:startExecution');
    expect(start.Parameters).toEqual({
      StateMachineArn:
        'arn:aws:states:us-east-1:123456789012:stateMachine:burstguard-recovery',
      'Input.$': '$.verification.recovery',
    });
    expect(start.Next).toBe('NotifyOutcome');
    expect(start.Catch.flatMap((c) => c.ErrorEquals)).toContain('States.ALL');
    expect(new Set(start.Catch.map((c) => c.Next))).toEqual(
      new Set(['NotifyOutcome']),
    );
    expect(states.Verify?.Next).toBe('RecoveryToStart');
    expect(choice.Choices).toEqual([
      {
        Variable: '$.verification.recovery',
        IsPresent: true,
        Next: 'StartRecovery',
      },
    ]);
    expect(choice.Default).toBe('NotifyOutcome');
  });

  it('invokes only the workflow Lambdas', () => {
    const arns = Object.values(placeholderArns());
    for (const [name, state] of Object.entries(states)) {
      if (state.Type !== 'Task' || name === 'StartRecovery') continue;
      const target =
        (state.Parameters as { FunctionName?: string } | undefined)
          ?.FunctionName ?? state.Resource;
      expect(arns, name).toContain(target);
    }
    expect(arns).toHaveLength(LAMBDAS.length);
  });

  it('retries Lambda service errors on every Lambda Task', () => {
    for (const [name, state] of Object.entries(states)) {
      // StartRecovery calls Step Functions, not Lambda: not retried, since
      // a start that timed out may have started (its Catch reports it).
      if (state.Type !== 'Task' || name === 'StartRecovery') continue;
      const retry = state.Retry as { ErrorEquals: string[] }[];
      expect(retry?.[0]?.ErrorEquals, name).toEqual([
        ...errors.LAMBDA_SERVICE_ERRORS,
      ]);
    }
  });

  it('catches only error names that shared/domain/errors.ts defines', () => {
    const named = new Set(
      Object.values(errors)
        .filter(
          (v): v is typeof errors.BurstguardError => typeof v === 'function',
        )
        .map((E) => {
          try {
            return new (E as new (m: string) => Error)('x').name;
          } catch {
            return '';
          }
        }),
    );
    for (const [name, state] of Object.entries(states)) {
      for (const c of (state.Catch as { ErrorEquals: string[] }[]) ?? []) {
        for (const error of c.ErrorEquals) {
          if (error.startsWith('States.')) continue;
          expect(named, `${name} catches ${error}`).toContain(error);
        }
      }
    }
  });

  it('gives every Gather branch its own Catch', () => {
    const gather = definition.States.Gather as {
      Branches: { StartAt: string; States: Record<string, State> }[];
    };
    expect(gather.Branches).toHaveLength(3);
    for (const branch of gather.Branches) {
      const first = branch.States[branch.StartAt];
      const catchers = first?.Catch as {
        ErrorEquals: string[];
        Next: string;
      }[];
      const last = catchers.at(-1);
      expect(last?.ErrorEquals, branch.StartAt).toEqual(['States.ALL']);
      // The catch-all turns the failure into "unavailable" evidence.
      expect(branch.States[last?.Next ?? '']?.Type).toBe('Pass');
    }
  });

  it('tells the thread when a Gather branch ends the run', () => {
    // Prepare: a branch's Fail state fails the whole Parallel (Step
    // Functions developer guide, "Parallel state").
    const gather = definition.States.Gather as State & {
      Catch: { ErrorEquals: string[]; ResultPath: string; Next: string }[];
    };

    // Act: follow the catch to the message.
    const path: string[] = [];
    let name: string | undefined = gather.Catch.at(-1)?.Next;
    while (name && !path.includes(name)) {
      path.push(name);
      name = (definition.States[name] as State | undefined)?.Next as
        | string
        | undefined;
    }

    // Assess
    expect(gather.Catch.map((c) => c.ErrorEquals)).toEqual(
      errors.CATCH_ALL_ERRORS.map((e) => [...e]),
    );
    expect(gather.Catch.every((c) => c.ResultPath === '$.failure')).toBe(true);
    expect(path).toEqual([
      'GatherFailed',
      'EndFailedRun',
      'NotifyFailure',
      'Failed',
    ]);
    expect(definition.States.GatherFailed).toMatchObject({
      Type: 'Pass',
      Result: 'Gather',
      ResultPath: '$.failedState',
    });
  });

  it('ends the incident of a failed run before telling the thread, and tells even when that fails', () => {
    // Prepare / Act
    const end = states.EndFailedRun as State & {
      Catch: { ResultPath: string; Next: string }[];
    };

    // Assess: the whole state goes in (a run may fail before it has a
    // trigger or an incident, and a missing path would fail the Task).
    expect(end).toMatchObject({
      Type: 'Task',
      Resource: placeholderArns()['resolve-incident'],
      Parameters: { endFailedRun: true, 'state.$': '$' },
      ResultPath: '$.runEnd',
      Next: 'NotifyFailure',
    });
    for (const c of end.Catch) {
      expect(c).toMatchObject({
        ResultPath: '$.runEndError',
        Next: 'NotifyFailure',
      });
    }
    // Every told failure goes through it (a Gather branch's own catch
    // stays in its branch: unavailable evidence, not a failure).
    for (const [name, raw] of Object.entries(definition.States)) {
      const state = raw as State;
      if (name.endsWith('Failed') && state.Type === 'Pass') {
        expect(state.Next, name).toBe('EndFailedRun');
      }
    }
  });

  it('ends the run when the file system does not exist', () => {
    const gather = definition.States.Gather as {
      Branches: { StartAt: string; States: Record<string, State> }[];
    };
    const efs = gather.Branches.find((b) => b.StartAt === 'CollectEfs');
    const catchers = efs?.States.CollectEfs?.Catch as {
      ErrorEquals: string[];
      Next: string;
    }[];
    expect(catchers[0]?.ErrorEquals).toEqual(['FileSystemNotFoundError']);
    expect(efs?.States[catchers[0]?.Next ?? '']?.Type).toBe('Fail');
  });

  it('compares in each Choice only values the cores compute', () => {
    const allowed: Record<string, readonly string[]> = {
      '$.incident.next': incidentSchema.shape.next.options,
      '$.result.decision.next': decisionSchema.shape.next.options,
      '$.remediation.status': remediationSchema.shape.status.options,
      '$.approvalRound.next': approvalRoundSchema.shape.next.options,
    };
    // Present or not: a field a core fills only when it applies.
    const optional = {
      '$.verification.recovery': verificationSchema.shape.recovery,
    };
    for (const state of Object.values(states)) {
      if (state.Type !== 'Choice') continue;
      for (const choice of state.Choices as {
        Variable: string;
        StringEquals?: string;
        IsPresent?: boolean;
      }[]) {
        if (choice.IsPresent !== undefined) {
          expect(Object.keys(optional)).toContain(choice.Variable);
          expect(
            optional[choice.Variable as keyof typeof optional].safeParse(
              undefined,
            ).success,
          ).toBe(true);
          continue;
        }
        expect(Object.keys(allowed)).toContain(choice.Variable);
        expect(allowed[choice.Variable]).toContain(choice.StringEquals);
      }
    }
  });

  it('waits the quiet period the OpenIncident core computed, then re-reads the alarms', () => {
    // Prepare / Act
    const route = states.Route as unknown as {
      Choices: { StringEquals: string; Next: string }[];
    };
    const wait = states.QuietPeriod;
    const check = states.ResolveIncident;
    const settled = states.Settled as unknown as {
      Choices: { Variable: string; StringEquals: string; Next: string }[];
      Default: string;
    };

    // Assess: OK -> QuietPeriod (seconds from $.incident.quietSeconds) ->
    // ResolveIncident -> NotifyResolved only when it resolved.
    expect(
      route.Choices.find((c) => c.StringEquals === 'quiet-check')?.Next,
    ).toBe('QuietPeriod');
    expect(route.Choices.map((c) => c.Next)).not.toContain('NotifyResolved');
    expect(wait).toMatchObject({
      Type: 'Wait',
      SecondsPath: '$.incident.quietSeconds',
      Next: 'ResolveIncident',
    });
    expect(wait?.Seconds).toBeUndefined();
    expect(check).toMatchObject({
      Type: 'Task',
      Resource: placeholderArns()['resolve-incident'],
      ResultPath: '$.incident',
      Next: 'Settled',
    });
    expect(settled.Choices).toEqual([
      {
        Variable: '$.incident.next',
        StringEquals: 'resolved',
        Next: 'NotifyResolved',
      },
    ]);
    expect(states[settled.Default]?.Type).toBe('Succeed');
  });

  it('passes every run that opened an incident through Done, which closes it, and no run that only joined or checked', () => {
    // Prepare: follow every Next, Default, Choice and Catch target.
    const targets = (state: State): string[] => [
      ...(typeof state.Next === 'string' ? [state.Next] : []),
      ...(typeof state.Default === 'string' ? [state.Default] : []),
      ...((state.Choices as { Next: string }[] | undefined) ?? []).map(
        (c) => c.Next,
      ),
      ...((state.Catch as { Next: string }[] | undefined) ?? []).map(
        (c) => c.Next,
      ),
    ];
    const reaches = (
      from: string,
      to: string,
      seen = new Set<string>(),
    ): boolean => {
      if (from === to) return true;
      if (seen.has(from)) return false;
      seen.add(from);
      const state = definition.States[from] as State | undefined;
      return state
        ? targets(state).some((next) => reaches(next, to, seen))
        : false;
    };
    const done = states.Done as State & { Parameters: unknown };

    // Act
    const ends = Object.entries(definition.States)
      .filter(([, raw]) => (raw as State).Type === 'Succeed')
      .map(([name]) => name);

    // Assess: Gather's every path (Decide off, NotifyOutcome after a
    // remediation or a declined approval) ends at Done; joins, checks and
    // ignored runs never do.
    expect(ends.sort()).toEqual(['AlreadyHandled', 'Finished']);
    for (const from of ['Decide', 'NotifyOutcome', 'RequestApproval']) {
      expect(reaches(from, 'AlreadyHandled'), from).toBe(false);
      expect(reaches(from, 'Done'), from).toBe(true);
    }
    for (const from of ['QuietPeriod', 'NotifyJoined']) {
      expect(reaches(from, 'Done'), from).toBe(false);
    }
    expect(done).toMatchObject({
      Type: 'Task',
      Resource: placeholderArns()['resolve-incident'],
      ResultPath: '$.closed',
      Next: 'Finished',
      Parameters: {
        endOfRun: true,
        'trigger.$': '$.trigger',
        'incident.$': '$.incident',
      },
    });
    // A close that fails is told in the thread like any failed step.
    expect(done.Catch).toEqual([
      {
        ErrorEquals: ['States.DataLimitExceeded'],
        ResultPath: '$.failure',
        Next: 'DoneFailed',
      },
      {
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.failure',
        Next: 'DoneFailed',
      },
    ]);
  });

  it('posts a join in the thread and catches a failed quiet-period check', () => {
    // Prepare / Act
    const route = states.Route as unknown as {
      Choices: { StringEquals: string; Next: string }[];
    };

    // Assess
    expect(route.Choices.find((c) => c.StringEquals === 'joined')?.Next).toBe(
      'NotifyJoined',
    );
    expect(states.NotifyJoined).toMatchObject({
      Resource: placeholderArns().notify,
      Parameters: { kind: 'joined', 'state.$': '$' },
      Next: 'AlreadyHandled',
    });
    expect(states.ResolveIncident?.Catch).toEqual([
      {
        ErrorEquals: ['States.DataLimitExceeded'],
        ResultPath: '$.resolveError',
        Next: 'NotifyCheckFailed',
      },
      {
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.resolveError',
        Next: 'NotifyCheckFailed',
      },
    ]);
    expect(states.NotifyCheckFailed).toMatchObject({
      Resource: placeholderArns().notify,
      Parameters: { kind: 'check-failed', 'state.$': '$' },
      Next: 'AlreadyHandled',
    });
  });
});

describe('the catches of the definition', () => {
  type Catcher = { ErrorEquals: string[]; Next: string };
  type AnyState = {
    Type: string;
    Catch?: Catcher[];
    Next?: string;
    Resource?: string;
    Parameters?: { kind?: string };
    Choices?: { Next: string }[];
    Default?: string;
  };
  const states = buildDefinition(placeholderArns()).States as Record<
    string,
    AnyState
  >;

  it('catches every error of every top-level Task and Parallel, DataLimitExceeded listed on its own', () => {
    const uncaught = Object.entries(states).filter(([, s]) => {
      if (s.Type !== 'Task' && s.Type !== 'Parallel') return false;
      const listed = (s.Catch ?? []).flatMap((c) => c.ErrorEquals);
      return !(
        listed.includes('States.ALL') &&
        listed.includes('States.DataLimitExceeded')
      );
    });
    expect(uncaught.map(([name]) => name)).toEqual([]);
    // States.ALL must stand alone in its catcher (Step Functions developer
    // guide, "error handling").
    for (const s of Object.values(states)) {
      for (const c of s.Catch ?? []) {
        if (c.ErrorEquals.includes('States.ALL')) {
          expect(c.ErrorEquals).toEqual(['States.ALL']);
        }
      }
    }
  });

  it('leads every caught failure after OpenIncident to a Slack message', () => {
    // Follow each catcher's Next through Pass, Wait, Task and every branch
    // of a Choice until a Task that posts (the notify Lambda).
    const reachesNotify = (name: string, seen = new Set<string>()): boolean => {
      if (seen.has(name)) return false;
      seen.add(name);
      const s = states[name];
      if (!s) return false;
      if (s.Type === 'Task' && s.Resource?.endsWith('burstguard-notify')) {
        return true;
      }
      if (s.Type === 'Task' && s.Next) return reachesNotify(s.Next, seen);
      if ((s.Type === 'Pass' || s.Type === 'Wait') && s.Next) {
        return reachesNotify(s.Next, seen);
      }
      if (s.Type === 'Choice') {
        // Every way out of a Choice must reach a message.
        const outs = [...(s.Choices ?? []).map((c) => c.Next), s.Default];
        return outs.every((n) => n && reachesNotify(n, new Set(seen)));
      }
      return false;
    };
    const silent: string[] = [];
    for (const [name, s] of Object.entries(states)) {
      if (s.Type !== 'Task' && s.Type !== 'Parallel') continue;
      if (name === 'NotifyFailure') continue;
      for (const c of s.Catch ?? []) {
        if (!reachesNotify(c.Next)) silent.push(`${name} -> ${c.Next}`);
      }
    }
    // A rejected trigger names no file system of ours: nothing to tell.
    expect(silent).toEqual(['Normalize -> RejectTrigger']);
  });
});
