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
}

export interface WidgetHandle {
  open(): void;
  close(): void;
  toggle(): void;
  /**
   * Tells the widget who the visitor is. For now this only stores the token
   * and starts a fresh session and thread when it changes (so one person
   * never sees another's chat); the server verifies identity tokens in a
   * later release.
   */
  identify(token: string): Promise<void>;
  /** Forgets the identity, session and thread (call it on logout). */
  reset(): Promise<void>;
  destroy(): void;
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
  const client = createClient({
    baseUrl,
    publishableKey,
    storage,
    storageKey: `${prefix}:session`,
  });
  const start = () => {
    controller = new ChatController({ client, storage, storageKey: prefix });
    render(h(App, { controller, text }), mountPoint);
  };
  const restart = async () => {
    const open = controller.state.open;
    controller.destroy();
    render(null, mountPoint);
    storage.remove(`${prefix}:conversation`);
    await client.session.clear();
    if (open) storage.set(`${prefix}:open`, '1');
    start();
  };
  start();

  return {
    element: host,
    open: () => controller.setOpen(true),
    close: () => controller.setOpen(false),
    toggle: () => controller.setOpen(!controller.state.open),
    async identify(token) {
      if (storage.get(`${prefix}:identity`) === token) return;
      storage.set(`${prefix}:identity`, token);
      await restart();
    },
    async reset() {
      storage.remove(`${prefix}:identity`);
      await restart();
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
