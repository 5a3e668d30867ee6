"use client";

import { CopyButton } from "./copy-button";
import { secondaryButton } from "./form-field";

/** The highlighted "shown once" panel for a freshly minted secret, with an optional usage example. */
export function SecretPanel({
  title,
  description,
  secret,
  example,
  testId,
  onDismiss,
}: {
  title: string;
  description: string;
  secret: string;
  example?: { caption: string; text: string };
  testId: string;
  onDismiss: () => void;
}) {
  return (
    <div data-testid={`${testId}-panel`} className="rounded-lg border border-amber-300 bg-amber-50 p-4">
      <div className="flex items-start justify-between gap-4">
        <div>
          <p className="text-sm font-semibold text-amber-900">{title}</p>
          <p className="mt-0.5 text-xs text-amber-800">{description}</p>
        </div>
        <button type="button" onClick={onDismiss} className={secondaryButton}>
          Done
        </button>
      </div>
      <div className="mt-3 flex items-center gap-2">
        <code data-testid={testId} className="min-w-0 flex-1 truncate rounded-md border border-amber-200 bg-white px-3 py-2 font-mono text-xs text-zinc-900 select-all">
          {secret}
        </code>
        <CopyButton text={secret} />
      </div>
      {example ? (
        <>
          <p className="mt-3 text-xs text-amber-800">{example.caption}</p>
          <div className="mt-1 flex items-start gap-2">
            <pre data-testid={`${testId}-example`} className="min-w-0 flex-1 overflow-x-auto rounded-md border border-amber-200 bg-white px-3 py-2 font-mono text-xs whitespace-pre-wrap break-all text-zinc-900 select-all">
              {example.text}
            </pre>
            <CopyButton text={example.text} label="Copy command" />
          </div>
        </>
      ) : null}
    </div>
  );
}
