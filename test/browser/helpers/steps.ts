/** Runs a step of page-app.ts in the page, typed by the step's own signature. */
import type { Page } from "puppeteer-core";
import type { Steps } from "./page-app.js";

export async function step<K extends keyof Steps>(
  page: Page,
  name: K,
  args: Parameters<Steps[K]>[0],
): Promise<Awaited<ReturnType<Steps[K]>>> {
  return (await page.evaluate(
    (stepName, stepArgs) =>
      (globalThis as unknown as { matterapiTest: Record<string, (a: unknown) => Promise<unknown>> }).matterapiTest[
        stepName
      ](stepArgs),
    name,
    args as never,
  )) as Awaited<ReturnType<Steps[K]>>;
}

/** Polls `check` until it is true or `ms` passed; returns the last value. */
export async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 25));
  return check();
}
