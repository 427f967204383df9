import { randomUUID } from 'node:crypto';
import type { ChatMessage, ProviderRequest, ToolCallRequest } from './provider.js';

/**
 * The offline provider's only "intelligence": a few fixed rules so tools can
 * be tried without a model. An arithmetic or unit expression calls the
 * calculator, "weather in <place>" calls the weather tool (when the tenant
 * offers them; "where I live" uses the recalled memory of where the user
 * lives); after a tool result it reports that result verbatim.
 */
export type OfflineStep = { call: ToolCallRequest } | { toolReport: string } | null;

const LEAD = /^(?:what(?:'s| is)|calculate|compute|convert|how much is)\s+/i;
const EXPRESSION =
  /^[-+*/^().,%\d\s]*\d[-+*/^().,%\d\s]*(?:[a-zA-Z]+[-+*/^().\d\s]*)?(?:\s+(?:to|in)\s+[a-zA-Z]+)?$/;
const WEATHER = /\bweather\b.*?\b(?:in|for|at)\s+([^?!.]+)/i;
const WEATHER_ASKED = /\bweather\b/i;
/** Places that mean "wherever the user lives": answered from recalled memory. */
const HOME = /^(?:where i live|my (?:city|town|place|home)|home|here)$/i;
/** A recalled fact saying where the user lives. */
const REMEMBERED_HOME = /^User lives in (.+?)\.?$/i;

export function offlineToolStep(req: ProviderRequest): OfflineStep {
  const last = req.messages.at(-1);
  if (last?.role === 'tool') return { toolReport: reportToolResults(req.messages) };
  if (last?.role !== 'user') return null;
  const offered = new Set((req.tools ?? []).map((t) => t.name));
  const text = last.content.trim();
  const expression = text.replace(LEAD, '').replace(/[?!.=\s]+$/, '');
  if (
    offered.has('calculator') &&
    EXPRESSION.test(expression) &&
    (/[-+*/^]/.test(expression) || /\s(?:to|in)\s/.test(expression))
  ) {
    return { call: offlineCall('calculator', { expression }) };
  }
  if (!offered.has('weather') || !WEATHER_ASKED.test(text)) return null;
  let place = WEATHER.exec(text)?.[1]?.trim() ?? null;
  if (!place || HOME.test(place)) place = rememberedHome(req.recalled ?? []);
  return place ? { call: offlineCall('weather', { location: place }) } : null;
}

/** Where the user lives, if memory recalled it for this turn. */
function rememberedHome(recalled: readonly string[]): string | null {
  for (const fact of recalled) {
    const home = REMEMBERED_HOME.exec(fact.trim())?.[1]?.trim();
    if (home) return home;
  }
  return null;
}

function offlineCall(name: string, args: Record<string, unknown>): ToolCallRequest {
  return {
    id: `call_offline_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    name,
    argsJson: JSON.stringify(args),
  };
}

/** The trailing tool results, each as its `summary`/`result` when it has one. */
function reportToolResults(messages: ChatMessage[]): string {
  const results: string[] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== 'tool') break;
    results.unshift(`${m.name}: ${readable(m.content)}`);
  }
  return results.join('; ');
}

function readable(content: string): string {
  try {
    const v = JSON.parse(content) as Record<string, unknown> | null;
    if (v && typeof v === 'object') {
      if (typeof v.error === 'string') return `failed (${v.error})`;
      if (typeof v.summary === 'string') return v.summary;
      if (typeof v.result === 'string') return v.result;
    }
  } catch {
    // plain text result
  }
  return content.length > 500 ? `${content.slice(0, 500)}…` : content;
}
