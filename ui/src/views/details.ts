// The selected node in full: its specification, the facts of its kind, a task's dependencies
// (what it waits on, what waits on it) and fallouts, and the actions the user may take on it.
import { html, nothing, type TemplateResult } from "lit-html";
import { keyed } from "lit-html/directives/keyed.js";

import type { Specification, TaskRef } from "../api/shapes";
import { nodeKey, nodeSpecification, nodeTitle, type Plan, type PlanNode } from "../plan/model";
import { taskActions } from "./actionForms";
import { automationFacts } from "./automation";
import { lifecycleDetails } from "./lifecycleMarks";
import { focusNode } from "./tree";
import { humanize, person, progressBar, stateBadge, when } from "./widgets";

function fact(term: string, value: unknown): TemplateResult {
  return html`<dt>${term}</dt><dd>${value ?? "—"}</dd>`;
}

function specification(spec: Specification | null): TemplateResult | typeof nothing {
  if (!spec) return nothing;
  return html`<section aria-label="Specification" data-testid="specification">
    <h4>Specification</h4>
    <dl class="facts">
      ${fact("Code", spec.code)} ${fact("Name", spec.name)} ${fact("Kind", humanize(spec.kind))}
      ${fact("Domain", spec.domain)}
    </dl>
  </section>`;
}

function characteristics(value: unknown): TemplateResult {
  const entries = value && typeof value === "object" ? Object.entries(value) : [];
  if (!entries.length) return html`<p class="muted">No characteristics.</p>`;
  return html`<dl class="facts" data-testid="characteristics">
    ${entries.map(([k, v]) => fact(k, typeof v === "object" ? JSON.stringify(v) : String(v)))}
  </dl>`;
}

function taskLinks(tasks: TaskRef[], testId: string, empty: string): TemplateResult {
  if (!tasks.length) return html`<p class="muted" data-testid=${testId} data-count="0">${empty}</p>`;
  return html`<ul class="task-links" data-testid=${testId} data-count=${tasks.length}>
    ${tasks.map(
      (t) => html`<li>
        <button type="button" class="link" @click=${() => focusNode(nodeKey("task", t.id))}>
          ${t.number} ${t.name}
        </button>
        ${stateBadge(t.state, "dependency-state")}
      </li>`,
    )}
  </ul>`;
}

function kindFacts(node: PlanNode, plan: Plan): TemplateResult {
  switch (node.kind) {
    case "order": {
      const o = node.entity;
      return html`<dl class="facts">
        ${fact("Customer", o.customer)} ${fact("External id", o.externalId)}
        ${fact("Priority", humanize(o.priority))} ${fact("Version", o.version)}
      </dl>`;
    }
    case "line-item": {
      const item = node.entity;
      return html`<dl class="facts">
          ${fact("Action", humanize(item.action))} ${fact("Quantity", item.quantity)}
          ${fact("Sold product", item.soldProduct ? humanize(item.soldProduct.state) : "Not yet created")}
          ${fact("Domain orders", item.domainOrders.length)}
        </dl>
        <h4>Characteristics</h4>
        ${characteristics(item.characteristics)}`;
    }
    case "domain-order": {
      const d = node.entity;
      const parent = d.parent ? plan.byKey.get(nodeKey("domain-order", d.parent.id)) : undefined;
      return html`<dl class="facts">
        ${fact("Number", d.number)} ${fact("Kind", humanize(d.kind))}
        ${fact("Parent", parent ? nodeTitle(parent) : "—")} ${fact("Tasks", d.tasks.length)}
      </dl>`;
    }
    case "task": {
      const t = node.entity;
      return html`<dl class="facts">
          ${fact("Assignee", person(t.assignee))}
          ${fact("Group", t.assignmentGroup?.name)}
          ${fact("Due", t.dueAt ? when(t.dueAt) : "—")}
          ${fact("Priority", humanize(t.priority))}
        </dl>
        ${automationFacts(t)}
        <h4>Waits on</h4>
        ${taskLinks(t.dependsOn, "waits-on", "Nothing: it can start on its own.")}
        <h4>Waited on by</h4>
        ${taskLinks(plan.dependents.get(t.id) ?? [], "waited-on-by", "No task waits on it.")}
        <h4>Fallouts</h4>
        ${t.fallouts.length
          ? html`<ul data-testid="task-fallouts">
              ${t.fallouts.map((f) => html`<li>${f.number} ${humanize(f.type)} ${stateBadge(f.state, "fallout-state")}</li>`)}
            </ul>`
          : html`<p class="muted">None.</p>`}`;
    }
  }
}

export function detailsPanel(plan: Plan, key: string | null): unknown {
  const node = (key && plan.byKey.get(key)) || plan.root;
  // Keyed: another node gets a panel of its own, not this one's bars sliding to new values.
  return keyed(node.key, html`<aside class="details card" aria-labelledby="details-title" data-testid="details"
    data-key=${node.key} data-kind=${node.kind}>
    <h3 id="details-title">${nodeTitle(node)}</h3>
    <div class="details-status">${stateBadge(node.state, "details-state")} ${progressBar(node.progress, nodeTitle(node))}</div>
    ${kindFacts(node, plan)} ${lifecycleDetails(node, plan)} ${specification(nodeSpecification(node))}
    ${node.kind === "task" ? taskActions(node.entity) : nothing}
  </aside>`);
}
