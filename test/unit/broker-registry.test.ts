import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKER_IDS, BrokerDescriptorSchema } from '../../src/shared/brokers';
import { BROKERS, BROKER_ADAPTERS } from '../../src/main/brokers/registry';
import { EXTERNAL_ALLOWLIST, isAllowedExternalUrl } from '../../src/main/security/navigation';
import { SIMULATORS } from '../simulators/registry';
import { ROOT, brokerNamings, brokerTerms, conformanceIds, missingPieces, type Pieces } from '../support/broker-seams';

const descriptors = BROKER_ADAPTERS.map((a) => a.descriptor);

describe('broker registry: every broker id is complete', () => {
  let pieces: Pieces;
  beforeAll(async () => {
    pieces = { simulators: Object.keys(SIMULATORS), conformance: await conformanceIds(), root: ROOT };
  });

  it('has one adapter per broker id, under its own id, with a valid descriptor', () => {
    expect(Object.keys(BROKERS).sort()).toEqual([...BROKER_IDS].sort());
    for (const [id, adapter] of Object.entries(BROKERS)) {
      expect(adapter.descriptor.id, id).toBe(id);
      expect(() => BrokerDescriptorSchema.parse(adapter.descriptor), id).not.toThrow();
    }
  });

  it('declares the dry-run capability exactly where the adapter can check an order without placing it', () => {
    for (const adapter of BROKER_ADAPTERS) {
      expect(adapter.descriptor.capabilities.includes('dry-run'), adapter.descriptor.id).toBe(typeof adapter.precheckOrder === 'function');
    }
  });

  it('has a simulator, a doc page and conformance cases for every broker id', () => {
    expect(descriptors.flatMap((d) => missingPieces(d, pieces))).toEqual([]);
  });

  it('names what a broker without them lacks', () => {
    const nowhere = { id: 'acme' as never, protocol: 'acme' };
    expect(missingPieces(nowhere, { ...pieces, conformance: [] })).toEqual([
      'acme: no adapter folder src/main/brokers/acme/',
      'acme: no simulator "acme" in test/simulators/',
      'acme: no doc page docs/brokers/acme.md',
      'acme: no conformance cases (not in CONFORMANCE_BROKER_IDS)',
    ]);
    expect(missingPieces(nowhere, { ...pieces, conformance: null })).toContain('acme: no adapter tests test/brokers/acme.test.ts');
  });

  it('asks a page shared by several entries to name each of them by id', () => {
    const shared = descriptors.find((d) => d.protocol !== d.id)!;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-registry-'));
    try {
      for (const dir of [`src/main/brokers/${shared.protocol}`, `test/simulators/${shared.protocol}`, 'docs/brokers', 'test/brokers']) {
        fs.mkdirSync(path.join(root, dir), { recursive: true });
      }
      fs.writeFileSync(path.join(root, `docs/brokers/${shared.protocol}.md`), '# A page that names no entry\n');
      fs.writeFileSync(path.join(root, `test/brokers/${shared.protocol}.test.ts`), '// tests nothing\n');
      expect(missingPieces(shared, { simulators: [shared.protocol], conformance: null, root })).toEqual([
        `${shared.id}: docs/brokers/${shared.protocol}.md does not name \`${shared.id}\``,
        `${shared.id}: test/brokers/${shared.protocol}.test.ts does not test src/main/brokers/${shared.id}/`,
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('broker knowledge stays in the broker folders', () => {
  const terms = brokerTerms(descriptors);
  // The registries are the only files outside a broker's folder that may name it.
  const allowed = [
    'src/shared/brokers.ts',
    'src/main/brokers/registry.ts',
    ...new Set(descriptors.flatMap((d) => [`src/main/brokers/${d.id}/`, `src/main/brokers/${d.protocol}/`])),
  ];

  it('names no broker anywhere else in src/', () => {
    const found = brokerNamings(ROOT, ['src'], terms, allowed).map((n) => `${n.file}:${n.line} names "${n.term}": ${n.text}`);
    expect(found).toEqual([]);
  });

  describe('catches a broker named outside its folder', () => {
    let root: string;
    beforeAll(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-names-'));
      const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
      };
      write('src/main/services/policy.ts', "const fast = { 'tastytrade': 60 };\n");
      write('src/renderer/src/help.tsx', '<p>Browser sign-ins (e.g. Zerodha) need you.</p>\n');
      write('src/main/notes.ts', '// as Angel One does\n');
      write('src/main/brokers/tastytrade/descriptor.ts', "id: 'tastytrade',\n");
      write('src/main/brokers/util.ts', '// a tastytrader, zerodhaish and dhanhq are other words\n');
    });
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    it('by id, by display name and by the id with spaces, but not inside other words or in its folder', () => {
      const found = brokerNamings(root, ['src'], terms, allowed).map((n) => `${n.file}:${n.line}:${n.term.toLowerCase()}`);
      expect(found.sort()).toEqual(['src/main/notes.ts:1:angel one', 'src/main/services/policy.ts:1:tastytrade', 'src/renderer/src/help.tsx:1:zerodha']);
    });
  });
});

describe('navigation allowlist comes from the descriptors', () => {
  it('allows each broker’s sign-in hosts and its documentation page', () => {
    for (const d of descriptors) {
      for (const host of d.signInHosts) expect(EXTERNAL_ALLOWLIST, d.id).toContain(host);
      expect(isAllowedExternalUrl(d.docsUrl), `${d.id} docsUrl ${d.docsUrl}`).toBe(true);
    }
  });

  it('holds the same domains as before the move into descriptors', () => {
    expect([...EXTERNAL_ALLOWLIST].sort()).toEqual(
      [
        'zerodha.com',
        'kite.trade',
        'fyers.in',
        'angelone.in',
        'dhan.co',
        'dhanhq.co',
        '5paisa.com',
        'iifl.com',
        'indiainfoline.com',
        'iiflcapital.com',
        'compositedge.com',
        'symphonyfintech.com',
        'alpaca.markets',
        'tradier.com',
        'tastytrade.com',
        'tastyworks.com',
        'interactivebrokers.com',
        'binance.com',
        'sebi.gov.in',
        'nseindia.com',
      ].sort(),
    );
  });
});
