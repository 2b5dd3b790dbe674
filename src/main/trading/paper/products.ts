import { BrokerError } from '../../brokers/types';

/**
 * Products a paper order may carry, and BrokerVault's own paper margin rule for shorts (not any broker's: real
 * brokers compute SPAN/VaR/Reg T figures per instrument). A short's sale proceeds stay blocked, and a further
 * stated percentage of its value at entry is blocked as margin, until it is covered.
 */
export interface ProductRule {
  /** Share of a short's value blocked as margin on top of its proceeds; null when the product cannot sell short. */
  shortMargin: number | null;
  /** How the refusal names it ("CNC (delivery)", "a CASH account"). */
  label: string;
  /** Closed by the paper engine at the exchange's intraday square-off time. */
  intraday: boolean;
}

export const PRODUCT_RULES: Readonly<Record<string, ProductRule>> = {
  CNC: { shortMargin: null, label: 'CNC (delivery)', intraday: false },
  MIS: { shortMargin: 0.2, label: 'MIS (intraday)', intraday: true },
  NRML: { shortMargin: 0.4, label: 'NRML (carry forward)', intraday: false },
  CASH: { shortMargin: null, label: 'a CASH account', intraday: false },
  MARGIN: { shortMargin: 0.5, label: 'a MARGIN account', intraday: false },
};

/** Products the intraday square-off closes. */
export const INTRADAY_PRODUCTS = Object.keys(PRODUCT_RULES).filter((p) => PRODUCT_RULES[p]!.intraday);

/** Orders without a product behave as delivery/cash: long only, as the paper engine always did. */
const NO_PRODUCT: ProductRule = { shortMargin: null, label: '', intraday: false };

export function productRule(product: string | null | undefined): ProductRule {
  return (product && PRODUCT_RULES[product]) || NO_PRODUCT;
}

export function checkProduct(product: string | undefined): void {
  if (product === undefined || Object.hasOwn(PRODUCT_RULES, product)) return;
  throw new BrokerError('BROKER_REJECTED', `Unknown product "${product}" for paper trading: use CNC, MIS or NRML (India), or CASH or MARGIN (US).`);
}

/** What to choose instead when `product` cannot sell short. */
export function shortHint(product: string): string {
  return product === 'CASH' ? 'Choose MARGIN to sell short.' : 'Choose MIS or NRML to sell short.';
}

/** `share` of a minor-unit amount, rounded half away from zero once (e.g. 20 % margin of a short's value). */
export function shareMinor(minor: number, share: number): number {
  const part = Number((Math.abs(minor) * share).toPrecision(15));
  return Math.round(part);
}

/** Cash a short blocks: its proceeds (the negative cost basis) plus its product's margin share of them. */
export function shortBlockMinor(costMinor: number, product: string | null): number {
  const proceeds = Math.abs(costMinor);
  return proceeds + shareMinor(proceeds, productRule(product).shortMargin ?? 0);
}
