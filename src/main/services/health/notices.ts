/** Desktop notification texts. Labels are the trader's own names; no account numbers or tokens. */
export interface Notice {
  title: string;
  body: string;
}

export const notices = {
  expiresSoon: (broker: string, label: string): Notice => ({
    title: `${broker} session expires in 15 minutes`,
    body: `Sign in again to keep "${label}" connected.`,
  }),
  expired: (broker: string, label: string): Notice => ({
    title: `${broker} session expired`,
    body: `"${label}" is signed out. Sign in again to trade with it.`,
  }),
  reloggedIn: (broker: string, label: string): Notice => ({
    title: `BrokerVault signed in to ${broker} again`,
    body: `"${label}" has a new session.`,
  }),
  reloginFailed: (broker: string, label: string): Notice => ({
    title: `BrokerVault could not sign in to ${broker} again`,
    body: `Sign in to "${label}" yourself before its session expires.`,
  }),
};
