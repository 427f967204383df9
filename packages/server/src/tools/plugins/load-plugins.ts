import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ToolDefinition } from '../define-tool.js';
import { isToolDefinition } from '../define-tool.js';

/**
 * Loads the tools of PARLEY_TOOL_PLUGINS. Each entry is a file path
 * (relative to the working directory) or an npm module name (resolved from
 * the working directory, where the operator installed it). A module exports
 * a `defineTool(...)` result or an array of them, as default or named
 * exports. Anything else fails the start with a message naming the plugin.
 */
export async function loadPlugins(specs: string[], cwd = process.cwd()): Promise<ToolDefinition[]> {
  const tools: ToolDefinition[] = [];
  for (const spec of specs) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(resolveSpecifier(spec, cwd))) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`Tool plugin "${spec}" could not be loaded: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const found = new Set<ToolDefinition>();
    for (const value of Object.values(mod)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (isToolDefinition(item)) found.add(item);
      }
    }
    if (found.size === 0) {
      throw new Error(`Tool plugin "${spec}" exports no tool made with defineTool()`);
    }
    tools.push(...found);
  }
  return tools;
}

function resolveSpecifier(spec: string, cwd: string): string {
  if (spec.startsWith('.') || path.isAbsolute(spec)) {
    return pathToFileURL(path.resolve(cwd, spec)).href;
  }
  try {
    return pathToFileURL(createRequire(path.join(cwd, 'package.json')).resolve(spec)).href;
  } catch {
    return spec; // ESM-only packages: let import() resolve it
  }
}
