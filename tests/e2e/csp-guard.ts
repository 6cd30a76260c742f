/**
 * A Playwright `test` that fails when anything in its browser context broke the Content-Security-Policy
 * (tools/security-headers.mjs): every spec that opens the app uses it, directly or through fixtures.ts.
 *
 * How violations are seen: Chromium logs the page's own to the console ("... violates the following Content Security
 * Policy directive ..."), but not those of workers, whose policy comes from their script's response. So a
 * `securitypolicyviolation` listener that logs a marked line runs in every page (an init script, before the app's
 * code), in every dedicated worker and in the service worker (evaluated as soon as Playwright sees them: a violation
 * in a worker's first instants would go unseen, but a blocked worker script or .wasm also fails the test's own
 * checks). A test that provokes a violation on purpose takes it out of `cspViolations` after checking it.
 */
import { test as base, type ConsoleMessage, expect, type Page, type Worker } from '@playwright/test';

/** Starts the lines the in-browser listener logs. */
export const VIOLATION_MARK = '[securitypolicyviolation]';

/** Runs in a window, worker or service worker; self-contained, as Playwright serialises it. */
function reportViolations(): void {
  globalThis.addEventListener(
    'securitypolicyviolation',
    (violation) => {
      const event = violation as SecurityPolicyViolationEvent;
      const where = `${event.sourceFile || '?'}:${event.lineNumber}`;
      console.error(
        `[securitypolicyviolation] ${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} at ${where}`,
      );
    },
    true,
  );
}

/**
 * Playwright's trace recorder (`trace: 'retain-on-failure'`) fetches the blob: URL of an <img> that failed to load
 * (a corrupt photo's thumbnail) to put it into its snapshot; connect-src refuses, though no code of the app's asked.
 * Its marks: a blob: URL and no source location at all (a fetch from any script has a line, and Chromium then says
 * "The action has been blocked", not "The request").
 */
function isTraceSnapshotFetch(message: ConsoleMessage): boolean {
  const text = message.text();
  if (text === `${VIOLATION_MARK} connect-src blocked blob at ?:0`) return true;
  return message.location().url === '' && TRACE_SNAPSHOT_FETCH.test(text);
}

const TRACE_SNAPSHOT_FETCH =
  /^Connecting to 'blob:[^']+' violates the following Content Security Policy directive: "connect-src [^"]+"\. The request has been blocked\./;

function isViolation(message: ConsoleMessage): boolean {
  const text = message.text();
  if (!text.startsWith(VIOLATION_MARK) && !/Content Security Policy/i.test(text)) return false;
  return !isTraceSnapshotFetch(message);
}

export const test = base.extend<{ cspViolations: string[] }>({
  /** Every CSP violation seen in the test's browser context so far, with where it happened. */
  cspViolations: [
    async ({ context }, use) => {
      const violations: string[] = [];
      context.on('console', (message) => {
        if (!isViolation(message)) return;
        const source = message.worker()?.url() ?? message.page()?.url() ?? 'browser';
        violations.push(`${source}: ${message.text()}`);
      });
      await context.addInitScript(reportViolations);
      // Not awaited: an ORT pthread sits in Atomics.wait and never runs the evaluation (harmless; it has no network
      // or DOM to violate the policy with).
      const watch = (worker: Worker) => void worker.evaluate(reportViolations).catch(() => {});
      const watchPage = (page: Page) => {
        page.on('worker', watch);
        page.workers().forEach(watch);
      };
      context.on('page', watchPage);
      context.pages().forEach(watchPage);
      context.on('serviceworker', watch);
      context.serviceWorkers().forEach(watch);

      await use(violations);

      expect(violations, 'Content Security Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});
