/** Inline icons: no requests, no fonts, hidden from screen readers. */
const svg = (d: string) => (
  <svg
    aria-hidden="true"
    width="22"
    height="22"
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
  >
    <path d={d} />
  </svg>
);

export const ChatIcon = () => svg('M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z');
export const CloseIcon = () => svg('M6 6l12 12M18 6L6 18');
export const SendIcon = () => svg('M5 12h13M12 5l7 7-7 7');
export const PlusIcon = () => svg('M12 5v14M5 12h14');
/** A lightbulb-ish brain stand-in: "what I remember". */
export const MemoryIcon = () =>
  svg('M9 18h6M10 21h4M12 3a6 6 0 0 0-4 10.5c.6.6 1 1.4 1 2.5h6c0-1.1.4-1.9 1-2.5A6 6 0 0 0 12 3z');
