/**
 * Protective exits, declared once for main, the IPC schemas and the renderer.
 * - bracket: an entry order with a target and a stop that are armed once it fills (entry, target and stop);
 * - oco: a target and a stop for a position already held, whichever fills first cancels the other
 *   ("stop-loss with target");
 * - trailing: a stop that follows the best price since it was armed by a fixed amount or a percentage.
 * A broker that holds the kind itself gets it natively (its own bracket, OCO, GTT, forever or super order);
 * otherwise BrokerVault manages it from the live feed, which works only while BrokerVault runs.
 */
export const EXIT_KINDS = ['bracket', 'oco', 'trailing'] as const;
export type ExitKind = (typeof EXIT_KINDS)[number];

/** The part an order plays in a protective exit. */
export const EXIT_LEG_ROLES = ['entry', 'target', 'stop'] as const;
export type ExitLegRole = (typeof EXIT_LEG_ROLES)[number];

/** How a trailing stop keeps its distance: a price amount or a percentage of the best price. */
export type TrailDistance = { amount: number } | { percent: number };
