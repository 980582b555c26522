// REST calls to the support-chat server with `Authorization: Bearer`; errors become ApiError with the
// server's stable `code` so callers branch on codes, never on messages.
import type { ErrorBody } from './protocol.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds the server asked us to wait (rate limits). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClient {
  request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

/**
 * `token` is read on every call so a refreshed token is used at once. A network failure throws
 * ApiError with status 0 and code `network_error`.
 */
export function createApiClient(
  server: string,
  token: () => string | null | undefined,
  fetchImpl: typeof fetch = (...args) => fetch(...args),
): ApiClient {
  const base = server.replace(/\/+$/, '');
  return {
    async request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
      const headers: Record<string, string> = {};
      const bearer = token();
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await fetchImpl(base + path, {
          method,
          headers,
          body: body === undefined ? null : JSON.stringify(body),
        });
      } catch (err) {
        throw new ApiError(0, 'network_error', err instanceof Error ? err.message : String(err));
      }
      const text = await response.text();
      const data: unknown = text ? JSON.parse(text) : undefined;
      if (!response.ok) {
        const error = (data as Partial<ErrorBody> | undefined)?.error;
        throw new ApiError(
          response.status,
          error?.code ?? 'http_error',
          error?.message ?? `HTTP ${response.status}`,
          error?.retry_after,
        );
      }
      return data as T;
    },
  };
}
