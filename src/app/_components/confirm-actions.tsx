"use client";

import { dangerButton, secondaryButton } from "./form-field";

/** The second step of a destructive action: the red confirm button and Cancel. */
export function ConfirmActions({
  busy,
  confirmLabel,
  busyLabel,
  onConfirm,
  onCancel,
}: {
  busy: boolean;
  confirmLabel: string;
  busyLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <div className="flex gap-2">
      <button type="button" className={dangerButton} disabled={busy} onClick={onConfirm}>
        {busy ? busyLabel : confirmLabel}
      </button>
      <button type="button" className={secondaryButton} disabled={busy} onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
