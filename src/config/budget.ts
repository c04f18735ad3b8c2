import { z } from 'zod';
import { AfterburnerError } from '../errors.js';
import type { Budget, TokenPrice } from '../providers/usage-meter.js';

/** The budget fields as the CLI flags and the Action inputs both take them (text in, checked). */
export const budgetFields = {
  maxTokens: z.coerce.number().int().positive().optional(),
  maxCost: z.coerce.number().positive().optional(),
  price: z
    .string()
    .regex(/^\d+(\.\d+)?\/\d+(\.\d+)?$/, {
      error: 'expected INPUT/OUTPUT US dollars per million tokens, e.g. 0.4/1.6',
    })
    .optional(),
};

/**
 * The budget and price from checked fields. A cost budget needs a price; `names` spells each field the way the
 * user wrote it (`--max-cost`, `input 'max-cost'`).
 */
export function budgetOf(
  fields: { maxTokens?: number; maxCost?: number; price?: string },
  names: { maxCost: string; price: string },
): { budget: Budget; price?: TokenPrice } {
  if (fields.maxCost !== undefined && !fields.price) {
    throw new AfterburnerError(
      'usage',
      `${names.maxCost}: needs ${names.price} INPUT/OUTPUT to turn tokens into dollars`,
    );
  }
  const [inputPerMillion = 0, outputPerMillion = 0] = (fields.price ?? '').split('/').map(Number);
  return {
    budget: { maxTokens: fields.maxTokens, maxCostUsd: fields.maxCost },
    price: fields.price ? { inputPerMillion, outputPerMillion } : undefined,
  };
}
