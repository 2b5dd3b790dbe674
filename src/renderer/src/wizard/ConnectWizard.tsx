import { useCallback, useState } from 'react';
import type { BrokerDescriptor } from '../../../shared/brokers';
import type { ConnectionView } from '../../../shared/schemas';
import { Modal } from '../components/Modal';
import { CheckStep } from './CheckStep';
import { DetailsStep } from './DetailsStep';
import { DoneStep } from './DoneStep';
import { PickBrokerStep } from './PickBrokerStep';
import { SignInStep } from './SignInStep';
import { isBrowserLogin, type Draft } from './draft';

type Step = 'broker' | 'details' | 'check' | 'done';

function newDraft(broker: BrokerDescriptor): Draft {
  return { broker, environment: broker.environments[0]!.id, label: broker.name.replace(/\s*\(.*\)$/, ''), fields: {}, apiHost: '' };
}

/** The step indicator: where the trader is and what comes next. */
function Steps({ step, browser }: { step: Step; browser: boolean }) {
  const steps: [Step, string][] = [
    ['broker', 'Broker'],
    ['details', 'Details'],
    ['check', browser ? 'Sign in' : 'Test'],
    ['done', 'Done'],
  ];
  const at = steps.findIndex(([s]) => s === step);
  return (
    <ol className="steps" aria-label="Progress">
      {steps.map(([s, label], i) => (
        <li key={s} className={i < at ? 'done' : i === at ? 'current' : ''} aria-current={i === at ? 'step' : undefined}>
          <span className="step-num" aria-hidden="true">
            {i < at ? '✓' : i + 1}
          </span>
          {label}
        </li>
      ))}
    </ol>
  );
}

/** Connect a broker, step by step: pick, fill in, test or sign in, done. */
export function ConnectWizard({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  const [step, setStep] = useState<Step>('broker');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [savedId, setSavedId] = useState<string | null>(null);
  const [saved, setSaved] = useState<ConnectionView | null>(null);

  const reset = () => {
    setStep('broker');
    setDraft(null);
    setSavedId(null);
    setSaved(null);
  };
  const close = () => {
    onOpenChange(false);
    reset();
  };
  const finished = useCallback((connection: ConnectionView) => {
    setSaved(connection);
    setStep('done');
  }, []);

  return (
    <Modal
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) reset();
      }}
      title="Connect a broker"
      description="Your credentials are encrypted on this computer and are only ever sent to your broker."
      wide
    >
      <Steps step={step} browser={draft ? isBrowserLogin(draft.broker) : false} />
      {step === 'broker' && (
        <PickBrokerStep
          onPick={(broker) => {
            setDraft(draft?.broker.id === broker.id ? draft : newDraft(broker));
            setStep('details');
          }}
        />
      )}
      {step === 'details' && draft && <DetailsStep draft={draft} onChange={setDraft} onBack={() => setStep('broker')} onNext={() => setStep('check')} />}
      {step === 'check' &&
        draft &&
        (isBrowserLogin(draft.broker) ? (
          <SignInStep draft={draft} savedId={savedId} onSavedId={setSavedId} onBack={() => setStep('details')} onDone={finished} onClose={close} />
        ) : (
          <CheckStep draft={draft} onBack={() => setStep('details')} onSaved={finished} />
        ))}
      {step === 'done' && saved && <DoneStep connection={saved} onAnother={reset} onClose={close} />}
    </Modal>
  );
}
