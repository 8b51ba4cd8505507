// Automated tasks in the plan: a mark in the tree (with the attempt and a retry countdown) and
// the worker's side of the task in the details (handler, attempts, lock, last error, output).
// Kept apart from tree.ts and details.ts, which call automationMark and automationFacts.
import { html, nothing, type TemplateResult } from "lit-html";

import type { Task } from "../api/shapes";
import { attemptsText, countdownText, isAutomated, retryPending } from "../plan/automationModel";
import { when } from "./widgets";
import "./automation.css";

// A countdown that keeps itself current, once a second, without re-rendering the page.
class RetryCountdown extends HTMLElement {
  static observedAttributes = ["at"];
  private timer: number | undefined;

  connectedCallback(): void {
    this.tick();
    this.timer = window.setInterval(() => this.tick(), 1000);
  }

  disconnectedCallback(): void {
    window.clearInterval(this.timer);
  }

  attributeChangedCallback(): void {
    this.tick();
  }

  private tick(): void {
    const at = this.getAttribute("at");
    if (at) this.textContent = countdownText(at);
  }
}

if (!customElements.get("retry-countdown")) customElements.define("retry-countdown", RetryCountdown);

// The element writes its own text: a lit part inside it would lose its markers at the first
// tick, and the template around it would stop updating.
function countdown(iso: string): TemplateResult {
  return html`<retry-countdown at=${iso} data-testid="retry-countdown"></retry-countdown>`;
}

/** The tree's mark of an automated task: ⚙, its attempts, a retry countdown, who holds it. */
export function automationMark(task: Task): TemplateResult | typeof nothing {
  if (!isAutomated(task)) return nothing;
  return html`<span class="automation-mark" data-testid="automation-mark" title=${`Automated: ${task.handler ?? ""}`}>
    <span aria-hidden="true">⚙</span> automated${task.attempts
      ? html` · attempt <span data-testid="task-attempts">${attemptsText(task)}</span>`
      : nothing}${retryPending(task) && task.nextAttemptAt
      ? html` · retry in ${countdown(task.nextAttemptAt)}`
      : nothing}${task.lockedBy ? html` · <span class="locked-by">${task.lockedBy}</span>` : nothing}
  </span>`;
}

/** What the tree's label says of it, for screen readers. */
export function automationLabel(task: Task): string {
  if (!isAutomated(task)) return "";
  const attempts = task.attempts ? `, attempt ${attemptsText(task)}` : "";
  return `, automated${attempts}`;
}

function fact(term: string, value: unknown, testId?: string): TemplateResult {
  return html`<dt>${term}</dt><dd data-testid=${testId ?? nothing}>${value ?? "—"}</dd>`;
}

/** The details of an automated task: the worker's side of it. */
export function automationFacts(task: Task): TemplateResult | typeof nothing {
  if (!isAutomated(task)) return nothing;
  return html`<section aria-label="Automation" data-testid="automation">
    <h4>Automation</h4>
    <dl class="facts">
      ${fact("Handler", task.handler, "task-handler")}
      ${fact("Attempts", attemptsText(task), "task-attempts-detail")}
      ${fact("Locked by", task.lockedBy, "task-locked-by")}
      ${task.nextAttemptAt
        ? fact("Next attempt", html`${when(task.nextAttemptAt)}${retryPending(task) ? html` (in ${countdown(task.nextAttemptAt)})` : nothing}`)
        : nothing}
      ${fact("Last error", task.lastError, "task-last-error")}
    </dl>
    ${task.output != null
      ? html`<h4>Output</h4>
          <pre class="task-output" data-testid="task-output">${JSON.stringify(task.output, null, 2)}</pre>`
      : nothing}
  </section>`;
}
