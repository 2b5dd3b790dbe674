import type { SimRouter, SimResponse } from '../harness';
import { guarded, NOT_LOGGED_IN, TOO_MANY, type GatewayState } from './state';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The gateway's login page (a plain form here) with the test user pre-filled, so a person or Playwright can submit it. */
function loginPage(state: GatewayState, error = ''): SimResponse {
  const html = `<!doctype html><html><head><title>Client Portal Login</title></head><body>
<h1>Interactive Brokers — Client Portal Gateway (simulator)</h1>
${error ? `<p id="error" style="color:red">${esc(error)}</p>` : ''}
<form id="loginForm" method="post" action="/sso/Login?forwardTo=22&amp;RL=1&amp;ip2loc=on">
<label>Username <input name="username" id="user_name" value="${esc(state.login.username)}"></label>
<label>Password <input name="password" id="password" type="password" value="${esc(state.login.password)}"></label>
<button type="submit" id="submitForm">Login</button>
</form></body></html>`;
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, text: html };
}

export function sessionRoutes(router: SimRouter, state: GatewayState): void {
  // The gateway's root sends the browser to its SSO login page.
  router.on('GET', '/', () => ({ redirect: '/sso/Login?forwardTo=22&RL=1&ip2loc=on' }));
  router.on('GET', '/sso/Login', () => loginPage(state));
  router.on('POST', '/sso/Login', (req) => {
    const form = req.form();
    if (form.get('username') !== state.login.username || form.get('password') !== state.login.password) {
      return loginPage(state, 'Invalid username password combination');
    }
    state.ssoLogin();
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, text: '<!doctype html><html><body>Client login succeeds</body></html>' };
  });

  const status = guarded(state, 'sso', () => ({ json: state.authStatus() }));
  router.on('POST', '/v1/api/iserver/auth/status', status);
  router.on('GET', '/v1/api/iserver/auth/status', status);

  const init = guarded(state, 'sso', (req) => {
    const body = req.json<{ compete?: boolean }>();
    if (state.competing && body.compete !== true) return { json: state.authStatus() };
    state.openBrokerage();
    return { json: { authenticated: true, competing: false, connected: true, message: '', MAC: '98:F2:B3:23:BF:A0' } };
  });
  router.on('POST', '/v1/api/iserver/auth/ssodh/init', init);
  router.on(
    'POST',
    '/v1/api/iserver/reauthenticate',
    guarded(state, 'sso', () => {
      state.openBrokerage();
      return { json: { message: 'triggered' } };
    }),
  );

  // Keep-alive, paced at 1/s; answers 401 once the session timed out.
  const tickle = (): SimResponse => {
    if (state.overLimit('tickle', 1, 1_000)) return TOO_MANY;
    state.refresh();
    if (!state.loggedIn) return NOT_LOGGED_IN;
    state.touch();
    return {
      json: {
        session: state.sessionId,
        ssoExpires: 360_000,
        collission: false,
        userId: 12345678,
        hmds: { error: 'no bridge' },
        iserver: { authStatus: state.authStatus() },
      },
    };
  };
  router.on('POST', '/v1/api/tickle', tickle);
  router.on('GET', '/v1/api/tickle', tickle);

  router.on(
    'POST',
    '/v1/api/logout',
    guarded(state, 'sso', () => {
      state.logout();
      return { json: { status: true } };
    }),
  );
}
