import type { ClientTool } from '@parley/sdk';
import type { WidgetHandle, WidgetOptions } from './create-widget.js';
import { createWidget } from './create-widget.js';
import { readScriptConfig } from './script-config.js';
import { WIDGET_VERSION } from './version.js';

/** `window.Parley`: what a page can call once widget.js has loaded. */
export interface ParleyGlobal {
  version: string;
  /** Mounts the widget (replacing one already mounted). Options override the script tag's. */
  init(options?: Partial<WidgetOptions>): WidgetHandle;
  open(): void;
  close(): void;
  identify(token: string): Promise<void>;
  reset(): Promise<void>;
  /** Adds a client-side tool (`{ name, description, parameters, execute }`) for the next messages. */
  registerTool(tool: ClientTool): void;
  destroy(): void;
}

declare global {
  interface Window {
    Parley?: ParleyGlobal;
  }
}

/** Entry of dist/widget.js: installs `window.Parley` and mounts from the script tag. */
function boot(script: HTMLScriptElement | null): void {
  if (window.Parley) return; // widget.js included twice
  const fromTag = script ? readScriptConfig(script) : {};
  let widget: WidgetHandle | null = null;
  const current = (): WidgetHandle => {
    if (!widget) throw new Error('Parley: call Parley.init({ publishableKey }) first');
    return widget;
  };
  const api: ParleyGlobal = {
    version: WIDGET_VERSION,
    init(options = {}) {
      widget?.destroy();
      const merged = { ...fromTag, ...options };
      if (!merged.publishableKey || !merged.baseUrl) {
        throw new Error('Parley.init: publishableKey and baseUrl are required');
      }
      widget = createWidget(merged as WidgetOptions);
      return widget;
    },
    open: () => current().open(),
    close: () => current().close(),
    identify: (token) => current().identify(token),
    reset: () => current().reset(),
    registerTool: (tool) => current().registerTool(tool),
    destroy() {
      widget?.destroy();
      widget = null;
    },
  };
  window.Parley = api;
  if (fromTag.publishableKey) whenBodyReady(() => api.init());
  window.dispatchEvent(new CustomEvent('parley:ready'));
}

function whenBodyReady(run: () => void): void {
  if (document.body) run();
  else document.addEventListener('DOMContentLoaded', run, { once: true });
}

boot(document.currentScript as HTMLScriptElement | null);
