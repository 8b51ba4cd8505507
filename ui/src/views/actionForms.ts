// The actions a signed-in user may take, each a small form whose user errors show beside it.
// Only the actions the API says the user may take now are rendered (each object's `viewerCan`).
import { html, nothing, type TemplateResult } from "lit-html";

import {
  ApproveDocument,
  CompleteTaskDocument,
  CreateFalloutDocument,
  ReassignFalloutDocument,
  ReassignTaskDocument,
  RejectDocument,
  ReopenDocument,
  ResolveFalloutDocument,
  StartTaskDocument,
} from "../api/documents";
import {
  FALLOUT_ACTIONS,
  FALLOUT_TYPES,
  PRIORITIES,
  type Fallout,
  type ServiceOrder,
  type Task,
} from "../api/shapes";
import { runAction } from "../controllers/actions";
import { falloutActionLabel } from "../plan/falloutActions";
import { state } from "../store";
import { actionErrors, humanize } from "./widgets";

type Submit = (data: FormData) => Promise<boolean>;

/** A form that runs one mutation and is cleared when the mutation succeeds. */
function onSubmit(submit: Submit): (event: SubmitEvent) => Promise<void> {
  return async (event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    if (await submit(new FormData(form))) form.reset();
  };
}

const text = (data: FormData, name: string): string => String(data.get(name) ?? "").trim();
const optional = (value: string): string | null => value || null;

/** A select's value: one of the `values` it was rendered with. */
function choice<T extends string>(data: FormData, name: string, values: readonly T[]): T {
  const value = text(data, name);
  return values.find((v) => v === value) ?? values[0];
}
const busy = (key: string): boolean => state.actions.get(key)?.busy ?? false;

function action(key: string, body: TemplateResult): TemplateResult {
  return html`<div class="action" data-action=${key}>${body}${actionErrors(key, state.actions.get(key))}</div>`;
}

function assigneeSelect(testId: string): TemplateResult {
  const users = state.assignableUsers ?? [];
  return html`<label>Assign to
    <select name="assigneeId" required data-testid=${testId}>
      <option value="">Choose an agent…</option>
      ${users.map((u) => html`<option value=${u.id}>${u.displayName} (${u.username})</option>`)}
    </select>
  </label>`;
}

export function orderActions(order: ServiceOrder): TemplateResult | typeof nothing {
  const approveKey = `approve:${order.id}`;
  const rejectKey = `reject:${order.id}`;
  const reopenKey = `reopen:${order.id}`;
  const can = order.viewerCan;
  const forms: TemplateResult[] = [];
  if (can.approve) {
    forms.push(
      action(
        approveKey,
        html`<form @submit=${onSubmit((d) =>
          runAction(approveKey, ApproveDocument, "approveServiceOrder", {
            serviceOrderId: order.id,
            note: optional(text(d, "note")),
          }),
        )}>
          <label>Note <input name="note" data-testid="approve-note" /></label>
          <button type="submit" class="primary" data-testid="action-approve" ?disabled=${busy(approveKey)}>
            Approve
          </button>
        </form>`,
      ),
    );
  }
  if (can.reject) {
    forms.push(
      action(
        rejectKey,
        html`<form @submit=${onSubmit((d) =>
          runAction(rejectKey, RejectDocument, "rejectServiceOrder", {
            serviceOrderId: order.id,
            reason: text(d, "reason"),
          }),
        )}>
          <label>Reason <input name="reason" data-testid="reject-reason" /></label>
          <button type="submit" class="danger" data-testid="action-reject" ?disabled=${busy(rejectKey)}>
            Reject
          </button>
        </form>`,
      ),
    );
  }
  if (can.reopen) {
    forms.push(
      action(
        reopenKey,
        html`<form @submit=${onSubmit((d) =>
          runAction(reopenKey, ReopenDocument, "reopenServiceOrder", {
            serviceOrderId: order.id,
            note: optional(text(d, "note")),
          }),
        )}>
          <label>Note <input name="note" data-testid="reopen-note" /></label>
          <button type="submit" data-testid="action-reopen" ?disabled=${busy(reopenKey)}>Reopen</button>
        </form>`,
      ),
    );
  }
  if (!forms.length) return nothing;
  return html`<div class="actions order-actions" data-testid="order-actions">${forms}</div>`;
}

