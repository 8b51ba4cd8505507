// The timeline (Gantt) of the open plan, drawn by hand in SVG with lit-html's `svg` templates
// from the geometry of plan/timelineModel.ts (why not a library: ui/README.md, "Timeline").
//
// One bar per task, under a heading per domain order; arrows for the dependencies; the critical
// path outlined; today's line, the order's requested and expected completion; bars coloured by
// jeopardy, with the level written beside a bar that is in jeopardy; the time the schedule was
// computed ("Dates as of", the order's scheduledAt: a bar not started may begin before today's
// line until the next recompute). Live: it is drawn from
// the same state as the tree, so an event re-renders it (lit-html patches only the bars whose
// attributes changed). Keyboard: the bars are one tab stop (a roving tabindex); Up / Down go
// through them, Right / Left along the arrows, Home / End to the ends; Enter or Space selects
// the task, as the tree does, and its details show beside the tree.
import { html, nothing, svg, type SVGTemplateResult, type TemplateResult } from "lit-html";
import { ref } from "lit-html/directives/ref.js";
import { repeat } from "lit-html/directives/repeat.js";

import { select } from "../controllers/plan";
import { nodeKey, type Plan, type PlanNode } from "../plan/model";
import {
  LABEL_REM,
  STATUS_REM,
  layoutTimeline,
  markerBaseline,
  moveFrom,
  spanText,
  type Bar,
  type BarMove,
  type Marker,
  type TimelineGroup,
  type TimelineLayout,
  type TimelineMetrics,
} from "../plan/timelineModel";
import { changed, state } from "../store";
import { jeopardyBadge, lateness } from "./jeopardy";
import { humanize, when } from "./widgets";

const CLOCK_MS = 60_000;

/** The bar that holds the tab stop: the last one focused, else the selected task's, else the first. */
let focusedId: string | null = null;
let watching = false;

/** The width the chart was last drawn for, measured from its card (its grid column). */
let cardWidth: number | null = null;

/** Draw again whenever the card's width changes (the window, Large type, the grid). */
const resizes = new ResizeObserver((entries) => {
  const width = entries.at(-1)?.contentRect.width;
  if (width && (cardWidth === null || Math.abs(width - cardWidth) > 2)) {
    cardWidth = width;
    changed();
  }
});
let observed: Element | null = null;

function measure(element: Element | undefined): void {
  if (!element || element === observed) return;
  if (observed) resizes.unobserve(observed);
  observed = element;
  resizes.observe(element);
}

/** Keep the now line moving while the page is open. */
function watchClockAndSize(): void {
  if (watching) return;
  watching = true;
  window.setInterval(() => {
    if (state.route.name === "plan") changed();
  }, CLOCK_MS);
}

function metrics(): TimelineMetrics {
  const rem = Number.parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  // Before the first measure: two thirds of the page's main column (at most 120rem, padded).
  const card = cardWidth ?? ((Math.min(document.documentElement.clientWidth, 120 * rem) - 4 * rem) * 2) / 3;
  // The labels take 40% of a narrow card, at least 15rem and at most LABEL_REM.
  const labelWidth = Math.min(LABEL_REM * rem, Math.max(15 * rem, card * 0.4));
  return {
    rem,
    labelWidth,
    // Less the scroll box's border, the label column and the layout's right margin (the
    // content box excludes the card's padding).
    chartWidth: card - 0.25 * rem - labelWidth - rem,
    utcOffsetMinutes: -new Date().getTimezoneOffset(),
  };
}

