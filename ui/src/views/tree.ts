// The plan as an ARIA tree (role tree / treeitem / group, aria-level, aria-expanded), with the
// keyboard of the WAI-ARIA tree pattern: arrows move, Right/Left open and close, Home/End jump.
// Selection follows focus, and the selected node's details show beside the tree.
import { html, nothing, type TemplateResult } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";

import { select, toggle } from "../controllers/plan";
import type { Plan, PlanNode } from "../plan/model";
import { nodeTitle } from "../plan/model";
import { state } from "../store";
import { automationLabel, automationMark } from "./automation";
import { lifecycleMarks } from "./lifecycleMarks";
import { humanize, person, progressBar, stateBadge, when } from "./widgets";

const KIND_LABEL: Record<PlanNode["kind"], string> = {
  order: "Order",
  "line-item": "Line item",
  "domain-order": "Domain order",
  task: "Task",
};

const OPEN_FALLOUT = new Set(["OPEN", "IN_PROGRESS"]);

function taskFacts(node: PlanNode): TemplateResult | typeof nothing {
  if (node.kind !== "task") return nothing;
  const task = node.entity;
  const open = task.fallouts.filter((f) => OPEN_FALLOUT.has(f.state));
  return html`<span class="task-facts">
    <span class="assignee" data-testid="task-assignee">${person(task.assignee)}</span>
    ${automationMark(task)}
    ${task.dueAt ? html`<span class="due">due ${when(task.dueAt)}</span>` : nothing}
    ${task.fallouts.length
      ? html`<span
          class=${open.length ? "fallout-flag open" : "fallout-flag"}
          data-testid="fallout-flag"
          data-open=${open.length}
          title=${task.fallouts.map((f) => `${f.number} ${humanize(f.state)}`).join(", ")}
          ><span aria-hidden="true">⚑</span> ${open.length
            ? `${open.length} open fallout${open.length > 1 ? "s" : ""}`
            : "fallout resolved"}</span
        >`
      : nothing}
  </span>`;
}

function label(node: PlanNode): string {
  const progress = `${Math.round(node.progress.percent)}% done`;
  const fallouts =
    node.kind === "task" && node.entity.fallouts.some((f) => OPEN_FALLOUT.has(f.state))
      ? ", open fallout"
      : "";
  const automated = node.kind === "task" ? automationLabel(node.entity) : "";
  return `${KIND_LABEL[node.kind]} ${nodeTitle(node)}, ${humanize(node.state)}, ${progress}${automated}${fallouts}`;
}

function item(node: PlanNode, plan: Plan): TemplateResult {
  const expandable = node.children.length > 0;
  const expanded = expandable && state.plan.expanded.has(node.key);
  const selected = state.plan.selected === node.key;
  return html`<li
    role="treeitem"
    id=${`node-${node.key}`}
    aria-level=${node.level}
    aria-expanded=${expandable ? String(expanded) : nothing}
    aria-selected=${String(selected)}
    aria-label=${label(node)}
    tabindex=${selected ? 0 : -1}
    data-testid="tree-node"
    data-key=${node.key}
    data-kind=${node.kind}
    data-id=${node.id}
    data-state=${node.state}
    data-children=${node.children.length}
  >
    <div class=${`node-row kind-${node.kind}${selected ? " selected" : ""}`} @click=${() => focusNode(node.key)}>
      <span
        class=${`twisty${expandable ? "" : " leaf"}`}
        aria-hidden="true"
        data-testid="tree-toggle"
        @click=${(event: Event) => {
          event.stopPropagation();
          if (expandable) toggle(node.key);
          focusNode(node.key);
        }}
        >${expandable ? (expanded ? "▾" : "▸") : "•"}</span
      >
      <span class="kind">${KIND_LABEL[node.kind]}</span>
      <span class="title" data-testid="node-title">${nodeTitle(node)}</span>
      ${stateBadge(node.state, "node-state")}
      <span class="node-progress">${progressBar(node.progress, nodeTitle(node))}</span>
      ${taskFacts(node)} ${lifecycleMarks(node)}
    </div>
    ${expanded
      ? html`<ul role="group">
          ${repeat(node.children, (child) => child.key, (child) => item(child, plan))}
        </ul>`
      : nothing}
  </li>`;
}

/** Select a node and move keyboard focus to it once it is on the page. */
export function focusNode(key: string): void {
  select(key);
  requestAnimationFrame(() => document.getElementById(`node-${key}`)?.focus());
}

function visibleItems(tree: HTMLElement): HTMLElement[] {
  return [...tree.querySelectorAll<HTMLElement>('[role="treeitem"]')];
}

function onKeydown(event: KeyboardEvent, plan: Plan): void {
  const tree = event.currentTarget as HTMLElement;
  const current = (event.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]');
  if (!current) return;
  const key = current.dataset.key ?? "";
  const node = plan.byKey.get(key);
  if (!node) return;
  const items = visibleItems(tree);
  const index = items.indexOf(current);
  const expandable = node.children.length > 0;
  const expanded = state.plan.expanded.has(key);
  const go = (target: HTMLElement | undefined): void => {
    if (target?.dataset.key) focusNode(target.dataset.key);
  };
  switch (event.key) {
    case "ArrowDown":
      go(items[index + 1]);
      break;
    case "ArrowUp":
      go(items[index - 1]);
      break;
    case "Home":
      go(items[0]);
      break;
    case "End":
      go(items[items.length - 1]);
      break;
    case "ArrowRight":
      if (expandable && !expanded) toggle(key, true);
      else if (expandable) focusNode(node.children[0].key);
      break;
    case "ArrowLeft":
      if (expandable && expanded) toggle(key, false);
      else if (node.parentKey) focusNode(node.parentKey);
      break;
    case "Enter":
    case " ":
      if (expandable) toggle(key);
      break;
    default:
      return;
  }
  event.preventDefault();
}

export function planTree(plan: Plan): TemplateResult {
  return html`<ul
    role="tree"
    class="tree"
    aria-label=${`Plan of service order ${plan.order.number}`}
    data-testid="plan-tree"
    @keydown=${(event: KeyboardEvent) => onKeydown(event, plan)}
  >
    ${item(plan.root, plan)}
  </ul>`;
}
