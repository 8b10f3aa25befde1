/**
 * A small evaluator of the Logs Insights commands the dropped-records query
 * uses, written from the CloudWatch Logs user guide ("CloudWatch Logs
 * Insights language query syntax": `fields` with `coalesce(...) as`,
 * which returns its first non-null argument; `filter ... like /regex/`
 * joined by `or`; `parse field /regex with (?<name>...)/`; `stats
 * sum(...) as ... by bin(...)`. "Supported logs and discovered fields":
 * `@message` is the raw event, and a JSON event's keys become fields,
 * nested keys joined with dots, as in `kubernetes.pod_name`). Any other
 * command fails the test, so a query that grows past what is evaluated
 * here is noticed. This checks the query's logic and patterns; Logs
 * Insights itself runs it only on AWS.
 */

/** A JSON event's fields as Logs Insights names them: dotted paths. */
function discoveredFields(
  value: unknown,
  prefix: string,
  into: Record<string, unknown>,
): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) {
      discoveredFields(inner, prefix ? `${prefix}.${key}` : key, into);
    }
    return;
  }
  if (prefix) into[prefix] = value;
}

/** Runs the query over raw events; returns the sum of its `stats sum`. */
export function runInsightsQuery(query: string, events: string[]): number {
  const commands = query.split('\n').map((c) => c.replace(/^\| /, ''));
  let rows: Record<string, unknown>[] = events.map((line) => {
    const fields: Record<string, unknown> = {};
    try {
      discoveredFields(JSON.parse(line) as unknown, '', fields);
    } catch {
      // A text event: only @message.
    }
    fields['@message'] = line;
    return fields;
  });
  const regex = (source: string) => new RegExp(source);
  let total = 0;
  for (const command of commands) {
    let m = /^fields coalesce\(([^)]+)\) as (\w+)$/.exec(command);
    if (m) {
      const names = (m[1] as string).split(', ');
      const as = m[2] as string;
      const value = (row: Record<string, unknown>, name: string) =>
        /^\d+$/.test(name) ? Number(name) : row[name];
      rows = rows.map((r) => ({
        ...r,
        [as]: names.map((n) => value(r, n)).find((v) => v != null),
      }));
      continue;
    }
    m = /^filter (.+)$/.exec(command);
    if (m) {
      const terms = (m[1] as string).split(' or ').map((term) => {
        const t = /^(\w+) like \/(.+)\/$/.exec(term);
        if (!t) throw new Error(`unsupported filter term: ${term}`);
        return { field: t[1] as string, re: regex(t[2] as string) };
      });
      rows = rows.filter((r) =>
        terms.some((t) => t.re.test(String(r[t.field] ?? ''))),
      );
      continue;
    }
    m = /^parse (\w+) \/(.+)\/$/.exec(command);
    if (m) {
      const [, field, source] = m as unknown as [string, string, string];
      rows = rows.map((r) => ({
        ...r,
        ...regex(source).exec(String(r[field] ?? ''))?.groups,
      }));
      continue;
    }
    m = /^stats sum\((\w+)\) as \w+ by bin\(\d+m\)$/.exec(command);
    if (m) {
      total = rows.reduce((sum, r) => sum + Number(r[m?.[1] as string]), 0);
      continue;
    }
    throw new Error(`command not evaluated here: ${command}`);
  }
  return total;
}
