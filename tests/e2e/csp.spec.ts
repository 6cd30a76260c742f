/**
 * The Content-Security-Policy and security headers of tools/security-headers.mjs on the production build: the same
 * policy in index.html's <meta>, in public/_headers (hence on every response of tools/serve.mjs, which honours it),
 * and from the service worker on a host that sends no headers; framing is refused; injected markup runs no script and
 * adds no style; a photo is classified under it with WASM threads. (Every spec fails on any violation: csp-guard.ts.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONTENT_SECURITY_POLICY,
  CONTENT_SECURITY_POLICY_META,
  REFERRER_POLICY,
  SECURITY_HEADERS,
} from '../../tools/security-headers.mjs';
import { test as guardedTest } from './csp-guard';
import { expect, makePng, openApp, PHOTO_INPUT, REPO_ROOT, test, waitForSettled } from './fixtures';
import { recordConsole, requireDist, startStaticServer, waitForServiceWorker } from './pwa-helpers';

/** The security headers among `headers` (whose names Playwright gives in lower case). */
function securityHeadersIn(headers: Record<string, string>): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, headers[name.toLowerCase()]]));
}

/** The headers public/_headers (as copied into dist/) gives every path, from its `/*` block. */
function headersFileRules(): Record<string, string> {
  const lines = readFileSync(join(REPO_ROOT, 'dist/_headers'), 'utf8').split('\n');
  const block = lines.slice(lines.indexOf('/*') + 1);
  const end = block.findIndex((line) => !/^\s+\S/.test(line));
  return Object.fromEntries(
    block.slice(0, end === -1 ? undefined : end).map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
    }),
  );
}

test('the same policy is in the built HTML, on every response of tools/serve.mjs and in _headers', async ({
  page,
  request,
}) => {
  const complaints: string[] = [];
  page.on('console', (message) => {
    if (/Permissions-Policy|Referrer Policy|Content Security Policy/i.test(message.text()))
      complaints.push(message.text());
  });
  const response = await page.goto('./');
  await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');
  expect(securityHeadersIn(response?.headers() ?? {})).toEqual(SECURITY_HEADERS);
  expect(complaints, 'the browser accepted every header').toEqual([]);

  // The meta tags: the header's policy less frame-ancestors (a meta policy cannot carry it), before everything
  // they govern.
  expect(CONTENT_SECURITY_POLICY).toBe(`${CONTENT_SECURITY_POLICY_META}; frame-ancestors 'none'`);
  const head = await page.evaluate(() => {
    const children = [...document.head.children];
    const csp = document.head.querySelector('meta[http-equiv="Content-Security-Policy"]');
    const governed = children.findIndex((element) => element.matches('script, link, style, base'));
    return {
      policy: csp?.getAttribute('content'),
      first: csp !== null && children.indexOf(csp) < governed,
      referrer: document.head.querySelector('meta[name="referrer"]')?.getAttribute('content'),
    };
  });
  expect(head).toEqual({ policy: CONTENT_SECURITY_POLICY_META, first: true, referrer: REFERRER_POLICY });

  // Every file: a worker's policy comes from its script's response, not from the page.
  const dist = requireDist();
  const paths = [
    'sw.js',
    'manifest.webmanifest',
    'models/index.json',
    ...readdirSync(join(dist, 'assets'))
      .filter((name) => !name.endsWith('.map'))
      .map((name) => `assets/${name}`),
  ];
  for (const path of paths) {
    const head = await request.head(path);
    expect(head.status(), path).toBe(200);
    expect([path, securityHeadersIn(head.headers())]).toEqual([path, SECURITY_HEADERS]);
  }

  // A precompressed copy (tools/precompress.mjs) goes out with the same headers, typed as the file it stands for.
  const wasm = paths.find((path) => /ort-wasm-simd-threaded.*\.wasm$/.test(path)) ?? 'no .wasm in dist/assets';
  for (const [accept, encoding] of [
    ['br', 'br'],
    ['gzip', 'gzip'],
    ['identity', undefined],
  ] as const) {
    const headers = (await request.head(wasm, { headers: { 'Accept-Encoding': accept } })).headers();
    expect([accept, headers['content-encoding'], headers['content-type'], headers.vary]).toEqual([
      accept,
      encoding,
      'application/wasm',
      'Accept-Encoding',
    ]);
    expect(securityHeadersIn(headers)).toEqual(SECURITY_HEADERS);
  }

  // Netlify / Cloudflare Pages: public/_headers says the same.
  expect(headersFileRules()).toMatchObject(SECURITY_HEADERS);
});

