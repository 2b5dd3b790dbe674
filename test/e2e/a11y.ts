import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { expectTabReachesAll } from './flows/keyboard';

/** The WCAG 2.1 A and AA rule sets every screen is held to. */
export const WCAG21_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** One failing rule on one screen: the rule, its impact and summary, and each offending element with axe's reason. */
export interface A11yFinding {
  where: string;
  rule: string;
  impact: string;
  summary: string;
  help: string;
  nodes: { target: string; reason: string }[];
}

/**
 * Scan what the page shows now with axe-core against WCAG 2.1 A and AA. With `within` (a CSS selector, such as an
 * open dialog's), only that part is scanned: the rest of the page is scanned on its own, without the dialog.
 * `where` names the screen in the findings ("Trading (dark)").
 */
export async function scanA11y(page: Page, where: string, within?: string): Promise<A11yFinding[]> {
  let builder = new AxeBuilder({ page }).withTags(WCAG21_AA_TAGS);
  if (within) builder = builder.include(within);
  const results = await builder.analyze();
  return results.violations.map((v) => ({
    where,
    rule: v.id,
    impact: v.impact ?? 'unknown',
    summary: v.description,
    help: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map(String).join(' '),
      reason: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
    })),
  }));
}

/** The findings as lines a person can act on: screen, rule, impact, summary, then each element and why. */
export function formatFindings(findings: A11yFinding[]): string {
  if (findings.length === 0) return 'No accessibility violations.';
  const lines = [`${findings.length} accessibility violation(s) (WCAG 2.1 A/AA):`];
  for (const f of findings) {
    lines.push(`- ${f.where}: ${f.rule} [${f.impact}] ${f.summary} (${f.help})`);
    for (const n of f.nodes) lines.push(`    ${n.target}: ${n.reason}`);
  }
  return lines.join('\n');
}

/** Fail the test, with the readable listing, when what the page shows (or `within` it) has any violation. */
export async function expectAccessible(page: Page, where: string, within?: string): Promise<void> {
  const findings = await scanA11y(page, where, within);
  expect(findings, formatFindings(findings)).toEqual([]);
}

/** The selector of the open dialog, for scanning it alone. */
export const OPEN_DIALOG = '[role="dialog"]';

/**
 * Collects findings over a walk through many screens, so one run lists every violation rather than stopping at
 * the first screen; `assertNone` fails with all of them. `counts` keeps, per screen, how many rules failed.
 */
export class A11yWalk {
  readonly findings: A11yFinding[] = [];
  readonly counts = new Map<string, number>();
  /** With `keyboard`, each screen is also walked with Tab: every control reached, each with its focus ring. */
  constructor(
    private readonly page: Page,
    private readonly suffix = '',
    private readonly keyboard = false,
  ) {}

  async scan(where: string, within?: string): Promise<void> {
    const name = this.suffix ? `${where} (${this.suffix})` : where;
    const found = await scanA11y(this.page, name, within);
    this.counts.set(
      name,
      found.reduce((sum, f) => sum + f.nodes.length, 0),
    );
    this.findings.push(...found);
    if (this.keyboard) await expectTabReachesAll(this.page, name, within);
  }

  /** Scan the open dialog alone. */
  scanDialog(where: string): Promise<void> {
    return this.scan(where, OPEN_DIALOG);
  }

  assertNone(): void {
    expect(this.findings, formatFindings(this.findings)).toEqual([]);
  }
}
