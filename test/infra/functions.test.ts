import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  componentName,
  FUNCTION_NAMES,
  FUNCTION_TIMEOUT_SECONDS,
  functionHandler,
} from '../../infra/functions.ts';
import { TASK_TIMEOUT_SECONDS } from '../../workflows/definition.ts';

describe('functions', () => {
  it('stops each Lambda before its Task times out', () => {
    // Prepare / Act / Assess
    expect(FUNCTION_TIMEOUT_SECONDS).toBeLessThan(TASK_TIMEOUT_SECONDS.default);
  });

  it('points every function at a handler file that exists', () => {
    // Prepare / Act
    const missing = FUNCTION_NAMES.map(functionHandler)
      .map((handler) => handler.replace(/\.handler$/, '.ts'))
      .filter((path) => !existsSync(new URL(`../../${path}`, import.meta.url)));

    // Assess
    expect(missing).toEqual([]);
  });

  it('gives every function a distinct alphanumeric component name', () => {
    // Prepare / Act
    const names = FUNCTION_NAMES.map(componentName);

    // Assess
    expect(names).toContain('CollectEfs');
    expect(names).toContain('SlackInteractions');
    expect(new Set(names).size).toBe(FUNCTION_NAMES.length);
    expect(names.every((n) => /^[A-Z][A-Za-z0-9]*$/.test(n))).toBe(true);
  });
});
