import type { BrokerDescriptor } from '../../../shared/brokers';

/**
 * What the broker's descriptor says about its sessions and where its API is documented, so the trader knows
 * before saving how long a sign-in lasts. The link opens in the system browser (main allows only the
 * broker's own documentation and sign-in hosts).
 */
export function BrokerFacts({ broker }: { broker: Pick<BrokerDescriptor, 'name' | 'tokenLifetime' | 'docsUrl'> }) {
  return (
    <dl className="broker-facts" data-testid="broker-facts">
      <dt>How long a sign-in lasts</dt>
      <dd data-testid="token-lifetime">{broker.tokenLifetime}</dd>
      <dt>API documentation</dt>
      <dd>
        <a href={broker.docsUrl} target="_blank" rel="noopener noreferrer" data-testid="docs-url">
          {broker.name} API documentation
        </a>
      </dd>
    </dl>
  );
}
