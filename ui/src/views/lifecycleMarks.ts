// What the plan shows of an order's lifecycle: the revision number and a held order's note in
// the header; in the tree, the point-of-no-return marker on a task and on an item past it, a
// compensating task's mark (and the task it undoes), a DELETE item's product; in the details,
// the same in full, a MODIFY item's characteristics before → after, and "cancel this item".
import { html, nothing, type TemplateResult } from "lit-html";

import type { LineItem, ServiceOrder, Task } from "../api/shapes";
import { cancelItemKey, cancelOrder } from "../controllers/lifecycle";
import {
  appliedModification,
  characteristicChanges,
  compensatedBy,
  pointOfNoReturn,
} from "../plan/lifecycle";
import { nodeKey, type Plan, type PlanNode } from "../plan/model";
import { state } from "../store";
import { focusNode } from "./tree";
import { actionErrors, humanize, stateBadge, when } from "./widgets";

// ---- Header --------------------------------------------------------------------------------

export function lifecycleHeader(order: ServiceOrder): TemplateResult {
  return html`<span class="revision-number" data-testid="order-revision" data-revision=${order.revision}
      title="Goes up by one with every revision">Revision ${order.revision}</span>
    ${order.state === "HELD"
      ? html`<span class="held-note" data-testid="held-note">On hold${order.heldAt
          ? html` since ${when(order.heldAt)}`
          : nothing}: no task starts until it is resumed.</span>`
      : nothing}
    ${order.state === "CANCELLING"
      ? html`<span class="held-note" data-testid="cancelling-note">Cancelled: undoing the work done so far.</span>`
      : nothing}`;
}

// ---- Tree ----------------------------------------------------------------------------------

function ponrMark(passed: boolean, title: string): TemplateResult {
  return html`<span class=${`ponr-mark${passed ? " passed" : ""}`} data-testid="ponr-mark"
    data-passed=${String(passed)} title=${title}><span aria-hidden="true">⊘</span> ${passed
      ? "Past point of no return"
      : "Point of no return"}</span>`;
}

function taskMarks(task: Task): TemplateResult[] {
  const marks: TemplateResult[] = [];
  // Whether it was passed is the item's fact (`pointOfNoReturnReachedAt`), shown on the item.
  if (task.isPointOfNoReturn) {
    marks.push(ponrMark(false, "Once this task starts, its line item can no longer be cancelled or revised"));
  }
  if (task.compensates) {
    marks.push(html`<span class="compensating-mark" data-testid="compensating-mark"
      data-compensates=${task.compensates.id}><span aria-hidden="true">↺</span> Undoes
      ${task.compensates.number} ${task.compensates.name}</span>`);
  }
  return marks;
}

function itemMarks(item: LineItem): TemplateResult[] {
  const marks: TemplateResult[] = [];
  const ponr = pointOfNoReturn(item);
  if (ponr.reachedAt) marks.push(ponrMark(true, "It can no longer be cancelled or revised"));
  if (item.action === "DELETE" && item.soldProduct) {
    marks.push(html`<span class="terminates" data-testid="terminates">Terminates ${item.soldProduct.number}</span>`);
  }
  if (item.action === "MODIFY" && item.soldProduct) {
    const changed = characteristicChanges(item.soldProduct.characteristics, item.characteristics).filter(
      (c) => c.changed,
    );
    if (changed.length && item.state !== "COMPLETED") {
      marks.push(html`<span class="modifies" data-testid="modifies">Changes ${item.soldProduct.number}:
        ${changed.map((c) => `${c.name} ${c.before ?? "—"} → ${c.after ?? "—"}`).join(", ")}</span>`);
    }
  }
  return marks;
}

/** The marks beside a node in the tree (nothing for most nodes). */
export function lifecycleMarks(node: PlanNode): TemplateResult | typeof nothing {
  const marks =
    node.kind === "task" ? taskMarks(node.entity) : node.kind === "line-item" ? itemMarks(node.entity) : [];
  if (!marks.length) return nothing;
  return html`<span class="lifecycle-marks">${marks}</span>`;
}

