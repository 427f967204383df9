const FOCUSABLE = 'button:not([disabled]),textarea:not([disabled]),a[href],[tabindex="0"]';

/**
 * Keeps Tab inside the open panel: from the last control back to the first
 * and the other way round. Works inside a shadow root, where
 * `document.activeElement` is only the host.
 */
export function trapTab(event: KeyboardEvent, container: HTMLElement): void {
  if (event.key !== 'Tab') return;
  const nodes = [...container.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const first = nodes[0];
  const last = nodes[nodes.length - 1];
  if (!first || !last) return;
  const active = (container.getRootNode() as ShadowRoot | Document).activeElement;
  const inside = active instanceof HTMLElement && container.contains(active);
  if (event.shiftKey && (active === first || !inside)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !inside)) {
    event.preventDefault();
    first.focus();
  }
}
