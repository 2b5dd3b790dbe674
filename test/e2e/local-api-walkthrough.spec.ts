import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The walk-through in docs/api.md, run as written (after the build `npm test` has already done). */
function walkthrough(): string {
  const doc = fs.readFileSync(path.join(root, 'docs/api.md'), 'utf8');
  const section = doc.split('## Walk-through')[1]?.split('\n## ')[0] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('docs/api.md has no walk-through block');
  return block.replace(/^npm run build\n/m, '');
}

const hasRequests = spawnSync('python3', ['-c', 'import requests']).status === 0;

test('docs/api.md: the walk-through runs as written against npm run bridge -- --local-api', async () => {
  test.skip(!hasRequests, 'python3 with requests is not installed here');
  test.setTimeout(120_000);
  const out = execFileSync('bash', ['-c', walkthrough()], { cwd: root, encoding: 'utf8', timeout: 100_000 });
  const lines = out.trim().split('\n');
  expect(lines).toEqual([
    '{"status":"success","data":{"broker":"paper","message":"pong"}}',
    '{"status":"error","message":"Invalid openalgo apikey"} HTTP 403',
    'Origin: HTTP 403',
    'Host: HTTP 403',
    "200 {'status': 'success', 'data': {'broker': 'paper', 'message': 'pong'}}",
    "400 {'status': 'error', 'message': 'The request body is not valid JSON.'}",
    '{"type":"auth","status":"success","message":"Authentication successful","broker":"paper"}',
    '{"type":"subscribe_orders","status":"success","message":"Order updates subscribed."}',
  ]);
});
