import type { ChannelName, EventName } from './channels';
import type { ChannelInput, ChannelOutput, EventPayload } from './contract';
import type { Result } from './result';

type Namespace = ChannelName extends `${infer NS}:${string}` ? NS : never;
type MethodOf<NS extends string, C> = C extends `${NS}:${infer M}` ? M : never;

/** Channels whose every input field is optional may be called with no argument. */
type Call<C extends ChannelName> =
  Record<never, never> extends ChannelInput<C>
    ? (input?: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>
    : (input: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>;

/** The surface the preload (and the test bridge) put on `window.brokerVault`. */
export type BrokerVaultApi = {
  readonly [NS in Namespace]: {
    readonly [M in MethodOf<NS, ChannelName>]: Call<Extract<`${NS}:${M}`, ChannelName>>;
  };
} & {
  /** Subscribe to a pushed event; the callback receives the payload only. Returns an unsubscribe function. */
  readonly on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => () => void;
};
