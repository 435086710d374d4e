// Run before the browser tests: they drive Debian's Chromium, which npm cannot install.
// Says exactly what to run when it is missing, instead of letting a test fail deep in playwright.
import fs from 'node:fs';

const exe = process.env.LEANNET_CHROMIUM ?? '/usr/bin/chromium';
if (!fs.existsSync(exe)) {
  process.stderr.write(
    `test:browser needs Chromium at ${exe} (not found).\n` +
      `  Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y chromium\n` +
      `  elsewhere: set LEANNET_CHROMIUM to a Chromium or Chrome executable.\n` +
      `npm test (everything else) needs only Node and npm.\n`,
  );
  process.exit(1);
}
