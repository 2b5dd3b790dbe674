import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { StoreGate } from './recovery/StoreGate';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreGate />
  </StrictMode>,
);
