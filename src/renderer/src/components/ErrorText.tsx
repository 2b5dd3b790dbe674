/** An error with what to do next; announced at once. */
export function ErrorText({ error, testId }: { error: string | null | undefined; testId?: string }) {
  if (!error) return null;
  return (
    <p className="error-box" role="alert" data-testid={testId}>
      {error}
    </p>
  );
}
