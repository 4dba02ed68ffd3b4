import type { Request } from 'express';
import { z } from 'zod';
import { HttpError } from './errors.js';

/** Consent and account ids: bounded, no separators, no dot segments (Express has already decoded %2F). */
const ID = /^[A-Za-z0-9_-][A-Za-z0-9_.:-]{0,127}$/;

export const isId = (value: unknown): value is string => typeof value === 'string' && ID.test(value) && !value.includes('..');

export function pathId(req: Request, name: string): string {
  const value = req.params[name];
  if (!isId(value)) {
    throw new HttpError(400, 'invalid_id', `The ${name} in the path is not a valid id.`);
  }
  return value;
}

export const autoShareBody = z.strictObject({ automatic_access: z.boolean() });
export const accountBody = z.strictObject({ enabled: z.boolean() });

/** Checks a JSON body against its schema; the message names the offending field. */
export function parseBody<T>(schema: z.ZodType<T>, req: Request): T {
  if (!req.is('application/json')) {
    throw new HttpError(415, 'unsupported_media_type', 'The request body must be application/json.');
  }
  const result = schema.safeParse(req.body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || (issue && 'keys' in issue ? (issue.keys as string[]).join(', ') : '');
  const reason = issue?.code === 'unrecognized_keys' ? 'is not allowed' : 'must be a boolean';
  throw new HttpError(400, 'invalid_body', field ? `Field "${field}" ${reason}.` : 'The request body is not valid.');
}
