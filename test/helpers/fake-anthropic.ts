import { type FakeServer, type ScriptedReply, sendJson, startJsonServer } from './fake-openai.js';

export interface MessagesRequest {
  model: string;
  max_tokens: number;
  system?: string;
  messages: { role: string; content: string }[];
  [key: string]: unknown;
}

export type FakeAnthropic = FakeServer<MessagesRequest>;

/**
 * A loopback server speaking Anthropic's messages wire format (POST /v1/messages). `nth` counts earlier requests
 * with the same messages. Errors use Anthropic's `{ type: 'error', error: { type, message } }` shape.
 */
export async function startFakeAnthropic(
  answer: (request: MessagesRequest, nth: number) => ScriptedReply,
): Promise<FakeAnthropic> {
  let count = 0;
  return startJsonServer<MessagesRequest>({
    route: '/v1/messages',
    baseSuffix: '',
    keyOf: (request) => JSON.stringify([request.system, request.messages]),
    validate: (request) => {
      if (typeof request.model !== 'string') return 'model: Field required';
      if (typeof request.max_tokens !== 'number') return 'max_tokens: Field required';
      if (!Array.isArray(request.messages) || request.messages.length === 0)
        return 'messages: Field required';
      if (request.messages.some((m) => m.role !== 'user' && m.role !== 'assistant')) {
        return 'messages: roles must be user or assistant (system goes in the top-level system field)';
      }
      return undefined;
    },
    handle: (request, nth, res) => {
      const reply = answer(request, nth);
      if (typeof reply === 'object' && 'hang' in reply) return;
      if (typeof reply !== 'string') return sendJson(res, reply.status, reply.body, reply.headers);
      count++;
      sendJson(res, 200, {
        id: `msg_${count}`,
        type: 'message',
        role: 'assistant',
        model: request.model,
        content: [{ type: 'text', text: reply }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: {
          input_tokens: Math.ceil(JSON.stringify([request.system, request.messages]).length / 4),
          output_tokens: Math.ceil(reply.length / 4),
        },
      });
    },
  });
}
