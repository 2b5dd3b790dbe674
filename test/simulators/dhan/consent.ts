import { randomBytes, timingSafeEqual } from 'node:crypto';
import { generateSync, verifySync } from 'otplib';
import type { Clock } from '../../../src/main/clock';
import type { SimRequest, SimResponse, SimRouter } from '../harness';
import { dhanError } from './replies';
import type { DhanTokens } from './tokens';

/** The app key, secret and trader Dhan's API-key sign-in knows, and the redirect URL registered with the key. */
export interface ConsentApp {
  apiKey: string;
  apiSecret: string;
  clientId: string;
  clientName: string;
  pin: string;
  totpSecret: string;
  redirectUrl: string | null;
}

const SIX_HOURS = 6 * 3_600_000;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(body: string, status = 200): SimResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    text: `<!doctype html><html><head><meta charset="utf-8"><title>Dhan login (simulator)</title></head><body>${body}</body></html>`,
  };
}

/**
 * auth.dhan.co. The API-key flow: POST /app/generate-consent (app_id/app_secret headers) → consentAppId; the
 * login page at /login/consentApp-login signs the trader in (PIN + TOTP) and redirects to the registered URL
 * with `tokenId`; GET /app/consumeApp-consent exchanges the one-time tokenId for a 24-hour access token.
 * And the direct login: POST /app/generateAccessToken?dhanClientId&pin&totp → a 24-hour access token.
 */
export function authHostRoutes(router: SimRouter, app: ConsentApp, tokens: DhanTokens, clock: Clock): void {
  const consents = new Map<string, { status: 'GENERATED' | 'CONSUMED'; at: number }>();
  const tokenIds = new Map<string, string>();
  const appOk = (req: SimRequest) => same(req.headers.app_id ?? '', app.apiKey) && same(req.headers.app_secret ?? '', app.apiSecret);
  const badApp = () => dhanError(401, 'Invalid_Authentication', 'DH-901', 'Invalid app_id or app_secret.');

  const loginForm = (consentAppId: string, error = '') => {
    const totp = generateSync({ secret: app.totpSecret, epoch: Math.floor(clock.now() / 1000) });
    const field = (name: string, label: string, value: string, type = 'text') =>
      `<label>${label} <input name="${name}" type="${type}" value="${escapeHtml(value)}"></label><br>`;
    return page(
      `<h1>Login to Dhan</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/login/consentApp-login">
<input type="hidden" name="consentAppId" value="${escapeHtml(consentAppId)}">
${field('clientId', 'Client ID', app.clientId)}${field('pin', 'PIN', app.pin, 'password')}${field('totp', 'TOTP', totp)}
<button type="submit">Login</button>
</form>`,
      error ? 401 : 200,
    );
  };

  router.on('POST', '/app/generate-consent', (req) => {
    if (!appOk(req)) return badApp();
    if (req.query.get('client_id') !== app.clientId) return dhanError(400, 'Input_Exception', 'DH-905', 'client_id does not match the API key.');
    const consentAppId = randomBytes(16).toString('hex');
    consents.set(consentAppId, { status: 'GENERATED', at: clock.now() });
    return { json: { consentAppId, consentAppStatus: 'GENERATED', status: 'success' } };
  });

  router.on('GET', '/login/consentApp-login', (req) => {
    const consentAppId = req.query.get('consentAppId') ?? '';
    const consent = consents.get(consentAppId);
    if (!consent || consent.status !== 'GENERATED' || clock.now() - consent.at > SIX_HOURS)
      return page('<h1>This login link is invalid or has expired.</h1>', 400);
    return loginForm(consentAppId);
  });

  router.on('POST', '/login/consentApp-login', (req) => {
    const form = req.form();
    const consentAppId = form.get('consentAppId') ?? '';
    const consent = consents.get(consentAppId);
    if (!consent || consent.status !== 'GENERATED') return page('<h1>This login link is invalid or has expired.</h1>', 400);
    const totpOk = verifySync({ secret: app.totpSecret, token: form.get('totp') ?? '', epoch: Math.floor(clock.now() / 1000), epochTolerance: 30 }).valid;
    if (form.get('clientId') !== app.clientId || form.get('pin') !== app.pin || !totpOk) return loginForm(consentAppId, 'Invalid client ID, PIN or TOTP.');
    if (!app.redirectUrl) return page('<h1>No redirect URL is set for this API key.</h1>', 400);
    consent.status = 'CONSUMED';
    const tokenId = randomBytes(16).toString('hex');
    tokenIds.set(tokenId, consentAppId);
    const target = new URL(app.redirectUrl);
    target.searchParams.set('tokenId', tokenId);
    return { redirect: target.toString() };
  });

  const tokenAnswer = (): SimResponse => {
    const { token, expiresAt } = tokens.issue(app.clientId);
    // Dhan writes the expiry in IST without a zone.
    const expiryTime = new Date(expiresAt + 5.5 * 3_600_000).toISOString().slice(0, 19);
    return {
      json: {
        dhanClientId: app.clientId,
        dhanClientName: app.clientName,
        dhanClientUcc: 'ABCD12345E',
        givenPowerOfAttorney: true,
        accessToken: token,
        expiryTime,
      },
    };
  };

  // The error body for a wrong PIN or TOTP is not documented: Dhan's invalid-authentication body stands in.
  router.on('POST', '/app/generateAccessToken', (req) => {
    const totpOk = verifySync({ secret: app.totpSecret, token: req.query.get('totp') ?? '', epoch: Math.floor(clock.now() / 1000), epochTolerance: 30 }).valid;
    if (req.query.get('dhanClientId') !== app.clientId || !same(req.query.get('pin') ?? '', app.pin) || !totpOk) {
      return dhanError(401, 'Invalid_Authentication', 'DH-901', 'Invalid client ID, PIN or TOTP.');
    }
    return tokenAnswer();
  });

  router.on('GET', '/app/consumeApp-consent', (req) => {
    if (!appOk(req)) return badApp();
    const tokenId = req.query.get('tokenId') ?? '';
    if (!tokenIds.delete(tokenId)) return dhanError(400, 'Input_Exception', 'DH-905', 'Invalid or already used tokenId.');
    return tokenAnswer();
  });
}
