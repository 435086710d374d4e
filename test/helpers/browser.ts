/**
 * Debian's Chromium (or LEANNET_CHROMIUM) through playwright-core, headless and with the flags
 * that keep it off this machine's closed network (background networking, component updates,
 * sync and QUIC each try to connect at start).
 */
import { chromium, type Browser } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['LEANNET_CHROMIUM'] ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