test('no page may frame the app', async ({ page, baseURL, cspViolations, requests }) => {
  await page.setContent(`<iframe src="${new URL('./', baseURL)}"></iframe>`);
  await expect.poll(() => cspViolations.length).toBeGreaterThan(0);
  expect(page.frames()[1]?.url()).toMatch(/^chrome-error:/);
  expect(requests.map((r) => r.url()).filter((url) => url.includes('/assets/'))).toEqual([]);
  // The refusal was the policy's doing (and is the one violation this test expects).
  for (const violation of cspViolations.splice(0)) expect(violation).toContain("frame-ancestors 'none'");
});

test('markup injected into the page runs no script and adds no style', async ({ page, cspViolations }) => {
  await openApp(page);
  const outcome = await page.evaluate(async () => {
    const flags = window as unknown as Record<string, unknown>;
    const script = document.createElement('script');
    script.textContent = 'window.__injectedScript = true';
    document.body.append(script);
    // What text from a stranger's file would do if it were ever set as HTML.
    const holder = document.createElement('div');
    holder.innerHTML =
      '<img src="data:," onerror="window.__injectedHandler = true"><style>#app { visibility: hidden }</style>';
    document.body.append(holder);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const app = document.querySelector('#app');
    return {
      script: flags.__injectedScript ?? false,
      handler: flags.__injectedHandler ?? false,
      visibility: app ? getComputedStyle(app).visibility : null,
    };
  });
  expect(outcome).toEqual({ script: false, handler: false, visibility: 'visible' });
  const seen = cspViolations.splice(0).join('\n');
  for (const directive of ['script-src-elem', 'script-src-attr', 'style-src-elem']) expect(seen).toContain(directive);
});

test('a photo is classified under the policy, with WASM threads; the worker has the policy too', async ({
  page,
  cspViolations,
}) => {
  await openApp(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(Number(await page.locator('#app').getAttribute('data-threads'))).toBeGreaterThan(1);
  await page.setInputFiles(PHOTO_INPUT, [await makePng('csp.png', 3)]);
  const [card] = await waitForSettled(page, 1);
  expect(card?.status).toBe('done');
  expect(card?.predictions.length).toBeGreaterThan(0);

  // The inference worker (the page's first) runs under the header's policy: it cannot reach another origin.
  const worker = page.workers()[0];
  const blocked = await worker?.evaluate(
    () =>
      new Promise<string>((resolve) => {
        self.addEventListener('securitypolicyviolation', (event) => resolve(event.effectiveDirective));
        fetch('http://127.0.0.1:9/').catch(() => setTimeout(() => resolve('no violation'), 500));
      }),
  );
  expect(blocked).toBe('connect-src');
  expect(cspViolations.splice(0).join('\n')).toContain('connect-src');
});

guardedTest('on a host that sends no headers, the service worker adds them to what it serves', async ({ page }) => {
  const server = await startStaticServer({ root: requireDist(), isolation: false });
  try {
    recordConsole(page);
    const first = await page.goto(server.url);
    expect(first?.headers()['content-security-policy']).toBeUndefined();
    await waitForServiceWorker(page);
    // The page reloads itself once for cross-origin isolation; wait for that before reloading.
    await expect.poll(() => page.evaluate(() => crossOriginIsolated).catch(() => false)).toBe(true);
    await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');

    const again = await page.reload();
    expect(again?.fromServiceWorker()).toBe(true);
    expect(securityHeadersIn(again?.headers() ?? {})).toEqual(SECURITY_HEADERS);
    await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');
    const fetched = await page.evaluate(async () => {
      const response = await fetch('manifest.webmanifest');
      return Object.fromEntries(response.headers);
    });
    expect(securityHeadersIn(fetched)).toEqual(SECURITY_HEADERS);
  } finally {
    await server.close();
  }
});
