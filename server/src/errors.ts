// One error shape for REST and WebSocket: `{ error: { code, message, ref? } }`, codes listed here.
export const ERROR_CODES = {
  bad_request: 400,
  validation_failed: 400,
  invalid_id: 400,
  empty_message: 400,
  message_too_long: 400,
  bad_frame: 400,
  confirmation_required: 400,
  unauthorized: 401,
  token_missing: 401,
  token_invalid: 401,
  token_expired: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  anonymous_disabled: 403,
  not_found: 404,
  chat_not_found: 404,
  user_not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.statusCode = ERROR_CODES[code];
  }
}

export interface ErrorBody {
  error: { code: string; message: string; ref?: string; [extra: string]: unknown };
}

export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): ErrorBody {
  return { error: { code, message, ...extra } };
}
