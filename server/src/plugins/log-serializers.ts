// Error serialisation for the app's logger: Drizzle puts a failed query's parameters (message
// contents, email addresses) into the error's message and `params`; logs keep the SQL, not the values.
const PARAMS_LINE = /\nparams: [\s\S]*?(?=\n\s+at |$)/;
const REDACTED = '[redacted]';

const scrub = (text: string) => text.replace(PARAMS_LINE, `\nparams: ${REDACTED}`);

export interface SerializedError {
  [key: string]: unknown;
  type: string;
  message: string;
  stack: string;
}

/** pino's `err` shape (type, message, stack, own fields, cause) with query parameters removed. */
export function serializeError(err: Error, depth = 0): SerializedError {
  // pino hands anything logged under `err` here, errors or not.
  if (!(err instanceof Error)) return err as unknown as SerializedError;
  const out: SerializedError = { type: err.constructor?.name ?? err.name, message: scrub(String(err.message)), stack: '' };
  for (const [key, value] of Object.entries(err)) {
    if (key !== 'message' && key !== 'stack') out[key] = key === 'params' || key === 'parameters' ? REDACTED : value;
  }
  out.stack = typeof err.stack === 'string' ? scrub(err.stack) : '';
  if (err.cause !== undefined) {
    out.cause = err.cause instanceof Error && depth < 5 ? serializeError(err.cause, depth + 1) : err.cause;
  }
  return out;
}
