import type { ClientTool } from '@parley/sdk';
import { createClient } from '@parley/sdk';
import { h, render } from 'preact';
import { ChatController } from './chat/chat-controller.js';
import type { KeyValueStorage } from './storage.js';
import { browserStorage } from './storage.js';
import { App } from './ui/app.js';
import { css } from './ui/styles.js';

export interface WidgetOptions {
  /** The tenant's publishable key (`pk_…`); it only works from its allowed origins. */
  publishableKey: string;
  /** Where the Parley server is, e.g. `https://chat.example.com`. */
  baseUrl: string;
  /** Header title. */
  title?: string;
  /** Header subtitle. */
  subtitle?: string;
  /** First line in an empty thread. */
  greeting?: string;
  /** Start with the panel open. */
  open?: boolean;
  /** Where to put the widget; `document.body` by default. */
  container?: HTMLElement;
  /** Where the session and thread are remembered; localStorage by default. */
  storage?: KeyValueStorage;
  /** Tools the page runs itself (`execute` in the browser), offered to the model with every message. */
  tools?: ClientTool[];
}

export interface WidgetHandle {
  open(): void;
  close(): void;
  toggle(): void;
  /**
   * Tells the widget who the visitor is: an identity token your backend
   * signed. The server verifies it and the anonymous visitor's conversation
   * moves to that user. A different person than before starts afresh (one
   * person never sees another's chat). Rejects when the token is refused.
   */
  identify(token: string): Promise<void>;
  /** Forgets the identity, session and thread (call it on logout). */
  reset(): Promise<void>;
  destroy(): void;
  /** Adds (or replaces, by name) a client-side tool for the next messages. */
  registerTool(tool: ClientTool): void;
  /** The `<parley-widget>` host element. */
  readonly element: HTMLElement;
}

/** Mounts the launcher and panel inside a shadow root and wires them to the SDK. */
export function createWidget(options: WidgetOptions): WidgetHandle {
  const { publishableKey, baseUrl } = options;
  if (!/^pk_/.test(publishableKey ?? '')) {
    throw new Error(
      'Parley: publishableKey must be a pk_ key (never put an sk_ secret key in a web page)',
    );
  }
  const storage = options.storage ?? browserStorage();
  const prefix = `parley:${publishableKey.slice(-12)}`;
  if (options.open) storage.set(`${prefix}:open`, '1');

  const host = document.createElement('parley-widget');
  const shadow = host.attachShadow({ mode: 'open' });
  adoptCss(shadow);
  const mountPoint = document.createElement('div');
  shadow.append(mountPoint);
  (options.container ?? document.body).append(host);

  const text = {
    title: options.title ?? 'Chat with us',
    subtitle: options.subtitle ?? 'AI assistant',
    greeting: options.greeting ?? 'Hi! Ask us anything.',
  };
  let controller: ChatController;
  // One live list, shared by every controller this widget starts.
  const tools: ClientTool[] = [...(options.tools ?? [])];
  const client = createClient({
    baseUrl,
    publishableKey,
    storage,
    storageKey: `${prefix}:session`,
  });
  const start = () => {
    controller = new ChatController({ client, storage, storageKey: prefix, tools });
    render(h(App, { controller, text }), mountPoint);
  };
  const restart = async (endSession: () => Promise<void>) => {
    const open = controller.state.open;
    controller.destroy();
    render(null, mountPoint);
    storage.remove(`${prefix}:conversation`);
    await endSession();
    if (open) storage.set(`${prefix}:open`, '1');
    start();
  };
  start();

  return {
    element: host,
    open: () => controller.setOpen(true),
    close: () => controller.setOpen(false),
    toggle: () => controller.setOpen(!controller.state.open),
    registerTool(tool) {
      const i = tools.findIndex((t) => t.name === tool.name);
      if (i >= 0) tools[i] = tool;
      else tools.push(tool);
    },
    async identify(token) {
      const who = identitySubject(token);
      const previous = storage.get(`${prefix}:identity`);
      // Someone else was signed in here: their session and thread must not carry over.
      if (previous && previous !== who) await restart(() => client.session.logout());
      // An anonymous visitor is merged into the user, thread included; the same
      // user with a fresh token just gets a fresh session.
      await client.identify(token);
      storage.set(`${prefix}:identity`, who);
    },
    async reset() {
      storage.remove(`${prefix}:identity`);
      await restart(() => client.session.logout());
    },
    destroy() {
      controller.destroy();
      render(null, mountPoint);
      client.close();
      host.remove();
    },
  };
}

/**
 * Constructed stylesheets are not inline styles, so the widget works on pages
 * whose CSP forbids 'unsafe-inline'; a <style> element is the fallback.
 */
function adoptCss(shadow: ShadowRoot): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    shadow.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = css;
    shadow.append(style);
  }
}

/**
 * Who an identity token is for (its unverified `sub`), only to notice a
 * different person; the server verifies the token. The token itself if unreadable.
 */
function identitySubject(token: string): string {
  try {
    const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const sub = (JSON.parse(atob(payload)) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? `sub:${sub}` : token;
  } catch {
    return token;
  }
}
