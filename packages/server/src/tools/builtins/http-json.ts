/** Fails with the service's status so the model can tell the user what went wrong. */
export async function jsonOrThrow(res: Response, service: string): Promise<any> {
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`${service} answered HTTP ${res.status}`);
  }
  return res.json();
}
