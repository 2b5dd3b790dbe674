import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { PNG_SIZES, makeIcons, type IconSet } from '../../scripts/make-icons';
import { tempDir } from '../support/graph';

const SVG = path.resolve(import.meta.dirname, '../../resources/icon.svg');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('app icons made from resources/icon.svg', () => {
  let icons: IconSet;
  let outDir: string;
  beforeAll(async () => {
    outDir = tempDir('bv-icons-');
    icons = await makeIcons(SVG, outDir);
  });

  it('Linux: one real PNG per size, named NxN.png as electron-builder expects', async () => {
    expect(fs.readdirSync(path.join(outDir, 'png')).sort()).toEqual(PNG_SIZES.map((size) => `${size}x${size}.png`).sort());
    for (const size of PNG_SIZES) expect(pngSize(fs.readFileSync(icons.pngs[size]!))).toEqual({ width: size, height: size });
    // Rendered from the SVG, not blank: the tile is the mark's blue, the corner outside its rounded edge is clear.
    const { data, info } = await sharp(icons.pngs[64]!).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x + 1) * info.channels)];
    const [r, g, b, a] = pixel(6, 32);
    expect(a).toBe(255);
    expect(Math.abs(r! - 0x25) + Math.abs(g! - 0x57) + Math.abs(b! - 0xd6)).toBeLessThan(12);
    expect(pixel(0, 0)[3]).toBeLessThan(32);
  });

  it('Windows: an ICO with several sizes up to 256, each entry inside the file', () => {
    const ico = fs.readFileSync(icons.ico);
    expect(ico.readUInt16LE(0)).toBe(0); // reserved
    expect(ico.readUInt16LE(2)).toBe(1); // 1 = icon
    const count = ico.readUInt16LE(4);
    expect(count).toBeGreaterThanOrEqual(5);
    const sizes: number[] = [];
    for (let index = 0; index < count; index += 1) {
      const entry = 6 + index * 16;
      sizes.push(ico[entry] === 0 ? 256 : ico[entry]!); // a width byte of 0 means 256
      const length = ico.readUInt32LE(entry + 8);
      const offset = ico.readUInt32LE(entry + 12);
      expect(offset + length).toBeLessThanOrEqual(ico.length);
    }
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 256]));
  });

  it('macOS: an ICNS whose header length is the file length, with the retina 512/1024 image', () => {
    const icns = fs.readFileSync(icons.icns);
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const types: string[] = [];
    for (let offset = 8; offset < icns.length; offset += icns.readUInt32BE(offset + 4)) types.push(icns.toString('latin1', offset, offset + 4));
    expect(types).toEqual(expect.arrayContaining(['ic10']));
  });
});
