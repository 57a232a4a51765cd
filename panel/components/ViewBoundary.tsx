// Keeps a part of the panel that fails to render from taking the others down: it shows why
// instead, and tries again when the data it shows changes (resetKey) or on a click.
import { useEffect, useErrorBoundary } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { errorLine } from '../../src/analysis/text/bounded';

interface Props {
  /** What the part shows, for the message: "this view", "this record". */
  what: string;
  /** A change of it clears the error (e.g. another row selected). */
  resetKey?: unknown;
  /** Extra class of the message (to take the failed part's place in a layout). */
  class?: string;
  children: ComponentChildren;
}

export function ViewBoundary({ what, resetKey, class: className, children }: Props) {
  const [error, reset] = useErrorBoundary((e) => console.error(`CX Lens: ${what} could not be shown`, e));
  useEffect(() => {
    if (error) reset();
  }, [resetKey]);
  if (error) {
    return (
      <div class={className ? `view-error ${className}` : 'view-error'} role="alert" data-testid="view-error">
        CX Lens could not show {what}: {errorLine(error)}.{' '}
        <button type="button" onClick={reset}>Try again</button>
      </div>
    );
  }
  return <>{children}</>;
}
