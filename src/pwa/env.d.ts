/** Injected by tools/pwa-options.ts through Vite's `define`: ONSIGHT_BUILD_ID, else the git commit, else the version. */
declare const __ONSIGHT_BUILD_ID__: string;
