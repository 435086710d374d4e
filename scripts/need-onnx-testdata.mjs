// Run before the conformance suite: it reads the ONNX backend test data, which npm cannot install.
// Says exactly what to install when it is missing, instead of letting the suite find no tests.
import fs from 'node:fs';
import path from 'node:path';

const root = process.env.LEANNET_ONNX_TESTDATA ?? '/usr/share/libonnx-testdata/data';
if (!fs.existsSync(path.join(root, 'node'))) {
  process.stderr.write(
    `conformance needs the ONNX backend test data at ${root} (not found).\n` +
      `  Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y libonnx-testdata\n` +
      `  elsewhere: set LEANNET_ONNX_TESTDATA to the folder holding node/, pytorch-converted/, pytorch-operator/ and simple/\n` +
      `    (onnx/backend/test/data in a checkout of github.com/onnx/onnx).\n` +
      `npm test (everything else) needs only Node and npm.\n`,
  );
  process.exit(1);
}
