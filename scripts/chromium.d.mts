// Types for scripts/chromium.mjs (plain ESM, so that web-test-runner.config.mjs loads it without a build).
export declare const CHROMIUM_PATH: string;
export declare const CHROMIUM_ARGS: readonly string[];
export declare function chromiumLaunchOptions(extraArgs?: readonly string[]): {
  executablePath: string;
  headless: true;
  args: string[];
};
