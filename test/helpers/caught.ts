/** The error a promise rejects with (fails the test if it resolves), typed loosely for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: tests read class-specific fields off errors.
export async function caught(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject, but it resolved");
}
