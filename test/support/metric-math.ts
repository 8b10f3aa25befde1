/**
 * A tiny evaluator of CloudWatch metric math and of alarm evaluation, to
 * run the alarms as synthesized on numbers with a known answer, instead of
 * comparing their expression text with a copy of itself.
 *
 * Metric math (CloudWatch user guide, "Using metric math", "Metric math
 * syntax and functions"): ids of metrics and other expressions, numbers,
 * + - * / and parentheses, applied datapoint by datapoint; PERIOD(m) is the
 * period of metric m in seconds. Anything else throws, so an expression
 * this evaluator does not understand fails the test instead of passing it.
 *
 * Alarm evaluation (CloudWatch user guide, "Evaluating an alarm"): of the
 * last EvaluationPeriods datapoints, the alarm is in ALARM when at least
 * DatapointsToAlarm (default: EvaluationPeriods) breach the threshold by
 * its ComparisonOperator; with TreatMissingData `notBreaching` a missing
 * datapoint does not breach.
 */

type Token =
  | { kind: 'number'; value: number }
  | { kind: 'id'; name: string }
  | { kind: 'op'; op: '+' | '-' | '*' | '/' | '(' | ')' | ',' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ') {
      i++;
      continue;
    }
    if ('+-*/(),'.includes(c)) {
      tokens.push({ kind: 'op', op: c as '+' });
      i++;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(text.slice(i));
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (id) {
      tokens.push({ kind: 'id', name: id[0] });
      i += id[0].length;
      continue;
    }
    throw new Error(`metric math: unexpected "${c}" in ${text}`);
  }
  return tokens;
}

/** What an expression can refer to, at one datapoint. */
export type MathScope = {
  /** The value of a metric or expression id at this datapoint. */
  value(id: string): number;
  /** The period of a metric id, in seconds. */
  period(id: string): number;
};

/** Evaluates one metric math expression at one datapoint. */
export function evaluateExpression(text: string, scope: MathScope): number {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const take = () => {
    const t = tokens[at++];
    if (!t) throw new Error(`metric math: unexpected end of ${text}`);
    return t;
  };
  const isOp = (t: Token | undefined, ...ops: string[]) =>
    t?.kind === 'op' && ops.includes(t.op);

  function primary(): number {
    const t = take();
    if (t.kind === 'number') return t.value;
    if (t.kind === 'op' && t.op === '(') {
      const v = sum();
      if (!isOp(take(), ')')) throw new Error(`metric math: ) in ${text}`);
      return v;
    }
    if (t.kind === 'op' && t.op === '-') return -primary();
    if (t.kind === 'id') {
      if (isOp(peek(), '(')) {
        take();
        const arg = take();
        if (!isOp(take(), ')') || arg.kind !== 'id') {
          throw new Error(`metric math: bad call of ${t.name} in ${text}`);
        }
        if (t.name === 'PERIOD') return scope.period(arg.name);
        throw new Error(`metric math: unknown function ${t.name}`);
      }
      return scope.value(t.name);
    }
    throw new Error(`metric math: unexpected token in ${text}`);
  }
  function product(): number {
    let v = primary();
    while (isOp(peek(), '*', '/')) {
      const op = take() as { op: string };
      const r = primary();
      v = op.op === '*' ? v * r : v / r;
    }
    return v;
  }
  function sum(): number {
    let v = product();
    while (isOp(peek(), '+', '-')) {
      const op = take() as { op: string };
      const r = product();
      v = op.op === '+' ? v + r : v - r;
    }
    return v;
  }
  const result = sum();
  if (at !== tokens.length) throw new Error(`metric math: trailing ${text}`);
  return result;
}

/** A MetricAlarm's inputs as the Pulumi provider receives them. */
export type AlarmInputs = {
  comparisonOperator?: unknown;
  threshold?: unknown;
  evaluationPeriods?: unknown;
  datapointsToAlarm?: unknown;
  treatMissingData?: unknown;
  period?: unknown;
  metricQueries?: unknown;
};

type MetricQueryInput = {
  id: string;
  expression?: string;
  returnData?: boolean;
  metric?: { period: number };
};

/**
 * The datapoints an alarm evaluates: its single metric's (`data.metric`),
 * or for a metric math alarm the expression with returnData true, computed
 * from the metrics' datapoints (`data[id]`).
 */
export function alarmSeries(
  alarm: AlarmInputs,
  data: Record<string, (number | null)[]>,
): (number | null)[] {
  const queries = alarm.metricQueries as MetricQueryInput[] | undefined;
  if (!queries?.length) return data.metric ?? [];
  const returned = queries.filter((q) => q.returnData);
  if (returned.length !== 1) {
    throw new Error('an alarm needs exactly one query with returnData true');
  }
  const byId = new Map(queries.map((q) => [q.id, q]));
  const n = Math.max(...Object.values(data).map((v) => v.length));
  const out: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const seen = new Set<string>();
    const value = (id: string): number => {
      const q = byId.get(id);
      if (!q) throw new Error(`metric math: no query ${id}`);
      if (q.metric) {
        const v = data[id]?.[i];
        if (v === null || v === undefined) throw new MissingDatapoint();
        return v;
      }
      if (seen.has(id)) throw new Error(`metric math: ${id} refers to itself`);
      seen.add(id);
      return evaluateExpression(q.expression ?? '', { value, period });
    };
    const period = (id: string): number => {
      const q = byId.get(id);
      if (!q?.metric) throw new Error(`PERIOD(${id}): not a metric`);
      return q.metric.period;
    };
    try {
      out.push(value((returned[0] as MetricQueryInput).id));
    } catch (error) {
      if (error instanceof MissingDatapoint) out.push(null);
      else throw error;
    }
  }
  return out;
}

class MissingDatapoint extends Error {}

function breaches(value: number, operator: string, threshold: number) {
  switch (operator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    default:
      throw new Error(`unknown ComparisonOperator ${operator}`);
  }
}

/** The alarm's state after the given datapoints (oldest first). */
export function alarmState(
  alarm: AlarmInputs,
  series: (number | null)[],
): 'ALARM' | 'OK' {
  const periods = Number(alarm.evaluationPeriods);
  const needed = Number(alarm.datapointsToAlarm ?? periods);
  if (alarm.treatMissingData !== 'notBreaching') {
    throw new Error('this evaluator knows only TreatMissingData notBreaching');
  }
  const last = series.slice(-periods);
  const breaching = last.filter(
    (v) =>
      v !== null &&
      breaches(v, String(alarm.comparisonOperator), Number(alarm.threshold)),
  ).length;
  return breaching >= needed ? 'ALARM' : 'OK';
}
