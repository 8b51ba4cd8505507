// Every fallout record of the order, open ones first, with the manager's actions on each.
import { html, type TemplateResult } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";

import type { Fallout } from "../api/shapes";
import { falloutActionOutcome } from "../plan/falloutActions";
import { nodeKey } from "../plan/model";
import { falloutActions } from "./actionForms";
import { focusNode } from "./tree";
import { humanize, person, stateBadge } from "./widgets";

const OPEN = new Set(["OPEN", "IN_PROGRESS"]);

/** ": Task retried — the note": the action is null for a fallout resolved without one. */
function resolution({ action, note }: NonNullable<Fallout["resolution"]>): string {
  return `${action ? `: ${falloutActionOutcome(action)}` : ""}${note ? ` — ${note}` : ""}`;
}

function row(fallout: Fallout): TemplateResult {
  return html`<li class=${`fallout${OPEN.has(fallout.state) ? " open" : ""}`} data-testid="fallout-row"
    data-id=${fallout.id} data-number=${fallout.number} data-state=${fallout.state}>
    <div class="fallout-head">
      <strong>${fallout.number}</strong> ${stateBadge(fallout.state, "fallout-state")}
      <span>${humanize(fallout.type)}</span> · <span>${humanize(fallout.priority)} priority</span>
    </div>
    <p class="fallout-description">${fallout.description}</p>
    <p class="muted">
      On task
      <button type="button" class="link" data-testid="fallout-task"
        @click=${() => focusNode(nodeKey("task", fallout.task.id))}>${fallout.task.number} ${fallout.task.name}</button>
      · assigned to ${person(fallout.assignee)} · reported by ${person(fallout.createdBy, "—")}
    </p>
    ${fallout.resolution
      ? html`<p data-testid="fallout-resolution">Resolved${resolution(fallout.resolution)}</p>`
      : falloutActions(fallout)}
  </li>`;
}

export function falloutPanel(fallouts: Fallout[]): TemplateResult {
  const sorted = [...fallouts].sort((a, b) => Number(OPEN.has(b.state)) - Number(OPEN.has(a.state)));
  const open = fallouts.filter((f) => OPEN.has(f.state)).length;
  return html`<section class="card fallout-panel" aria-labelledby="fallouts-title" data-testid="fallout-panel"
    data-open=${open} data-total=${fallouts.length}>
    <h3 id="fallouts-title">Fallout <span class="count">${open} open of ${fallouts.length}</span></h3>
    ${fallouts.length
      ? html`<ul class="fallouts">${repeat(sorted, (f) => f.id, (f) => row(f))}</ul>`
      : html`<p class="muted">No fallout on this order.</p>`}
  </section>`;
}
