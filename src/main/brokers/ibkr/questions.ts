/**
 * What BrokerVault does with a question the IBKR gateway asks about a change to a working order (`POST
 * /iserver/account/{acct}/order/{id}` answered with `{id, message[], messageIds[]}`): the trader has already reviewed
 * and confirmed the change, so a notice that adds no risk is confirmed (`POST /iserver/reply/{id}`), and anything else
 * is declined and the change refused in words. A question this table does not know is never confirmed.
 *
 * Matched by message id or by text, since the ids are not published and vary (see docs/brokers/ibkr.md: unconfirmed).
 * Placements are different: every question about a new order goes to the trader (orders:answerPrompt).
 */
export type ChangeQuestionKind = 'informational' | 'refused';

interface QuestionRule {
  kind: ChangeQuestionKind;
  /** What the rule is, in BrokerVault's words (for the docs and the refusal). */
  what: string;
  messageIds: readonly string[];
  text: RegExp;
}

export const CHANGE_QUESTIONS: readonly QuestionRule[] = [
  {
    kind: 'informational',
    what: 'the order is held until the market opens (outside regular trading hours)',
    messageIds: ['o354'],
    text: /outside (of )?regular trading hours|held until the market opens/i,
  },
  {
    kind: 'refused',
    what: "the order's value is above the account's Total Value Limit",
    messageIds: ['o2137'],
    text: /total value limit/i,
  },
  {
    kind: 'refused',
    what: "the price is further from the market than IBKR's percentage constraint",
    messageIds: ['o163'],
    text: /percentage constraint/i,
  },
];

/** The kind of one question (all its message ids and texts must be informational for it to be confirmed). */
export function classifyChangeQuestion(messageIds: readonly string[], prompts: readonly string[]): ChangeQuestionKind {
  const kinds = [
    ...messageIds.map((id) => CHANGE_QUESTIONS.find((r) => r.messageIds.includes(id))?.kind),
    ...prompts.map((p) => CHANGE_QUESTIONS.find((r) => r.text.test(p))?.kind),
  ];
  return kinds.length > 0 && kinds.every((k) => k === 'informational') ? 'informational' : 'refused';
}
