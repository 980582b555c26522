// Chromium driven by playwright-core, with the binary and flags every harness shares (scripts/chromium.mjs).
import { chromium, type Browser } from 'playwright-core';
import { chromiumLaunchOptions } from '../../../scripts/chromium.mjs';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions(['--autoplay-policy=no-user-gesture-required']));
}
