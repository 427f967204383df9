import type { WidgetOptions } from './create-widget.js';

/**
 * Options from the script tag:
 * `<script src="https://HOST/widget.js" data-parley-key="pk_…" async></script>`.
 * The server is wherever widget.js came from, unless data-parley-base-url says otherwise.
 */
export function readScriptConfig(script: HTMLScriptElement): Partial<WidgetOptions> {
  const d = script.dataset;
  const config: Partial<WidgetOptions> = {
    baseUrl: (d.parleyBaseUrl ?? new URL('.', script.src || location.href).href).replace(
      /\/+$/,
      '',
    ),
  };
  if (d.parleyKey) config.publishableKey = d.parleyKey;
  if (d.parleyTitle) config.title = d.parleyTitle;
  if (d.parleySubtitle) config.subtitle = d.parleySubtitle;
  if (d.parleyGreeting) config.greeting = d.parleyGreeting;
  if (d.parleyOpen === 'true') config.open = true;
  return config;
}
