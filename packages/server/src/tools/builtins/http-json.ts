import { UpstreamHttpError } from '../net/upstream-error.js';

/** Fails with the service's status; the runtime tells the model only that the service failed. */
export async function jsonOrThrow(res: Response, service: string): Promise<any> {
  if (!res.ok) {
    await res.body?.cancel();
    throw new UpstreamHttpError(service, res.status);
  }
  return res.json();
}
