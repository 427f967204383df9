import type { ChatMessage, ToolSpec } from './provider.js';

/** The slice of the Gemini REST request this adapter sends. */
export interface GeminiPart {
  text?: string;
  functionCall?: { name: string; args: Record<string, unknown> };
  functionResponse?: { name: string; response: Record<string, unknown> };
  thoughtSignature?: string;
}
export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

/**
 * Provider-neutral history → Gemini `contents`: system prompts go to
 * `systemInstruction`, tool calls to `functionCall` parts (with the thought
 * signature Gemini 3 requires back), tool results to `functionResponse`
 * parts of one user turn.
 */
export function toGeminiRequest(
  messages: ChatMessage[],
  tools: ToolSpec[] | undefined,
  maxOutputTokens: number | undefined,
): Record<string, unknown> {
  const system: string[] = [];
  const contents: GeminiContent[] = [];
  for (const m of messages) {
    switch (m.role) {
      case 'system':
        system.push(m.content);
        break;
      case 'user':
        contents.push({ role: 'user', parts: [{ text: m.content }] });
        break;
      case 'assistant': {
        const parts: GeminiPart[] = [];
        if (m.content) parts.push({ text: m.content });
        for (const c of m.toolCalls ?? []) {
          parts.push({
            functionCall: { name: c.name, args: asObject(c.argsJson) },
            ...(c.signature ? { thoughtSignature: c.signature } : {}),
          });
        }
        if (parts.length > 0) contents.push({ role: 'model', parts });
        break;
      }
      case 'tool': {
        const part: GeminiPart = {
          functionResponse: { name: m.name, response: toolResponse(m.content, m.isError) },
        };
        const last = contents.at(-1);
        if (last?.role === 'user' && last.parts.every((p) => p.functionResponse)) {
          last.parts.push(part);
        } else {
          contents.push({ role: 'user', parts: [part] });
        }
        break;
      }
    }
  }
  return {
    contents,
    ...(system.length ? { systemInstruction: { parts: [{ text: system.join('\n\n') }] } } : {}),
    ...(tools?.length
      ? {
          tools: [
            {
              // parametersJsonSchema takes JSON Schema as is (no OpenAPI-subset conversion).
              functionDeclarations: tools.map((t) => ({
                name: t.name,
                description: t.description,
                parametersJsonSchema: t.parameters,
              })),
            },
          ],
        }
      : {}),
    ...(maxOutputTokens ? { generationConfig: { maxOutputTokens } } : {}),
  };
}

function asObject(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** `functionResponse.response` must be an object: a JSON object result as is, anything else wrapped. */
function toolResponse(content: string, isError?: boolean): Record<string, unknown> {
  if (isError) return { error: content };
  try {
    const v: unknown = JSON.parse(content);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    return { result: v };
  } catch {
    return { result: content };
  }
}
