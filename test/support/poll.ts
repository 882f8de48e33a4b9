export interface PollOptions {
  /** Give up after this long (the test then fails naming `what`). @defaultValue 20000 */
  timeoutMs?: number;
  /** Pause between checks. @defaultValue 100 */
  everyMs?: number;
  /** A check that throws counts as "not yet" (a server still starting refuses connections). @defaultValue false */
  ignoreErrors?: boolean;
  /** Appended to the timeout error, e.g. the tail of a server's log. */
  context?: () => string;
}

/**
 * Checks `check` until it returns a value other than undefined and returns that value. It waits on a condition,
 * never a fixed sleep standing in for one, and it is bounded, so a condition that never comes fails the test
 * instead of hanging it. Tests wait through this helper (directly, or through a thin wrapper such as `waitFor`).
 */
export async function poll<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  options: PollOptions = {},
): Promise<T> {
  const { timeoutMs = 20_000, everyMs = 100, ignoreErrors = false, context } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = ignoreErrors
      ? await Promise.resolve()
          .then(check)
          .catch(() => undefined)
      : await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${context === undefined ? '' : `\n${context()}`}`,
      );
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
