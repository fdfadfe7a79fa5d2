/**
 * @module ports/llm
 * The optional language model behind synthesis: an OpenAI-compatible chat completion (Ollama,
 * vLLM, llama.cpp server, or a hosted API). Off by default; whatever it writes passes the citation
 * verifier before anyone sees it.
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
}

export interface ChatResponse {
  text: string;
  /** Model id as reported by the server (recorded in the audit). */
  model: string;
}

export interface ChatModel {
  readonly id: string;
  complete(req: ChatRequest, signal?: AbortSignal): Promise<ChatResponse>;
}
