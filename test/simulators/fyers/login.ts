import { createHash, timingSafeEqual } from 'node:crypto';
import { generateSync, verifySync } from 'otplib';
import type { SimResponse, SimRouter } from '../harness';
import { fail, ok } from './envelope';
import type { FyersState } from './state';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(body: string, status = 200): SimResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    text: `<!doctype html><html><head><meta charset="utf-8"><title>FYERS Login (simulator)</title></head><body>${body}</body></html>`,
  };
}

/** Real FYERS requires the exact registered URL; with none registered the simulator accepts loopback URLs. */
function redirectAllowed(state: FyersState, redirectUri: string): boolean {
  if (state.redirectUrl) return redirectUri === state.redirectUrl;
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(redirectUri).hostname);
  } catch {
    return false;
  }
}

function loginPage(state: FyersState, params: URLSearchParams, error = ''): SimResponse {
  const hidden = ['client_id', 'redirect_uri', 'response_type', 'state']
    .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name) ?? '')}">`)
    .join('\n');
  const totp = generateSync({ secret: state.user.totpSecret, epoch: Math.floor(state.clock.now() / 1000) });
  const field = (name: string, label: string, value: string, type = 'text') =>
    `<label>${label} <input name="${name}" type="${type}" value="${escapeHtml(value)}"></label><br>`;
  return page(
    `<h1>Login to FYERS</h1>${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/api/v3/generate-authcode">
${hidden}
${field('fy_id', 'Client ID', state.user.fyId)}${field('totp', 'TOTP', totp)}${field('pin', 'PIN', state.user.pin, 'password')}
<button type="submit">Continue</button>
</form>`,
    error ? 401 : 200,
  );
}

function checkRequest(state: FyersState, params: URLSearchParams): SimResponse | null {
  if (params.get('client_id') !== state.clientId) return page('<h1>Invalid client_id</h1>', 400);
  if (params.get('response_type') !== 'code') return page('<h1>Invalid response_type</h1>', 400);
  if (!redirectAllowed(state, params.get('redirect_uri') ?? '')) return page('<h1>Redirect URI mismatch</h1>', 400);
  return null;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** /api/v3/generate-authcode (login page + submit) and POST /api/v3/validate-authcode. */
export function loginRoutes(router: SimRouter, state: FyersState): void {
  router.on('GET', '/api/v3/generate-authcode', (req) => checkRequest(state, req.query) ?? loginPage(state, req.query));

  router.on('POST', '/api/v3/generate-authcode', (req) => {
    const form = req.form();
    const invalid = checkRequest(state, form);
    if (invalid) return invalid;
    const totpOk = verifySync({
      secret: state.user.totpSecret,
      token: form.get('totp') ?? '',
      epoch: Math.floor(state.clock.now() / 1000),
      epochTolerance: 30,
    }).valid;
    if (form.get('fy_id') !== state.user.fyId || form.get('pin') !== state.user.pin || !totpOk) {
      return loginPage(state, form, 'Invalid client ID, TOTP or PIN.');
    }
    const target = new URL(form.get('redirect_uri')!);
    target.searchParams.set('s', 'ok');
    target.searchParams.set('code', '200');
    target.searchParams.set('auth_code', state.issueAuthCode());
    target.searchParams.set('state', form.get('state') ?? '');
    return { redirect: target.toString() };
  });

  router.on('POST', '/api/v3/validate-authcode', (req) => {
    let body: Record<string, unknown>;
    try {
      body = req.json();
    } catch {
      return fail(400, -50, 'Invalid request body');
    }
    if (body.grant_type !== 'authorization_code') return fail(400, -50, 'Invalid grant_type');
    const code = typeof body.code === 'string' ? body.code : '';
    // The secret flow sends appIdHash; the PKCE flow sends code_verifier instead (accepted, not verified here).
    if (typeof body.code_verifier !== 'string') {
      const expected = createHash('sha256').update(`${state.clientId}:${state.secretKey}`).digest('hex');
      if (typeof body.appIdHash !== 'string' || !sameText(body.appIdHash, expected)) return fail(400, -371, 'Please provide valid appIdHash');
    }
    if (!code || !state.takeAuthCode(code)) return fail(400, -374, 'Please provide a valid auth code');
    return ok({ access_token: state.issueSession(), refresh_token: state.issueRefreshToken() });
  });
}
