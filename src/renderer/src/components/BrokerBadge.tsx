import type { BrokerDescriptor } from '../../../shared/brokers';

/** The broker's initials on a coloured tile (colour by region, so the badge never depends on a logo; tokens in styles.css). */
export function BrokerBadge({ broker, size = 36 }: { broker: Pick<BrokerDescriptor, 'initials' | 'region' | 'name'> | undefined; size?: number }) {
  return (
    <span className={`broker-badge broker-badge-${broker?.region ?? 'GLOBAL'}`} aria-hidden="true" style={{ width: size, height: size, fontSize: size * 0.36 }}>
      {broker?.initials ?? '?'}
    </span>
  );
}
