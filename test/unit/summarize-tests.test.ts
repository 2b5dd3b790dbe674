import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** CI keeps only the end of a log: the summary must name what failed, not only count it. */
const script = path.resolve(__dirname, '../../scripts/summarize-tests.mjs');

function summarize(vitest: unknown, playwright: unknown): { out: string; code: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-summary-'));
  const v = path.join(dir, 'vitest.json');
  const p = path.join(dir, 'playwright.json');
  fs.writeFileSync(v, JSON.stringify(vitest));
  fs.writeFileSync(p, JSON.stringify(playwright));
  try {
    return { out: execFileSync(process.execPath, [script, v, p], { encoding: 'utf8' }), code: 0 };
  } catch (error) {
    const e = error as { stdout: string; status: number };
    return { out: e.stdout, code: e.status };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const cleanPlaywright = { stats: { expected: 1, unexpected: 0, flaky: 0, skipped: 0 }, suites: [] };
const vitestRun = (testResults: unknown[], failed: number) => ({
  numPassedTests: 1,
  numFailedTests: failed,
  numPendingTests: 0,
  numTodoTests: 0,
  numFailedTestSuites: failed > 0 ? 1 : 0,
  success: failed === 0,
  testResults,
});

describe('the test summary', () => {
  it('names each failed vitest test with the start of its error, without terminal colours, after the counts of slow files', () => {
    const { out, code } = summarize(
      vitestRun(
        [
          {
            name: path.resolve('test/unit/x.test.ts'),
            startTime: 0,
            endTime: 5,
            status: 'failed',
            assertionResults: [
              { status: 'passed', fullName: 'fine' },
              {
                status: 'failed',
                fullName: 'books › a read after the ack holds the order',
                failureMessages: ['\u001b[31mAssertionError: expected 2 to be 3\u001b[39m\n    at one'],
              },
            ],
          },
        ],
        1,
      ),
      cleanPlaywright,
    );
    expect(code).toBe(1);
    const lines = out.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('total: 2 passed, 1 failed, 0 skipped');
    expect(out).toContain(
      '==> failed tests\n  ✗ test/unit/x.test.ts › books › a read after the ack holds the order\n      AssertionError: expected 2 to be 3\n',
    );
    expect(out).not.toContain('\u001b[');
    expect(out).not.toContain('✗ test/unit/x.test.ts › fine');
  });

  it('names a file that failed to load, and a Playwright test that failed or passed only on a retry', () => {
    const { out, code } = summarize(
      vitestRun(
        [{ name: path.resolve('test/unit/y.test.ts'), startTime: 0, endTime: 1, status: 'failed', message: 'Cannot find module ./gone', assertionResults: [] }],
        0,
      ),
      {
        stats: { expected: 0, unexpected: 1, flaky: 1, skipped: 0 },
        suites: [
          {
            title: 'a.spec.ts',
            file: 'a.spec.ts',
            specs: [
              {
                title: 'times out',
                file: 'a.spec.ts',
                line: 3,
                tests: [{ status: 'unexpected', results: [{ duration: 5, error: { message: 'Timed out 5000ms' } }] }],
              },
            ],
            suites: [
              {
                title: 'group',
                specs: [
                  {
                    title: 'retried',
                    file: 'a.spec.ts',
                    line: 9,
                    tests: [{ status: 'flaky', results: [{ duration: 1, error: { message: 'first try failed' } }, { duration: 1 }] }],
                  },
                ],
              },
            ],
          },
        ],
      },
    );
    expect(code).toBe(1);
    expect(out).toContain('  ✗ test/unit/y.test.ts\n      Cannot find module ./gone\n');
    expect(out).toContain('  ✗ playwright: a.spec.ts:3 › times out\n      Timed out 5000ms\n');
    expect(out).toContain('  ✗ playwright: a.spec.ts:9 › group › retried\n      first try failed\n');
  });

  it('prints no failure list when everything passed', () => {
    const { out, code } = summarize(
      vitestRun(
        [{ name: path.resolve('test/unit/z.test.ts'), startTime: 0, endTime: 1, status: 'passed', assertionResults: [{ status: 'passed', fullName: 'ok' }] }],
        0,
      ),
      cleanPlaywright,
    );
    expect(code).toBe(0);
    expect(out).not.toContain('failed tests');
    expect(out.trimEnd().split('\n').at(-1)).toBe('total: 2 passed, 0 failed, 0 skipped');
  });
});