export function taskActions(task: Task): TemplateResult | typeof nothing {
  const startKey = `start:${task.id}`;
  const completeKey = `complete:${task.id}`;
  const falloutKey = `create-fallout:${task.id}`;
  const reassignKey = `reassign-task:${task.id}`;
  const can = task.viewerCan;
  const forms: TemplateResult[] = [];
  if (can.start) {
    forms.push(
      action(
        startKey,
        html`<button type="button" class="primary" data-testid="action-start" ?disabled=${busy(startKey)}
          @click=${() => runAction(startKey, StartTaskDocument, "startTask", { taskId: task.id })}>
          Start task
        </button>`,
      ),
    );
  }
  if (can.complete) {
    forms.push(
      action(
        completeKey,
        html`<form @submit=${onSubmit((d) =>
          runAction(completeKey, CompleteTaskDocument, "completeTask", {
            taskId: task.id,
            note: optional(text(d, "note")),
          }),
        )}>
          <label>Note <input name="note" data-testid="complete-note" /></label>
          <button type="submit" class="primary" data-testid="action-complete" ?disabled=${busy(completeKey)}>
            Complete task
          </button>
        </form>`,
      ),
    );
  }
  if (can.createFallout) {
    forms.push(
      action(
        falloutKey,
        html`<details class="disclosure">
          <summary data-testid="open-create-fallout">Report fallout…</summary>
          <form @submit=${onSubmit((d) =>
            runAction(falloutKey, CreateFalloutDocument, "createFallout", {
              taskId: task.id,
              type: choice(d, "type", FALLOUT_TYPES),
              priority: choice(d, "priority", PRIORITIES),
              description: text(d, "description"),
            }),
          )}>
            <label>Type
              <select name="type" data-testid="fallout-type">
                ${FALLOUT_TYPES.map((t) => html`<option value=${t}>${humanize(t)}</option>`)}
              </select>
            </label>
            <label>Priority
              <select name="priority" data-testid="fallout-priority">
                ${PRIORITIES.map((p) => html`<option value=${p} ?selected=${p === "NORMAL"}>${humanize(p)}</option>`)}
              </select>
            </label>
            <label>Description <textarea name="description" rows="2" data-testid="fallout-description"></textarea></label>
            <button type="submit" class="danger" data-testid="action-create-fallout" ?disabled=${busy(falloutKey)}>
              Create fallout
            </button>
          </form>
        </details>`,
      ),
    );
  }
  if (can.reassign) {
    forms.push(
      action(
        reassignKey,
        html`<details class="disclosure">
          <summary data-testid="open-reassign-task">Reassign…</summary>
          <form @submit=${onSubmit((d) =>
            runAction(reassignKey, ReassignTaskDocument, "reassignTask", {
              taskId: task.id,
              assigneeId: text(d, "assigneeId"),
              reason: text(d, "reason"),
            }),
          )}>
            ${assigneeSelect("reassign-task-assignee")}
            <label>Reason <input name="reason" data-testid="reassign-task-reason" /></label>
            <button type="submit" data-testid="action-reassign-task" ?disabled=${busy(reassignKey)}>
              Reassign task
            </button>
          </form>
        </details>`,
      ),
    );
  }
  if (!forms.length) return nothing;
  return html`<section class="actions task-actions" aria-label="Task actions" data-testid="task-actions">
    ${forms}
  </section>`;
}

export function falloutActions(fallout: Fallout): TemplateResult | typeof nothing {
  const reassignKey = `reassign-fallout:${fallout.id}`;
  const resolveKey = `resolve-fallout:${fallout.id}`;
  const can = fallout.viewerCan;
  const forms: TemplateResult[] = [];
  if (can.reassign) {
    forms.push(
      action(
        reassignKey,
        html`<details class="disclosure">
          <summary data-testid="open-reassign-fallout">Reassign…</summary>
          <form @submit=${onSubmit((d) =>
            runAction(reassignKey, ReassignFalloutDocument, "reassignFallout", {
              falloutId: fallout.id,
              assigneeId: text(d, "assigneeId"),
              note: optional(text(d, "note")),
            }),
          )}>
            ${assigneeSelect("reassign-fallout-assignee")}
            <label>Note <input name="note" data-testid="reassign-fallout-note" /></label>
            <button type="submit" data-testid="action-reassign-fallout" ?disabled=${busy(reassignKey)}>
              Reassign fallout
            </button>
          </form>
        </details>`,
      ),
    );
  }
  if (can.resolve) {
    // FAIL_LINE_ITEM only where the API would take it (not on a compensating task).
    const actions = FALLOUT_ACTIONS.filter((a) => a !== "FAIL_LINE_ITEM" || can.failLineItem);
    forms.push(
      action(
        resolveKey,
        html`<details class="disclosure">
          <summary data-testid="open-resolve-fallout">Resolve…</summary>
          <form @submit=${onSubmit((d) =>
            runAction(resolveKey, ResolveFalloutDocument, "resolveFallout", {
              falloutId: fallout.id,
              action: choice(d, "action", actions),
              note: text(d, "note"),
            }),
          )}>
            <label>Then
              <select name="action" data-testid="resolve-fallout-action">
                ${actions.map((a) => html`<option value=${a}>${falloutActionLabel(a)}</option>`)}
              </select>
            </label>
            <label>Note <input name="note" data-testid="resolve-fallout-note" /></label>
            <button type="submit" class="primary" data-testid="action-resolve-fallout" ?disabled=${busy(resolveKey)}>
              Resolve fallout
            </button>
          </form>
        </details>`,
      ),
    );
  }
  if (!forms.length) return nothing;
  return html`<div class="actions fallout-actions">${forms}</div>`;
}
