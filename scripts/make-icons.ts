/**
 * App icons for every OS from resources/icon.svg, run by `npm run package` before electron-builder:
 *   build/icons/png/NxN.png   Linux (AppImage, deb), electron-builder's `linux.icon` folder
 *   build/icons/icon.ico      Windows (exe, NSIS): 16–256, small sizes as BMP for older Explorer dialogs
 *   build/icons/icon.icns     macOS (app, dmg)
 * sharp renders the SVG (librsvg); png2icons writes the ICO and ICNS containers from the 1024 px render.
 * The folder is generated, so it is gitignored.
 *
 *   tsx scripts/make-icons.ts [--svg FILE] [--out DIR]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import png2icons from 'png2icons';
import sharp from 'sharp';

export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
const MASTER_SIZE = 1024;

export interface IconSet {
  pngs: Record<number, string>;
  ico: string;
  icns: string;
}

export async function makeIcons(svgFile: string, outDir: string): Promise<IconSet> {
  const svg = fs.readFileSync(svgFile);
  const { width } = await sharp(svg).metadata();
  if (!width) throw new Error(`${svgFile} has no size (width or viewBox).`);
  // Rasterize the vector at the master size itself (density scales it), never by enlarging a small bitmap.
  const master = await sharp(svg, { density: (72 * MASTER_SIZE) / width })
    .resize(MASTER_SIZE, MASTER_SIZE, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .png()
    .toBuffer();

  const pngDir = path.join(outDir, 'png');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(pngDir, { recursive: true });
  const pngs: Record<number, string> = {};
  for (const size of PNG_SIZES) {
    const file = path.join(pngDir, `${size}x${size}.png`);
    fs.writeFileSync(file, size === MASTER_SIZE ? master : await sharp(master).resize(size, size, { kernel: 'lanczos3' }).png().toBuffer());
    pngs[size] = file;
  }

  const ico = png2icons.createICO(master, png2icons.BICUBIC2, 0, false, true);
  const icns = png2icons.createICNS(master, png2icons.BICUBIC2, 0);
  if (!ico || !icns) throw new Error('png2icons could not write the ICO or ICNS file.');
  const icoFile = path.join(outDir, 'icon.ico');
  const icnsFile = path.join(outDir, 'icon.icns');
  fs.writeFileSync(icoFile, ico);
  fs.writeFileSync(icnsFile, icns);
  return { pngs, ico: icoFile, icns: icnsFile };
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const root = path.join(import.meta.dirname, '..');
  const { values } = parseArgs({ options: { svg: { type: 'string' }, out: { type: 'string' } } });
  const out = values.out ?? path.join(root, 'build', 'icons');
  makeIcons(values.svg ?? path.join(root, 'resources', 'icon.svg'), out).then(
    () => console.log(`Icons written to ${path.relative(process.cwd(), out) || out}.`),
    (error: unknown) => {
      console.error(`The app icons could not be made: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