/** Every domain order with its tasks, in the tree's order (parents first). */
function groupsOf(plan: Plan): TimelineGroup[] {
  const groups: TimelineGroup[] = [];
  const walk = (node: PlanNode): void => {
    if (node.kind === "domain-order") {
      const d = node.entity;
      groups.push({ id: d.id, title: `${d.number} ${d.specification.name}`, tasks: d.tasks });
    }
    node.children.forEach(walk);
  };
  walk(plan.root);
  return groups;
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayOfMonth = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function tickText(at: number, stepMinutes: number, dayStart: boolean): string {
  if (stepMinutes >= 1440) return dayOfMonth.format(at);
  return dayStart ? `${dayOfMonth.format(at)} ${timeOfDay.format(at)}` : timeOfDay.format(at);
}

function barLabel(bar: Bar): string {
  const t = bar.task;
  const parts = [`${t.number} ${t.name}`, humanize(t.state)];
  const verb = bar.done ? "took" : "planned";
  parts.push(`${verb} ${dateTime.format(bar.start)} to ${dateTime.format(bar.end)}`);
  if (bar.critical) parts.push("on the critical path");
  else if (t.slackMinutes) parts.push(`${spanText(t.slackMinutes)} of slack`);
  if (bar.jeopardy !== "NONE") parts.push(`${humanize(bar.jeopardy)}: ${t.jeopardyReason ?? ""}`.trim());
  return parts.join(", ");
}

const KEY_MOVES: Record<string, BarMove> = {
  ArrowDown: "next",
  ArrowUp: "previous",
  ArrowRight: "successor",
  ArrowLeft: "predecessor",
  Home: "first",
  End: "last",
};

function focusBar(id: string): void {
  focusedId = id;
  changed();
  requestAnimationFrame(() => document.getElementById(`timeline-bar-${id}`)?.focus());
}

function onKeydown(event: KeyboardEvent, layout: TimelineLayout, id: string): void {
  if (event.key === "Enter" || event.key === " ") {
    select(nodeKey("task", id));
  } else if (KEY_MOVES[event.key]) {
    const target = moveFrom(layout, id, KEY_MOVES[event.key]);
    if (target) focusBar(target);
  } else {
    return;
  }
  event.preventDefault();
}

/** Cut a label to what fits the label column left of the level (about 0.55 rem a character). */
function fitted(text: string, labelWidth: number, rem: number): string {
  const max = Math.floor((labelWidth / rem - STATUS_REM) / 0.55) - 1;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function barView(bar: Bar, layout: TimelineLayout, tabStop: string | null, rem: number): SVGTemplateResult {
  const t = bar.task;
  const selected = state.plan.selected === nodeKey("task", bar.id);
  const classes = [
    "timeline-bar",
    `jeopardy-${bar.jeopardy.toLowerCase()}`,
    bar.critical ? "critical" : "",
    bar.done ? "done" : "",
    selected ? "selected" : "",
  ].join(" ");
  return svg`<g
    class=${classes}
    id=${`timeline-bar-${bar.id}`}
    role="button"
    tabindex=${tabStop === bar.id ? 0 : -1}
    aria-label=${barLabel(bar)}
    aria-current=${selected ? "true" : "false"}
    data-testid="timeline-bar"
    data-id=${bar.id}
    data-state=${t.state}
    data-jeopardy=${bar.jeopardy}
    data-critical=${String(bar.critical)}
    data-start=${new Date(bar.start).toISOString()}
    data-end=${new Date(bar.end).toISOString()}
    data-x=${bar.x.toFixed(1)}
    data-width=${bar.width.toFixed(1)}
    @keydown=${(event: KeyboardEvent) => onKeydown(event, layout, bar.id)}
    @focus=${() => (focusedId = bar.id)}
    @click=${() => {
      focusBar(bar.id);
      select(nodeKey("task", bar.id));
    }}
  >
    <title>${barLabel(bar)}</title>
    <rect class="timeline-row" x="0" y=${bar.labelY - layout.rowHeight / 2} width=${layout.width}
      height=${layout.rowHeight}></rect>
    <text class="timeline-label" x=${0.5 * rem} y=${bar.labelY}>${fitted(t.name, layout.labelWidth, rem)}</text>
    <rect class="timeline-fill" x=${bar.x} y=${bar.y} width=${bar.width} height=${bar.height}
      rx=${0.25 * rem}></rect>
    ${bar.running && bar.elapsedWidth > 0
      ? svg`<rect class="timeline-elapsed" x=${bar.x} y=${bar.y + bar.height * 0.7} width=${bar.elapsedWidth}
          height=${bar.height * 0.3}></rect>`
      : nothing}
    ${bar.jeopardy !== "NONE"
      ? svg`<text class="timeline-flag" data-testid="timeline-flag" x=${layout.labelWidth - 0.5 * rem}
          y=${bar.labelY} text-anchor="end">${humanize(bar.jeopardy)}</text>`
      : nothing}
  </g>`;
}

/** A line down the chart, labelled on the axis line the layout gave it. */
function marker(m: Marker | null, layout: TimelineLayout, name: string, text: string, rem: number) {
  if (!m) return nothing;
  const baseline = markerBaseline(m.row, rem);
  return svg`<g class=${`timeline-marker marker-${name}`} data-testid=${`timeline-${name}`}
    data-at=${new Date(m.at).toISOString()} data-x=${m.x.toFixed(1)}>
    <line x1=${m.x} x2=${m.x} y1=${baseline - 0.9 * rem} y2=${layout.height}></line>
    <text x=${m.x + (m.anchor === "start" ? 0.3 : -0.3) * rem} y=${baseline}
      text-anchor=${m.anchor}>${text}</text>
  </g>`;
}

function chart(plan: Plan, layout: TimelineLayout, rem: number): TemplateResult {
  const ids = new Set(layout.bars.map((bar) => bar.id));
  const selectedTask = layout.bars.find((bar) => nodeKey("task", bar.id) === state.plan.selected);
  const tabStop =
    (focusedId && ids.has(focusedId) && focusedId) || selectedTask?.id || (layout.bars[0]?.id ?? null);
  return html`<div class="timeline-scroll">
    <svg class="timeline" data-testid="timeline" role="group"
      aria-label=${`Timeline of service order ${plan.order.number}, ${layout.bars.length} tasks`}
      width=${layout.width} height=${layout.height} viewBox=${`0 0 ${layout.width} ${layout.height}`}
      style=${`--rem: ${rem}px`}>
      <defs>
        <marker id="timeline-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6"
          orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="timeline-head"></path></marker>
        <marker id="timeline-head-critical" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5"
          markerHeight="5" orient="auto-start-reverse"
          ><path d="M0,0 L10,5 L0,10 z" class="timeline-head critical"></path></marker>
      </defs>
      <g class="timeline-axis" aria-hidden="true">
        ${layout.ticks.map(
          (tick) => svg`<line class=${tick.dayStart ? "day" : ""} x1=${tick.x} x2=${tick.x}
              y1=${1.5 * rem} y2=${layout.height}></line>
            <text x=${tick.x + 0.25 * rem} y=${1.1 * rem}>${tickText(tick.at, layout.stepMinutes, tick.dayStart)}</text>`,
        )}
      </g>
      <g class="timeline-groups" aria-hidden="true">
        ${layout.groups.map(
          (g) => svg`<rect x="0" y=${g.y} width=${layout.width} height=${g.height}></rect>
            <text x=${0.5 * rem} y=${g.y + g.height * 0.68}>${g.title}</text>`,
        )}
      </g>
      <g class="timeline-bars">
        ${repeat(layout.bars, (bar) => bar.id, (bar) => barView(bar, layout, tabStop, rem))}
      </g>
      <g class="timeline-arrows" aria-hidden="true">
        ${repeat(
          layout.arrows,
          (a) => `${a.fromId}>${a.toId}`,
          (a) => svg`<path class=${a.critical ? "critical" : ""} d=${a.d} data-testid="timeline-arrow"
            data-from=${a.fromId} data-to=${a.toId} data-critical=${String(a.critical)}
            marker-end=${a.critical ? "url(#timeline-head-critical)" : "url(#timeline-head)"}></path>`,
        )}
      </g>
      <g aria-hidden="true">
        ${marker(layout.now, layout, "now", "Now", rem)}
        ${marker(layout.expected, layout, "expected", "Expected", rem)}
        ${marker(layout.requested, layout, "requested", "Requested", rem)}
      </g>
    </svg>
  </div>`;
}

function legend(): TemplateResult {
  const swatch = (cls: string, text: string) =>
    html`<li><span class=${`swatch ${cls}`} aria-hidden="true"></span>${text}</li>`;
  return html`<ul class="timeline-legend" aria-label="Legend">
    ${swatch("jeopardy-none", "On time")} ${swatch("jeopardy-at_risk", "At risk")}
    ${swatch("jeopardy-late", "Late")} ${swatch("jeopardy-critical", "Critical")}
    ${swatch("done", "Done")} ${swatch("critical-path", "Critical path")}
    ${swatch("line-now", "Now")} ${swatch("line-requested", "Requested date")}
  </ul>`;
}

export function timelinePanel(plan: Plan): TemplateResult {
  watchClockAndSize();
  const o = plan.order;
  const m = metrics();
  const layout = layoutTimeline(
    {
      groups: groupsOf(plan),
      now: Date.now(),
      requestedAt: o.requestedCompletionDate,
      expectedAt: o.expectedCompletionAt,
    },
    m,
  );
  return html`<section class="card timeline-card" aria-labelledby="timeline-title" data-testid="timeline-card"
    ${ref(measure)}>
    <div class="timeline-header">
      <h3 id="timeline-title">Timeline</h3>
      ${jeopardyBadge(o.jeopardy, o.jeopardyReason, "order-jeopardy", o.requestedCompletionDate)}
      <span>Expected ${o.expectedCompletionAt ? when(o.expectedCompletionAt) : "—"}</span>
      <span>Requested ${o.requestedCompletionDate ? when(o.requestedCompletionDate) : "—"}</span>
      ${lateness(o.expectedCompletionAt, o.requestedCompletionDate)}
      ${o.scheduledAt
        ? html`<span class="muted" data-testid="timeline-as-of"
            title="When these dates were computed: work not started is planned from then">Dates as of ${when(o.scheduledAt)}</span>`
        : nothing}
    </div>
    ${o.jeopardyReason ? html`<p class="jeopardy-reason" data-testid="order-jeopardy-reason">${o.jeopardyReason}</p>` : nothing}
    ${legend()}
    <p class="hint">Tab to the bars: Up and Down move through them, Right and Left follow the arrows,
      Enter shows the task's details.</p>
    ${layout.bars.length
      ? chart(plan, layout, m.rem)
      : html`<p class="muted" data-testid="timeline-empty">No schedule yet: tasks are planned when the order is approved.</p>`}
  </section>`;
}
