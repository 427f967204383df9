/** @parley/widget for bundlers: mount the chat widget yourself. */
export { createWidget } from './create-widget.js';
export type { WidgetHandle, WidgetOptions } from './create-widget.js';
export type { KeyValueStorage } from './storage.js';
export { WIDGET_VERSION } from './version.js';
