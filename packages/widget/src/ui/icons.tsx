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
