import type { ProposalReply, ProposalRequest, Provider } from '../providers/types.js';

/** The target's model time is spent: the loop stops with this reason and later targets still run. */
export class ModelTimeExceededError extends Error {
  constructor(limitMs: number) {
    super(`model time limit reached: this function waited ${formatSeconds(limitMs)} for the model`);
    this.name = 'ModelTimeExceededError';
  }
}

const formatSeconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/**
 * Asks `source` within `remainingMs`: past it the request is aborted and the promise rejects at once, whether or
 * not the provider honours the signal.
 */
export async function proposeWithin(
  source: Provider,
  request: ProposalRequest,
  remainingMs: number,
  limitMs: number,
): Promise<ProposalReply> {
  if (remainingMs <= 0) throw new ModelTimeExceededError(limitMs);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ModelTimeExceededError(limitMs));
    }, remainingMs);
  });
  const reply = source.propose({ ...request, signal: controller.signal });
  // Once the limit won the race, the aborted request's own rejection has no one left to hear it.
  reply.catch(() => {});
  try {
    return await Promise.race([reply, expired]);
  } finally {
    clearTimeout(timer);
  }
}
