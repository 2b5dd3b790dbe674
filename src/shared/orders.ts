/**
 * The order vocabulary, declared once: the IPC schemas (their zod enums are built from these lists in
 * schemas.ts), main (adapters, journal, paper engine) and the renderer all take their sides, types, states
 * and times in force from here. Plain lists, so the renderer's runtime imports stay light.
 */

export const ORDER_SIDES = ['BUY', 'SELL'] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];

export const ORDER_TYPES = ['MARKET', 'LIMIT', 'STOP', 'STOP_LIMIT'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** The order types a scheduled basket may hold. */
export const BASKET_ORDER_TYPES = ['MARKET', 'LIMIT'] as const satisfies readonly OrderType[];
export type BasketOrderType = (typeof BASKET_ORDER_TYPES)[number];

/** Unified order state. PENDING = sent, not yet acknowledged; OPEN = working at the broker. */
export const ORDER_STATES = ['PENDING', 'OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED', 'UNKNOWN'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** States in which an order is working at the broker: the kill switch cancels these, the order list offers Cancel. */
export const WORKING_ORDER_STATES: readonly OrderState[] = ['PENDING', 'OPEN', 'PARTIALLY_FILLED'];
export const isWorkingOrderState = (state: OrderState): boolean => WORKING_ORDER_STATES.includes(state);

/** States in which an order may still change (working, or UNKNOWN: its fate is not settled yet). */
export const OPEN_ORDER_STATES: readonly OrderState[] = [...WORKING_ORDER_STATES, 'UNKNOWN'];
export const isOpenOrderState = (state: OrderState): boolean => OPEN_ORDER_STATES.includes(state);

export const TIMES_IN_FORCE = ['DAY', 'IOC', 'GTC'] as const;
export type TimeInForce = (typeof TIMES_IN_FORCE)[number];

/** LIMIT and STOP_LIMIT orders carry a limit price, and only they do. */
export const needsLimitPrice = (type: OrderType): boolean => type === 'LIMIT' || type === 'STOP_LIMIT';
/** STOP and STOP_LIMIT orders carry a stop price, and only they do. */
export const needsStopPrice = (type: OrderType): boolean => type === 'STOP' || type === 'STOP_LIMIT';

/**
 * Where an order came from: the trading screen, a schedule, the kill switch's own closing orders, a protective exit
 * (bracket/OCO/trailing leg sent by BrokerVault), the local API for the trader's scripts, or the paper engine's
 * intraday square-off. Every source goes through the one order path.
 */
export const ORDER_SOURCES = ['ui', 'schedule', 'killswitch', 'exit', 'api', 'squareoff'] as const;
export type OrderSource = (typeof ORDER_SOURCES)[number];
