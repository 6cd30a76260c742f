import { defineConfig } from 'vitest/config';

// Unit tests run in Node with the real model through onnxruntime-web; the Playwright specs in tests/e2e are run by
// `playwright test`, never by vitest.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
