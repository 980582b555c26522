// Parses and validates client frames with TypeBox's compiled checkers, one per frame type, so a bad
// frame gets an error naming the field instead of "does not match the union".
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import {
  AuthFrame,
  MarkReadFrame,
  PingFrame,
  SendMessageFrame,
  SubscribeAdminFrame,
  SubscribeChatFrame,
  TypingFrame,
  UnsubscribeFrame,
  type ClientFrame,
} from '../schemas/frames.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// The compiler rejects unknown formats; Fastify's Ajv knows uuid, TypeBox's registry does not.
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (value) => UUID.test(value));

const checkers: Record<ClientFrame['type'], TypeCheck<TSchema>[]> = {
  auth: [TypeCompiler.Compile(AuthFrame)],
  subscribe: [TypeCompiler.Compile(SubscribeChatFrame), TypeCompiler.Compile(SubscribeAdminFrame)],
  unsubscribe: [TypeCompiler.Compile(UnsubscribeFrame)],
  send_message: [TypeCompiler.Compile(SendMessageFrame)],
  typing: [TypeCompiler.Compile(TypingFrame)],
  mark_read: [TypeCompiler.Compile(MarkReadFrame)],
  ping: [TypeCompiler.Compile(PingFrame)],
};

export type ParsedFrame =
  | { ok: true; frame: ClientFrame }
  /** `clientId` is set when the frame looks like a send_message, so the error can name it. */
  | { ok: false; message: string; clientId?: string };

export function parseClientFrame(data: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { ok: false, message: 'Frame is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'Frame must be a JSON object' };
  }
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string' || !Object.hasOwn(checkers, type)) {
    return { ok: false, message: 'Unknown frame type' };
  }
  const candidates = checkers[type as ClientFrame['type']];
  for (const checker of candidates) {
    if (checker.Check(value)) return { ok: true, frame: value as ClientFrame };
  }
  // For subscribe, report against the variant the client meant.
  const checker = (type === 'subscribe' && record.channel === 'admin' ? candidates[1] : candidates[0])!;
  const first = checker.Errors(value).First();
  const where = first?.path ? `${first.path}: ` : '';
  const clientId = type === 'send_message' && typeof record.client_id === 'string' ? record.client_id.slice(0, 64) : undefined;
  return {
    ok: false,
    message: `Invalid ${type} frame: ${where}${first?.message ?? 'does not match the schema'}`,
    ...(clientId !== undefined ? { clientId } : {}),
  };
}
