/** Injected by tools/pwa-options.mjs through Vite's `define`: ONSIGHT_BUILD_ID, else the git commit, else the version. */
declare const __ONSIGHT_BUILD_ID__: string;
