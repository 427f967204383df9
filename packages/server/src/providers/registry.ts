import type { ChatProvider } from './provider.js';

/** Resolves `provider:model` strings to an adapter and a model name. */
export class ProviderRegistry {
  private readonly providers = new Map<string, ChatProvider>();

  register(provider: ChatProvider): this {
    this.providers.set(provider.id, provider);
    return this;
  }

  has(id: string): boolean {
    return this.providers.has(id);
  }

  resolve(spec: string): { provider: ChatProvider; model: string } | null {
    const i = spec.indexOf(':');
    const id = i < 0 ? spec : spec.slice(0, i);
    const model = i < 0 ? '' : spec.slice(i + 1);
    const provider = this.providers.get(id);
    return provider ? { provider, model } : null;
  }
}
