import { createHash, timingSafeEqual } from 'node:crypto';
import { generateSync, verifySync } from 'otplib';
import type { SimRequest, SimResponse, SimRouter } from '../harness';
import { fail, ok, TOKEN_ERROR } from './envelope';
import { sessionJson } from './shapes';
import type { KiteState } from './state';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(body: string, status = 200): SimResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    text: `<!doctype html><html><head><meta charset="utf-8"><title>Kite - Zerodha (simulator)</title></head><body>${body}</body></html>`,
  };
}

function loginForm(state: KiteState, apiKey: string, redirectParams: string, error = ''): SimResponse {
  const totp = generateSync({ secret: state.totpSecret, epoch: Math.floor(state.clock.now() / 1000) });
  const field = (name: string, label: string, value: string, type = 'text') =>
    `<label>${label} <input name="${name}" type="${type}" value="${escapeHtml(value)}"></label><br>`;
  return page(
    `<h1>Login to Kite</h1>${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/connect/login">
<input type="hidden" name="api_key" value="${escapeHtml(apiKey)}">
<input type="hidden" name="redirect_params" value="${escapeHtml(redirectParams)}">
${field('user_id', 'User ID', state.user.userId)}${field('password', 'Password', state.password, 'password')}${field('twofa_value', 'External TOTP', totp)}
<button type="submit">Login</button>
</form>`,
    error ? 401 : 200,
  );
}

/** Where Kite sends the browser after a login: the registered URL plus the outcome, then redirect_params verbatim. */
function redirectTarget(registered: string, requestToken: string, redirectParams: string): string {
  const url = new URL(registered);
  url.searchParams.set('action', 'login');
  url.searchParams.set('type', 'login');
  url.searchParams.set('status', 'success');
  url.searchParams.set('request_token', requestToken);
  for (const [k, v] of new URLSearchParams(redirectParams)) url.searchParams.append(k, v);
  return url.toString();
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** kite.zerodha.com/connect/login and POST/DELETE /session/token. */
export function loginRoutes(router: SimRouter, state: KiteState): void {
  router.on('GET', '/connect/login', (req) => {
    const apiKey = req.query.get('api_key') ?? '';
    if (req.query.get('v') !== '3' || apiKey !== state.apiKey) return page('<h1>Invalid `api_key`.</h1>', 400);
    return loginForm(state, apiKey, req.query.get('redirect_params') ?? '');
  });

  router.on('POST', '/connect/login', (req) => {
    const form = req.form();
    const apiKey = form.get('api_key') ?? '';
    const redirectParams = form.get('redirect_params') ?? '';
    if (apiKey !== state.apiKey) return page('<h1>Invalid `api_key`.</h1>', 400);
    const totpOk = verifySync({
      secret: state.totpSecret,
      token: form.get('twofa_value') ?? '',
      epoch: Math.floor(state.clock.now() / 1000),
      epochTolerance: 30,
    }).valid;
    if (form.get('user_id') !== state.user.userId || form.get('password') !== state.password || !totpOk) {
      return loginForm(state, apiKey, redirectParams, 'Invalid user ID, password or TOTP.');
    }
    if (!state.redirectUrl) return page('<h1>No redirect URL is registered for this app.</h1>', 400);
    return { redirect: redirectTarget(state.redirectUrl, state.issueRequestToken(), redirectParams) };
  });

  router.on('POST', '/session/token', (req: SimRequest) => {
    const form = req.form();
    const apiKey = form.get('api_key') ?? '';
    const requestToken = form.get('request_token') ?? '';
    const checksum = form.get('checksum') ?? '';
    if (!apiKey || !requestToken || !checksum) return fail(400, 'InputException', 'Missing `api_key`, `request_token` or `checksum`.');
    if (apiKey !== state.apiKey) return fail(403, 'TokenException', 'Invalid `api_key`.');
    const expected = createHash('sha256')
      .update(apiKey + requestToken + state.apiSecret)
      .digest('hex');
    if (!sameText(checksum, expected)) return fail(403, 'TokenException', 'Invalid `checksum`.');
    if (!state.takeRequestToken(requestToken)) return fail(403, 'TokenException', 'Token is invalid or has expired.');
    const session = state.issueSession();
    return ok(sessionJson(state.user, apiKey, { access: session.accessToken, public: session.publicToken, enc: session.publicToken }, session.loginAt));
  });

  router.on('DELETE', '/session/token', (req) => {
    const token = req.query.get('access_token') ?? '';
    if (req.query.get('api_key') !== state.apiKey || !state.session(token)) return TOKEN_ERROR();
    state.sessions.delete(token);
    return ok(true);
  });
}
