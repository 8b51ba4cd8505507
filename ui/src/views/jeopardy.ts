// How late an order or a task is, as the order list and the timeline show it: a badge with the
// level (its colour, and its name, so that colour is never the only sign) and the API's reason.
import { html, nothing, type TemplateResult } from "lit-html";

import type { JeopardyLevel } from "../api/shapes";
import { latenessMinutes, spanText } from "../plan/timelineModel";
import "./schedule.css";
import { humanize } from "./widgets";

/** `dueDate`: the order's requested completion; without one, NONE says nothing is due. */
export function jeopardyBadge(
  level: JeopardyLevel,
  reason: string | null | undefined,
  testId = "jeopardy",
  dueDate: string | null | undefined = undefined,
): TemplateResult {
  const undated = level === "NONE" && dueDate === null;
  return html`<span class=${`badge jeopardy jeopardy-${undated ? "undated" : level.toLowerCase()}`}
    data-testid=${testId} data-jeopardy=${level} title=${reason ?? ""}
    >${undated ? "No due date" : level === "NONE" ? "On time" : humanize(level)}</span
  >`;
}

/** "3 d 4 h late" / "2 h early" / "on the day": expected against requested completion. */
export function lateness(
  expected: string | null | undefined,
  requested: string | null | undefined,
): TemplateResult | typeof nothing {
  const minutes = latenessMinutes(expected, requested);
  if (minutes === null) return nothing;
  const text = minutes === 0 ? "on the requested date" : `${spanText(minutes)} ${minutes > 0 ? "late" : "early"}`;
  return html`<span class=${minutes > 0 ? "lateness late" : "lateness"} data-testid="lateness"
    data-minutes=${minutes}>${text}</span>`;
}
