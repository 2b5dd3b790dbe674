import type { BrokerDescriptor } from '../../../shared/brokers';

const HUES: Record<string, number> = { IN: 24, US: 215, GLOBAL: 275 };

/** The broker's initials on a coloured tile (colour by region, so the badge never depends on a logo). */
export function BrokerBadge({ broker, size = 36 }: { broker: Pick<BrokerDescriptor, 'initials' | 'region' | 'name'> | undefined; size?: number }) {
  const hue = HUES[broker?.region ?? 'GLOBAL'] ?? 215;
  return (
    <span className="broker-badge" aria-hidden="true" style={{ width: size, height: size, fontSize: size * 0.36, background: `hsl(${hue} 70% 45%)` }}>
      {broker?.initials ?? '?'}
    </span>
  );
}
