// The order's lifecycle actions in the plan header: hold (with a reason), resume (with a
// note), cancel the whole order or chosen items (with a reason), and the revision form. Each
// is rendered only when the API's `viewerCan` says the user may take it now; its user errors
// show beside it (`actionErrors`), as for the other actions.
import { html, nothing, type TemplateResult } from "lit-html";

import type { ServiceOrder } from "../api/shapes";
import {
  cancelKey,
  cancelOrder,
  holdKey,
  holdOrder,
  resumeKey,
  resumeOrder,
} from "../controllers/lifecycle";
import { pointOfNoReturn } from "../plan/lifecycle";
import { state } from "../store";
import { revisionForm } from "./revisionForm";
import { actionErrors } from "./widgets";

const text = (data: FormData, name: string): string => String(data.get(name) ?? "").trim();
const busy = (key: string): boolean => state.actions.get(key)?.busy ?? false;

function submitted(
  run: (data: FormData) => Promise<boolean>,
): (event: SubmitEvent) => Promise<void> {
  return async (event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    if (await run(new FormData(form))) form.reset();
  };
}

function action(key: string, body: TemplateResult): TemplateResult {
  return html`<div class="action" data-action=${key}>${body}${actionErrors(key, state.actions.get(key))}</div>`;
}

function holdForm(order: ServiceOrder): TemplateResult {
  const key = holdKey(order.id);
  return action(
    key,
    html`<details class="disclosure">
      <summary data-testid="open-hold">Hold…</summary>
      <form @submit=${submitted((d) => holdOrder(order, text(d, "reason")))}>
        <label>Reason <input name="reason" data-testid="hold-reason" /></label>
        <button type="submit" data-testid="action-hold" ?disabled=${busy(key)}>Hold order</button>
      </form>
    </details>`,
  );
}

function resumeForm(order: ServiceOrder): TemplateResult {
  const key = resumeKey(order.id);
  return action(
    key,
    html`<form @submit=${submitted((d) => resumeOrder(order, text(d, "note") || null))}>
      <label>Note <input name="note" data-testid="resume-note" /></label>
      <button type="submit" class="primary" data-testid="action-resume" ?disabled=${busy(key)}>
        Resume order
      </button>
    </form>`,
  );
}

/** Items the user may cancel are ticked to cancel only them; none ticked cancels the order. */
function cancelForm(order: ServiceOrder): TemplateResult {
  const key = cancelKey(order.id);
  const several = order.lineItems.length > 1;
  return action(
    key,
    html`<details class="disclosure">
      <summary data-testid="open-cancel">Cancel…</summary>
      <form class="cancel-form" @submit=${submitted((d) =>
        cancelOrder(order, text(d, "reason"), d.getAll("lineItemId").map(String)),
      )}>
        ${several
          ? html`<fieldset class="cancel-items">
              <legend>Only these items (none ticked: the whole order)</legend>
              ${order.lineItems.map((item) => {
                const ponr = pointOfNoReturn(item);
                return html`<label class="check">
                  <input type="checkbox" name="lineItemId" value=${item.id}
                    data-testid="cancel-item" data-id=${item.id} ?disabled=${!item.viewerCan.cancel} />
                  ${item.action} ${item.specification.name}
                  ${ponr.reachedAt
                    ? html`<span class="muted">(past its point of no return)</span>`
                    : nothing}
                </label>`;
              })}
            </fieldset>`
          : nothing}
        <label>Reason <input name="reason" data-testid="cancel-reason" /></label>
        <button type="submit" class="danger" data-testid="action-cancel" ?disabled=${busy(key)}>
          Cancel
        </button>
      </form>
    </details>`,
  );
}

export function lifecycleActions(order: ServiceOrder): TemplateResult | typeof nothing {
  const can = order.viewerCan;
  const forms: TemplateResult[] = [];
  if (can.resume) forms.push(resumeForm(order));
  if (can.hold) forms.push(holdForm(order));
  if (can.cancel) forms.push(cancelForm(order));
  if (can.revise) forms.push(revisionForm(order));
  if (!forms.length) return nothing;
  return html`<div class="actions lifecycle-actions" data-testid="lifecycle-actions">${forms}</div>`;
}
