// Debian's Chromium (no browser download works on these machines) and the flags every harness
// starts it with: the browser tests, the e2e tests, the widget bench and the docs screenshots.

/** The binary: `CHROMIUM_PATH` when set, else Debian's. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless without a sandbox (containers) or GPU, and quiet: no QUIC, first-run UI or background traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Options for playwright-core's `chromium.launch()`, and for `launchOptions` of
 * @web/test-runner-chrome (puppeteer's, of the same shape): the flags above, then `extraArgs`.
 * @param {readonly string[]} [extraArgs]
 */
export function chromiumLaunchOptions(extraArgs = []) {
  return { executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] };
}
