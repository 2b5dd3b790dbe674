/** Trading arrives with the paper engine and the order path; say so plainly rather than show a fake ticket. */
export function TradingPage() {
  return (
    <div className="empty">
      <p>
        <strong>Trading is not available in this build yet.</strong>
      </p>
      <p className="muted">You can add and manage broker connections now; paper and live trading come in the next release.</p>
    </div>
  );
}