// ---- Details -------------------------------------------------------------------------------

function taskButton(t: { id: string; number: string; name: string; state: string }): TemplateResult {
  return html`<button type="button" class="link" @click=${() => focusNode(nodeKey("task", t.id))}>
      ${t.number} ${t.name}</button>
    ${stateBadge(t.state, "dependency-state")}`;
}

function beforeAfter(item: LineItem, plan: Plan): TemplateResult | typeof nothing {
  if (item.action !== "MODIFY" || !item.soldProduct) return nothing;
  const product = item.soldProduct;
  // Once the change is applied the product has the item's characteristics: the ones it had
  // before are in the order's `sold_product.modified` event.
  const applied = appliedModification(plan.order.history, product.id);
  const done = item.state === "COMPLETED";
  const before = applied ? applied.before : done ? null : product.characteristics;
  const changes = characteristicChanges(before, item.characteristics);
  return html`<section aria-label="Change to the product" data-testid="product-change">
    <h4>Changes ${product.number} ${stateBadge(product.state, "sold-product-state")}</h4>
    ${applied || done
      ? html`<p class="muted" data-testid="change-applied">Applied: the product now has the characteristics after.</p>`
      : nothing}
    <table class="before-after" data-testid="before-after">
      <thead><tr><th scope="col">Characteristic</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
      <tbody>
        ${changes.map(
          (c) => html`<tr data-testid="characteristic-change" data-name=${c.name} data-changed=${String(c.changed)}
            class=${c.changed ? "changed" : ""}>
            <th scope="row">${c.name}</th>
            <td data-testid="before">${c.before ?? "—"}</td>
            <td data-testid="after">${c.after ?? "—"}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

function terminates(item: LineItem): TemplateResult | typeof nothing {
  if (item.action !== "DELETE" || !item.soldProduct) return nothing;
  const product = item.soldProduct;
  return html`<section aria-label="Product terminated" data-testid="product-terminated">
    <h4>Terminates ${product.number} ${stateBadge(product.state, "sold-product-state")}</h4>
    ${characteristicsList(product.characteristics)}
  </section>`;
}

function characteristicsList(value: unknown): TemplateResult {
  const entries = value && typeof value === "object" ? Object.entries(value) : [];
  if (!entries.length) return html`<p class="muted">No characteristics.</p>`;
  return html`<dl class="facts">
    ${entries.map(([k, v]) => html`<dt>${k}</dt><dd>${typeof v === "object" ? JSON.stringify(v) : String(v)}</dd>`)}
  </dl>`;
}

function cancelItemForm(order: ServiceOrder, item: LineItem): TemplateResult | typeof nothing {
  if (!item.viewerCan.cancel) return nothing;
  const key = cancelItemKey(item.id);
  const busy = state.actions.get(key)?.busy ?? false;
  return html`<section class="actions" aria-label="Line item actions" data-testid="line-item-actions">
    <div class="action" data-action=${key}>
      <details class="disclosure">
        <summary data-testid="open-cancel-item">Cancel this item…</summary>
        <form @submit=${async (event: SubmitEvent) => {
          event.preventDefault();
          const form = event.currentTarget as HTMLFormElement;
          const reason = String(new FormData(form).get("reason") ?? "").trim();
          if (await cancelOrder(order, reason, [item.id], key)) form.reset();
        }}>
          <label>Reason <input name="reason" data-testid="cancel-item-reason" /></label>
          <button type="submit" class="danger" data-testid="action-cancel-item" ?disabled=${busy}>
            Cancel item
          </button>
        </form>
      </details>
      ${actionErrors(key, state.actions.get(key))}
    </div>
  </section>`;
}

function cancellation(item: LineItem): TemplateResult | typeof nothing {
  if (!item.cancelledAt) return nothing;
  return html`<section aria-label="Cancellation" data-testid="item-cancellation">
    <h4>Cancelled ${when(item.cancelledAt)}</h4>
    ${item.cancellationReason ? html`<p><q>${item.cancellationReason}</q></p>` : nothing}
    ${item.state === "CANCELLING"
      ? html`<p class="muted">Its compensating tasks are undoing the work done; then it is cancelled.</p>`
      : nothing}
  </section>`;
}

function failure(item: LineItem): TemplateResult | typeof nothing {
  if (!item.failedAt) return nothing;
  return html`<section aria-label="Failure" data-testid="item-failure" data-state=${item.state}>
    <h4>Failed ${when(item.failedAt)}</h4>
    ${item.failureReason ? html`<p><q>${item.failureReason}</q></p>` : nothing}
    <p class="muted">${item.state === "CANCELLING"
      ? "Its work could not be done: its other work was cancelled, and its compensating tasks are undoing the work done; then it is failed."
      : "Its work could not be done: its other work was cancelled."}</p>
  </section>`;
}

function itemDetails(item: LineItem, plan: Plan): TemplateResult {
  const ponr = pointOfNoReturn(item);
  // A cancelled or failed item that never passed its point of no return will not pass it now.
  if ((item.cancelledAt || item.failedAt) && !ponr.reachedAt) {
    return html`${cancellation(item)}${failure(item)} ${beforeAfter(item, plan)} ${terminates(item)}`;
  }
  return html`${cancellation(item)}${failure(item)}<section aria-label="Point of no return" data-testid="item-ponr"
      data-passed=${String(ponr.reachedAt !== null)}>
      <h4>Point of no return</h4>
      ${ponr.reachedAt
        ? html`<p>Passed ${when(ponr.reachedAt)}: the item can no longer be cancelled or revised.</p>`
        : ponr.tasks.length
          ? html`<p>Not yet: it is passed when one of these starts.</p>`
          : item.domainOrders.some((d) => d.tasks.length)
            ? html`<p class="muted">None of its tasks is one: it can change until it is done.</p>`
            : html`<p class="muted">Not planned yet: its tasks, and which pass it, come with approval.</p>`}
      ${ponr.tasks.length
        ? html`<ul class="task-links">${ponr.tasks.map((t) => html`<li>${taskButton(t)}</li>`)}</ul>`
        : nothing}
    </section>
    ${beforeAfter(item, plan)} ${terminates(item)} ${cancelItemForm(plan.order, item)}`;
}

function taskDetails(task: Task, plan: Plan): TemplateResult | typeof nothing {
  const undoneBy = compensatedBy(plan.order).get(task.id) ?? [];
  if (!task.isPointOfNoReturn && !task.compensates && !undoneBy.length) return nothing;
  return html`<section aria-label="Lifecycle" data-testid="task-lifecycle">
    ${task.isPointOfNoReturn
      ? html`<p>${ponrMark(false, "")} Once it starts, its line item can no longer be cancelled or revised.</p>`
      : nothing}
    ${task.compensates
      ? html`<h4>Compensates</h4>
          <p data-testid="compensates">${taskButton(task.compensates)}</p>`
      : nothing}
    ${undoneBy.length
      ? html`<h4>Undone by</h4>
          <ul class="task-links" data-testid="compensated-by">${undoneBy.map((t) => html`<li>${taskButton(t)}</li>`)}</ul>`
      : nothing}
  </section>`;
}

function orderDetails(order: ServiceOrder): TemplateResult {
  return html`<dl class="facts" data-testid="order-lifecycle">
    <dt>Revision</dt><dd>${order.revision}</dd>
    ${order.state === "HELD"
      ? html`<dt>Held</dt><dd>${when(order.heldAt)} (resumes to ${order.heldFrom ? humanize(order.heldFrom) : "—"})</dd>`
      : nothing}
  </dl>`;
}

/** The lifecycle part of the selected node's details. */
export function lifecycleDetails(node: PlanNode, plan: Plan): TemplateResult | typeof nothing {
  switch (node.kind) {
    case "order":
      return orderDetails(node.entity);
    case "line-item":
      return itemDetails(node.entity, plan);
    case "task":
      return taskDetails(node.entity, plan);
    default:
      return nothing;
  }
}
