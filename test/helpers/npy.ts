/** .npy files written by hand (version 1 or 2 header, padded to 64 bytes as numpy does), and the compress tests' seeded data set. */
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './models.js';
import { seededFloats } from './ort.js';

export function npyBytes(descr: string, shape: number[], data: ArrayBufferView, version = 1, fortran = false): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  header += ' '.repeat(63 - ((pre + header.length) % 64)) + '\n';
  const lead = Buffer.alloc(pre);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(lead);
  if (version === 1) lead.writeUInt16LE(header.length, 8);
  else lead.writeUInt32LE(header.length, 8);
  return Buffer.concat([lead, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** A float32 .npy. */
export const npyFloat32 = (shape: number[], data: Float32Array): Buffer => npyBytes('<f4', shape, data);

/** The small network and 64 seeded 3×32×32 inputs (32 to fit, 32 held out) the compress CLI tests run on. */
export function compressFixture(prefix: string): { dir: string; spec: string; samples: number; calib: number; data: Float32Array; dataFile: string } {
  const dir = tempDir(prefix);
  const samples = 64;
  const data = seededFloats(samples * 3 * 32 * 32, 3).map((v) => v * 1.5);
  const dataFile = path.join(dir, 'x.npy');
  fs.writeFileSync(dataFile, npyFloat32([samples, 3, 32, 32], data));
  return { dir, spec: 'zoo:resnet18?width=0.25&resolution=32&classes=10', samples, calib: 32, data, dataFile };
}
