/** One line of `npm run bench`: bench/results.json is an array of these. */
export type Figure = {
  figure: string;
  value: number;
  unit: string;
  budget: string;
};

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Whether a value meets a budget written as "<= N unit". */
export function withinBudget(figure: Figure): boolean | null {
  const match = /^<=\s*([\d.]+)/.exec(figure.budget);
  if (!match?.[1]) return null;
  return figure.value <= Number(match[1]);
}
