/** The wall clock a deployed function reads. */
import type { Clock } from '../../domain/ports.ts';

/** Now, from the system clock. */
export const systemClock: Clock = { now: () => new Date() };
