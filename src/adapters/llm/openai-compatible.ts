/**
 * @module adapters/llm/openai-compatible
 * A ChatModel over any OpenAI-compatible `/chat/completions` endpoint (Ollama `/v1`, vLLM,
 * llama.cpp server, hosted APIs). Uses Node's fetch; the API key comes from configuration or the
 * environment and is never logged.
 */
import type { ChatModel, ChatRequest, ChatResponse } from '../../ports/llm.js';

export interface OpenAiCompatibleOptions {
  /** e.g. http://127.0.0.1:11434/v1 */
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  /** Injected for record/replay tests; defaults to global fetch. */
  fetchImpl?: typeof fetch;
}

export class LlmError extends Error {
  override readonly name = 'LlmError';
}

export function openAiCompatibleModel(opts: OpenAiCompatibleOptions): ChatModel {
  const url = opts.baseUrl.replace(/\/+$/, '') + '/chat/completions';
  const doFetch = opts.fetchImpl ?? fetch;
  return {
    id: `openai-compatible:${opts.model}`,
    async complete(req: ChatRequest, signal?: AbortSignal): Promise<ChatResponse> {
      const timeout = AbortSignal.timeout(opts.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let res: Response;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
          },
          body: JSON.stringify({
            model: opts.model,
            messages: req.messages,
            temperature: req.temperature,
            max_tokens: req.maxTokens,
            stream: false,
          }),
          signal: combined,
        });
      } catch (e) {
        throw new LlmError(`language model unreachable at ${url}: ${(e as Error).message}`);
      }
      if (!res.ok) throw new LlmError(`language model returned HTTP ${res.status}`);
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        throw new LlmError('language model returned a body that is not JSON');
      }
      const choice = (body as { choices?: Array<{ message?: { content?: unknown } }> }).choices?.[0];
      const text = choice?.message?.content;
      if (typeof text !== 'string')
        throw new LlmError('language model response has no choices[0].message.content');
      const model = (body as { model?: unknown }).model;
      return { text, model: typeof model === 'string' ? model : opts.model };
    },
  };
}
