import { describe, expect, it } from 'vitest';
import { liveTargetText } from '../../src/renderer/src/mode/live-target';

describe('the LIVE badge names the account once', () => {
  it('shows the name once when it is the broker’s name', () => {
    expect(liveTargetText('Angel One SmartAPI', 'Angel One SmartAPI', '••••6847')).toBe('Angel One SmartAPI ••••6847');
  });
  it('treats a name differing only in case or spaces as the same', () => {
    expect(liveTargetText(' angel one smartapi', 'Angel One SmartAPI', '••••6847')).toBe(' angel one smartapi ••••6847');
  });
  it('adds the broker when the trader named the connection', () => {
    expect(liveTargetText('Angel main', 'Angel One SmartAPI', '••••6847')).toBe('Angel main · Angel One SmartAPI ••••6847');
  });
  it('leaves out an account number the broker did not give', () => {
    expect(liveTargetText('Angel main', 'Angel One SmartAPI', null)).toBe('Angel main · Angel One SmartAPI');
  });
});
