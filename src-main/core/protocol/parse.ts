import type { z } from 'zod';
import { MalformedMessageError } from './errors.js';

/** Formats zod issues as "path: message; path: message" for logs and wire errors. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new MalformedMessageError(`invalid ${what}: ${describeIssues(result.error)}`);
  return result.data;
}

/** Parses a JSON text frame; size is checked by the transport before this is called. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedMessageError(`${what} is not valid JSON`);
  }
}
