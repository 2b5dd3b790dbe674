import { describe, expect, it } from 'vitest';
import { classifyChangeQuestion } from '../../src/main/brokers/ibkr/questions';

/** Which of IBKR's questions about a change BrokerVault confirms: only known notices, matched by id or text. */
describe('classifyChangeQuestion', () => {
  it('confirms a known notice by its id or its text', () => {
    expect(classifyChangeQuestion(['o354'], [])).toBe('informational');
    expect(classifyChangeQuestion([], ['You are submitting a market order outside regular trading hours. It will be held until the market opens.'])).toBe(
      'informational',
    );
  });

  it('refuses the value limit, the price constraint, anything unknown, and a notice mixed with any of them', () => {
    expect(classifyChangeQuestion(['o2137'], ['… exceeds the Total Value Limit of 25,000 USD.'])).toBe('refused');
    expect(classifyChangeQuestion(['o163'], [])).toBe('refused');
    expect(classifyChangeQuestion(['o9999'], ['Something new from IBKR.'])).toBe('refused');
    expect(classifyChangeQuestion([], [])).toBe('refused');
    expect(classifyChangeQuestion(['o354'], ['… exceeds the Total Value Limit …'])).toBe('refused');
    expect(classifyChangeQuestion(['o354', 'o2137'], [])).toBe('refused');
  });
});
