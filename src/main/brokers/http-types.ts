/** The shape of one broker HTTP call, a leaf module so the adapter contract (types.ts) and the client (http.ts) both use it. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path joined to the context's base URL (keep the base URL's own path), e.g. "/user/profile". */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string | number | boolean | undefined>;
  /** Overrides the context's timeout for this call. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, otherwise the text. */
  body: unknown;
}
