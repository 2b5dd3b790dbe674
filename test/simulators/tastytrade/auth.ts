import type { Clock } from '../../../src/main/clock';
import type { SimRequest, SimResponse } from '../harness';

/** Access tokens live exactly 15 minutes. */
export const ACCESS_TOKEN_LIFETIME_MS = 900_000;

/** What the nginx edge answers when the User-Agent is not `<product>/<version>`. */
const NGINX_401 =
  '<html>\n<head><title>401 Authorization Required</title></head>\n<body>\n<center><h1>401 Authorization Required</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n';

/** The API's 401 for a missing, unknown or expired access token. */
export const UNAUTHORIZED: SimResponse = { status: 401, json: { error: { code: 'unauthorized', message: 'Unauthorized' } } };

export interface Grant {
  clientSecret: string;
  refreshToken: string;
  clientId: string | null;
}

/** Refresh-token grants, issued access tokens and their expiry on the simulator's clock. */
export class TokenStore {
  private readonly grants: Grant[] = [];
  private readonly issued = new Map<string, number>();
  private counter = 0;
  constructor(private readonly clock: Clock) {}

  addGrant(grant: Grant): void {
    this.grants.push(grant);
  }

  issue(token = `sim-tt-access-${(++this.counter).toString().padStart(4, '0')}`): string {
    this.issued.set(token, this.clock.now());
    return token;
  }

  expireAll(): void {
    for (const token of this.issued.keys()) this.issued.set(token, this.clock.now() - ACCESS_TOKEN_LIFETIME_MS);
  }

  /** `POST /oauth/token`: refresh_token grant, JSON (documented) or form (standard OAuth) body. */
  exchange(req: SimRequest): SimResponse {
    const isJson = (req.headers['content-type'] ?? '').includes('json');
    let params: Record<string, string | undefined>;
    try {
      params = isJson ? req.json<Record<string, string | undefined>>() : Object.fromEntries(req.form());
    } catch {
      return { status: 400, json: { error_code: 'invalid_request', error_description: 'Malformed request body' } };
    }
    if (params.grant_type !== 'refresh_token') {
      return { status: 400, json: { error_code: 'unsupported_grant_type', error_description: 'Only refresh_token is simulated' } };
    }
    const grant = this.grants.find((g) => g.refreshToken === params.refresh_token);
    if (!grant) return { status: 400, json: { error_code: 'invalid_grant', error_description: 'Invalid JWT' } };
    if (grant.clientSecret !== params.client_secret || (params.client_id && grant.clientId && params.client_id !== grant.clientId)) {
      return { status: 401, json: { error_code: 'invalid_client', error_description: 'Invalid client credentials' } };
    }
    return {
      json: { access_token: this.issue(), token_type: 'Bearer', expires_in: ACCESS_TOKEN_LIFETIME_MS / 1000, scope: 'read trade' },
    };
  }

  /** Whether an access token was issued and has not expired (the account streamer's check). */
  valid(token: string): boolean {
    const issuedAt = this.issued.get(token);
    return issuedAt !== undefined && this.clock.now() - issuedAt < ACCESS_TOKEN_LIFETIME_MS;
  }

  /** The edge's User-Agent rule, then the bearer token: null when the request may pass. */
  gate(req: SimRequest, needsToken: boolean): SimResponse | null {
    if (!/^[^\s/]+\/[^\s/]+/.test(req.headers['user-agent'] ?? '')) {
      return { status: 401, text: NGINX_401, headers: { 'content-type': 'text/html' } };
    }
    if (!needsToken) return null;
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const issuedAt = token ? this.issued.get(token) : undefined;
    if (issuedAt === undefined || this.clock.now() - issuedAt >= ACCESS_TOKEN_LIFETIME_MS) return UNAUTHORIZED;
    return null;
  }
}
