import type { EventName } from '../../../src/shared/channels';
import type { EventPayload } from '../../../src/shared/contract';
import type { TestGraph } from '../graph';

function decodeHtml(value: string): string {
  return value
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"');
}

/** What the browser ended on after a sign-in: the page BrokerVault's loopback listener served (or why it could not). */
export interface BrowserLanding {
  /** The broker's login page status. */
  loginStatus: number;
  /** Where the broker's form submit redirected to (null when it did not redirect). */
  redirectedTo: string | null;
  /** Status and body of the redirect target, or the fetch error when nothing listened there. */
  landingStatus: number | null;
  landingBody: string;
}

/**
 * The system browser as BrokerVault sees it through `openExternal`: it records every URL main asks it
 * to open. `signIn` then does what the trader does on the broker's page: load it, submit the pre-filled
 * form (user id, password/PIN, TOTP), and follow the broker's redirect to the 127.0.0.1 callback.
 */
export class FakeBrowser {
  readonly opened: string[] = [];

  readonly openExternal = (url: string): Promise<void> => {
    this.opened.push(url);
    return Promise.resolve();
  };

  /** The last URL opened whose host is `host`. */
  lastOpened(host: string): string {
    const url = [...this.opened].reverse().find((u) => new URL(u).host === host);
    if (!url) throw new Error(`BrokerVault opened no page on ${host} (opened: ${this.opened.length})`);
    return url;
  }

  async signIn(loginUrl: string): Promise<BrowserLanding> {
    const page = await fetch(loginUrl);
    const html = await page.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (page.status !== 200 || !action) return { loginStatus: page.status, redirectedTo: null, landingStatus: null, landingBody: html };
    const form = new URLSearchParams();
    for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) form.set(m[1]!, decodeHtml(m[2]!));
    const submitted = await fetch(new URL(decodeHtml(action), loginUrl), { method: 'POST', body: form, redirect: 'manual' });
    const location = submitted.headers.get('location');
    if (submitted.status < 300 || submitted.status >= 400 || !location) {
      return { loginStatus: page.status, redirectedTo: null, landingStatus: submitted.status, landingBody: await submitted.text() };
    }
    await submitted.body?.cancel();
    const target = new URL(location, loginUrl).toString();
    try {
      const landing = await fetch(target, { redirect: 'manual' });
      return { loginStatus: page.status, redirectedTo: target, landingStatus: landing.status, landingBody: await landing.text() };
    } catch (error) {
      return { loginStatus: page.status, redirectedTo: target, landingStatus: null, landingBody: String((error as Error).cause ?? error) };
    }
  }
}

/**
 * The first pushed event of this kind matching `accept` — already pushed or still to come. Resolves on
 * the event itself, never on a timer (the test's own timeout bounds the wait).
 */
export function nextEvent<E extends EventName>(g: TestGraph, event: E, accept: (payload: EventPayload<E>) => boolean, after = 0): Promise<EventPayload<E>> {
  const seen = g.events.slice(after).find((e) => e.event === event && accept(e.payload as EventPayload<E>));
  if (seen) return Promise.resolve(seen.payload as EventPayload<E>);
  return new Promise((resolve) => {
    const stop = g.services.events.subscribe((name, payload) => {
      if (name !== event || !accept(payload as EventPayload<E>)) return;
      stop();
      resolve(payload as EventPayload<E>);
    });
  });
}
