// Small pieces every view uses: progress bars, state badges, dates, people, user errors.
import { html, nothing, type TemplateResult } from "lit-html";

import type { ActionError, Progress, UserRef } from "../api/shapes";
import type { ActionStatus } from "../store";

export function percentOf(progress: Progress): number {
  return Math.round(progress.percent);
}

export function progressBar(progress: Progress, label: string): TemplateResult {
  const percent = percentOf(progress);
  const text = `${percent}% (${progress.completedTasks}/${progress.totalTasks})`;
  return html`<div
    class="progress"
    role="progressbar"
    aria-label=${`Progress of ${label}`}
    aria-valuemin="0"
    aria-valuemax="100"
    aria-valuenow=${percent}
    aria-valuetext=${`${percent}%, ${progress.completedTasks} of ${progress.totalTasks} tasks done`}
    data-testid="progress"
    data-percent=${percent}
    data-completed=${progress.completedTasks}
    data-total=${progress.totalTasks}
  >
    <span class="progress-fill" style=${`width: ${percent}%`}></span>
    <span class="progress-text">${text}</span>
  </div>`;
}

export function humanize(value: string): string {
  const words = value.replace(/_/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function stateBadge(value: string, testId = "state"): TemplateResult {
  return html`<span class="badge state-${value.toLowerCase()}" data-testid=${testId} data-state=${value}
    >${humanize(value)}</span
  >`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function when(iso: string | null | undefined): TemplateResult | typeof nothing {
  if (!iso) return nothing;
  const date = new Date(iso);
  return html`<time datetime=${iso}>${dateTime.format(date)}</time>`;
}

export function person(user: UserRef | null | undefined, none = "Unassigned"): string {
  return user ? `${user.displayName} (${user.username})` : none;
}

/** The user errors of one action, read out when they appear. */
export function actionErrors(key: string, status: ActionStatus | undefined): TemplateResult {
  const errors: ActionError[] = status?.errors ?? [];
  return html`<div class="action-errors" role="alert" data-testid="action-error" data-action=${key}>
    ${errors.map(
      (e) => html`<p class="error" data-code=${e.code}>
        <strong>${humanize(e.code)}</strong>: ${e.message}${e.field ? html` <em>(${e.field})</em>` : nothing}
      </p>`,
    )}
  </div>`;
}
