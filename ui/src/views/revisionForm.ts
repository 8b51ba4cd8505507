// The revision form: the order's line items as they are, each with its quantity and
// characteristics to change or the item to remove, and new lines to add (an ADD of one of the
// catalog's products). It sends the whole list (`reviseServiceOrder` replaces the items with
// it) against the version it was opened on, so a change made meanwhile comes back as CONFLICT.
// An item past its point of no return (`viewerCan.revise` false) is sent as it is.
import { html, nothing, type TemplateResult } from "lit-html";

import type { LineItem, ServiceOrder } from "../api/shapes";
import {
  addLine,
  closeRevision,
  editLine,
  editReason,
  openRevision,
  orderableProducts,
  removeLine,
  reviseKey,
  revisionDraft,
  submitRevision,
} from "../controllers/lifecycle";
import type { RevisionLine } from "../plan/lifecycle";
import { state } from "../store";
import { actionErrors } from "./widgets";

const valueOf = (event: Event): string =>
  (event.target as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement).value;

function productSelect(line: RevisionLine, index: number): TemplateResult {
  const products = orderableProducts();
  if (products === null || products.length === 0) {
    return html`<span class="muted">Reading the catalog…</span>`;
  }
  return html`<label>Product
    <select data-testid="revision-product" .value=${line.specificationCode}
      @change=${(e: Event) => editLine(index, { specificationCode: valueOf(e) })}>
      ${products.map((p) => html`<option value=${p.code} ?selected=${p.code === line.specificationCode}>${p.name}</option>`)}
    </select>
  </label>`;
}

function lineRow(line: RevisionLine, index: number, item: LineItem | undefined): TemplateResult {
  const locked = item !== undefined && !item.viewerCan.revise;
  const disabled = locked || line.removed;
  return html`<li class=${`revision-line${line.removed ? " removed" : ""}`} data-testid="revision-line"
    data-id=${line.id ?? ""} data-removed=${String(line.removed)}>
    <div class="revision-what">
      ${item
        ? html`<strong>${item.action} ${item.specification.name}</strong>
            ${locked ? html`<span class="muted">past its point of no return: kept as it is</span>` : nothing}`
        : html`<strong>New: ADD</strong> ${productSelect(line, index)}`}
    </div>
    <label>Quantity
      <input type="number" min="1" step="1" data-testid="revision-quantity" .value=${line.quantity}
        ?disabled=${disabled} @input=${(e: Event) => editLine(index, { quantity: valueOf(e) })} />
    </label>
    <label class="revision-characteristics">Characteristics (JSON)
      <textarea rows="2" data-testid="revision-characteristics" .value=${line.characteristics}
        ?disabled=${disabled} @input=${(e: Event) => editLine(index, { characteristics: valueOf(e) })}></textarea>
    </label>
    ${locked
      ? nothing
      : html`<button type="button" class="quiet" data-testid="revision-remove" @click=${() => removeLine(index)}>
          ${line.removed ? "Keep" : "Remove"}
        </button>`}
  </li>`;
}

export function revisionForm(order: ServiceOrder): TemplateResult {
  const key = reviseKey(order.id);
  const draft = revisionDraft(order.id);
  const status = state.actions.get(key);
  if (!draft) {
    return html`<div class="action" data-action=${key}>
      <button type="button" data-testid="open-revise" @click=${() => openRevision(order)}>Revise…</button>
      ${actionErrors(key, status)}
    </div>`;
  }
  const items = new Map(order.lineItems.map((item) => [item.id, item]));
  return html`<div class="action revision" data-action=${key}>
    <form class="revision-form" data-testid="revision-form" aria-label="Revise the order"
      @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        void submitRevision();
      }}>
      <h4>Revise the order (revision ${order.revision} → ${order.revision + 1})</h4>
      <ol class="revision-lines">
        ${draft.lines.map((line, index) => lineRow(line, index, line.id ? items.get(line.id) : undefined))}
      </ol>
      <div class="revision-buttons">
        <button type="button" class="quiet" data-testid="revision-add-line" @click=${addLine}>Add a line</button>
        <label>Reason <input data-testid="revision-reason" .value=${draft.reason}
          @input=${(e: Event) => editReason(valueOf(e))} /></label>
        <button type="submit" class="primary" data-testid="action-revise" ?disabled=${status?.busy ?? false}>
          Revise order
        </button>
        <button type="button" class="quiet" data-testid="revision-discard" @click=${closeRevision}>Discard</button>
      </div>
    </form>
    ${actionErrors(key, status)} ${actionErrors("revise:products", state.actions.get("revise:products"))}
  </div>`;
}
