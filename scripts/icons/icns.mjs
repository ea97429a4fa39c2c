// Minimal Apple icon image (.icns) writer: PNG payloads under the OSType codes macOS reads.
// Format: "icns" + total length, then per entry: 4-byte type + 4-byte length (incl. header) + data.

/** PNG sizes and the OSType each one is stored under (retina "@2x" types included). */
export const ICNS_ENTRIES = [
  { type: 'icp4', size: 16 },
  { type: 'icp5', size: 32 },
  { type: 'icp6', size: 64 },
  { type: 'ic07', size: 128 },
  { type: 'ic08', size: 256 },
  { type: 'ic09', size: 512 },
  { type: 'ic10', size: 1024 },
  { type: 'ic11', size: 32 },
  { type: 'ic12', size: 64 },
  { type: 'ic13', size: 256 },
  { type: 'ic14', size: 512 },
];

/** @param {Map<number, Buffer>} pngBySize */
export function buildIcns(pngBySize) {
  const chunks = ICNS_ENTRIES.map(({ type, size }) => {
    const png = pngBySize.get(size);
    if (!png) throw new Error(`icns: no ${size}px PNG rendered`);
    const header = Buffer.alloc(8);
    header.write(type, 0, 'ascii');
    header.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([header, png]);
  });
  const body = Buffer.concat(chunks);
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'ascii');
  header.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([header, body]);
}

/** Reads back the entries of an .icns file (used by tests). */
export function parseIcns(buf) {
  if (buf.toString('ascii', 0, 4) !== 'icns') throw new Error('not an icns file');
  const entries = [];
  for (let off = 8; off < buf.length;) {
    const type = buf.toString('ascii', off, off + 4);
    const len = buf.readUInt32BE(off + 4);
    entries.push({ type, data: buf.subarray(off + 8, off + len) });
    off += len;
  }
  return entries;
}
