import type { ToolSpec } from '../providers/provider.js';
import type { ToolDefinition } from './define-tool.js';

export type ToolKind = 'builtin' | 'plugin' | 'http' | 'mcp' | 'client';

/** A tool as one turn sees it: the definition plus this tenant's settings. */
export interface ResolvedTool {
  def: ToolDefinition;
  kind: ToolKind;
  /** The tenant's config for the tool, passed to execute as ctx.config. */
  config: Record<string, unknown>;
  needsApproval: boolean;
  timeoutMs: number;
}

/** The tools offered to the model in one turn. */
export class ToolSet {
  private readonly tools = new Map<string, ResolvedTool>();
  private specList: ToolSpec[] | null = null;

  add(tool: ResolvedTool): void {
    this.tools.set(tool.def.name, tool);
    this.specList = null;
  }

  get(name: string): ResolvedTool | undefined {
    return this.tools.get(name);
  }

  has(name: string): boolean {
    return this.tools.has(name);
  }

  get size(): number {
    return this.tools.size;
  }

  /** What the provider sends to the model; undefined when there are no tools. */
  specs(): ToolSpec[] | undefined {
    if (this.tools.size === 0) return undefined;
    this.specList ??= [...this.tools.values()].map(({ def }) => ({
      name: def.name,
      description: def.description,
      parameters: def.parameters,
    }));
    return this.specList;
  }
}
