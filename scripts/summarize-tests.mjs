// Add up vitest's and Playwright's JSON reports into one closing line CI can read.
import fs from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';

/** A Playwright file's time: the sum of its tests' run times (tests in one file run in one worker). */
function specMs(suite) {
  let ms = 0;
  const walk = (s) => {
    for (const spec of s.specs ?? []) for (const t of spec.tests ?? []) for (const r of t.results ?? []) ms += r.duration ?? 0;
    for (const child of s.suites ?? []) walk(child);
  };
  walk(suite);
  return ms;
}

/** The first lines of an error, without terminal colours. */
function firstLines(text, count = 6) {
  if (!text) return [];
  return stripVTControlCharacters(String(text))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, count);
}

/** Playwright's tests that failed, or passed only on a retry (flaky counts as failed here). */
function playwrightFailures(report) {
  const found = [];
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'unexpected' && t.status !== 'flaky') continue;
        const error = (t.results ?? []).map((r) => r.error?.message ?? r.errors?.[0]?.message).find(Boolean);
        found.push({ name: `playwright: ${spec.file}:${spec.line} › ${[...titles, spec.title].join(' › ')}`, error });
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
  };
  // The top suites are the spec files; the ones inside are describe blocks, whose titles name the test.
  for (const file of report?.suites ?? []) walk(file, []);
  return found;
}

const [vitestFile, playwrightFile] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = false;

const read = (file) => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    missing = true;
    return null;
  }
};

const vitest = read(vitestFile);
const playwright = read(playwrightFile);
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + vitest.numTodoTests;
  // A file that fails to load fails no single test: count it so the line never reads clean.
  if (!vitest.success && vitest.numFailedTests === 0) failed += Math.max(1, vitest.numFailedTestSuites);
}
// The ten slowest test files, so a suite that grows slow says where.
const files = [
  ...(vitest?.testResults ?? []).map((r) => ({ name: path.relative(process.cwd(), r.name), ms: r.endTime - r.startTime })),
  ...(playwright?.suites ?? []).map((s) => ({ name: `playwright: ${s.file}`, ms: specMs(s) })),
].filter((f) => Number.isFinite(f.ms));
if (files.length > 0) {
  console.log('==> ten slowest test files');
  for (const f of files.sort((a, b) => b.ms - a.ms).slice(0, 10)) console.log(`  ${(f.ms / 1000).toFixed(1).padStart(6)} s  ${f.name}`);
}

if (playwright) {
  passed += playwright.stats.expected;
  failed += playwright.stats.unexpected + playwright.stats.flaky;
  skipped += playwright.stats.skipped;
}
if (missing) failed += 1;

// Name every failed test with the start of its error, so the last lines of a CI log say what failed
// (a log is often kept only from its end).
const failures = [
  ...(vitest?.testResults ?? []).flatMap((file) => [
    ...(file.assertionResults ?? [])
      .filter((t) => t.status === 'failed')
      .map((t) => ({ name: `${path.relative(process.cwd(), file.name)} › ${t.fullName}`, error: t.failureMessages?.[0] })),
    // A file that failed to load has no test results, only its own message.
    ...(file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed')
      ? [{ name: path.relative(process.cwd(), file.name), error: file.message }]
      : []),
  ]),
  ...playwrightFailures(playwright),
];
if (failures.length > 0) {
  console.log('==> failed tests');
  for (const f of failures) {
    console.log(`  ✗ ${f.name}`);
    for (const line of firstLines(f.error)) console.log(`      ${line}`);
  }
}
console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
