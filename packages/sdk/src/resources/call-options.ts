/** Options every request method takes. */
export interface CallOptions {
  /** Aborts the request; the promise rejects with `APIUserAbortError`. */
  signal?: AbortSignal;
}
