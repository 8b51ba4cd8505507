// The timeline's geometry (src/plan/timelineModel.ts) on hand-made plans, with a fixed clock.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  latenessMinutes,
  layoutTimeline,
  moveFrom,
  spanOf,
  spanText,
  tickStep,
  ticksOf,
  type TimelineGroup,
  type TimelineTask,
} from "../src/plan/timelineModel.js";

const H = 3_600_000;
const T0 = Date.parse("2026-12-01T08:00:00Z");
const iso = (hours: number): string => new Date(T0 + hours * H).toISOString();
const METRICS = { rem: 16, chartWidth: 800 };

function task(id: string, from: number, to: number, extra: Partial<TimelineTask> = {}): TimelineTask {
  return {
    id,
    number: `TASK${id}`,
    name: `Task ${id}`,
    state: "PENDING",
    plannedStartAt: iso(from),
    plannedEndAt: iso(to),
    dependsOn: [],
    ...extra,
  };
}

// a → b → d and a → c → d (a diamond), b on the longer branch: a, b, d are critical.
const a = task("a", 0, 1, { state: "IN_PROGRESS", startedAt: iso(0), onCriticalPath: true });
const b = task("b", 1, 4, { dependsOn: [{ id: "a" }], onCriticalPath: true, jeopardy: "LATE" });
const c = task("c", 1, 2, { dependsOn: [{ id: "a" }], jeopardy: "AT_RISK" });
const d = task("d", 4, 5, { dependsOn: [{ id: "b" }, { id: "c" }], onCriticalPath: true });
const DIAMOND: TimelineGroup[] = [
  { id: "do-1", title: "DO1 Access", tasks: [c, a] },
  { id: "do-2", title: "DO2 Service", tasks: [d, b] },
  { id: "do-3", title: "DO3 Nothing to do", tasks: [] },
];
const NOW = T0 + 0.5 * H;

function layout(groups = DIAMOND, extra = {}) {
  return layoutTimeline({ groups, now: NOW, ...extra }, METRICS);
}

describe("spanOf", () => {
  test("a task not started spans its planned start to its planned end", () => {
    assert.deepEqual(spanOf(task("x", 1, 3)), { start: T0 + H, end: T0 + 3 * H });
  });
  test("a started task starts at its actual start", () => {
    const started = task("x", 1, 3, { state: "IN_PROGRESS", startedAt: iso(2) });
    assert.equal(spanOf(started)?.start, T0 + 2 * H);
  });
  test("a done task ends at its actual completion", () => {
    const done = task("x", 1, 3, { state: "COMPLETED", startedAt: iso(1), completedAt: iso(1.5) });
    assert.deepEqual(spanOf(done), { start: T0 + H, end: T0 + 1.5 * H });
  });
  test("a task without a schedule has no span", () => {
    assert.equal(spanOf(task("x", 0, 0, { plannedStartAt: null, plannedEndAt: null })), null);
  });
});

describe("layoutTimeline", () => {
  test("one bar per scheduled task, grouped by domain order and by start within a group", () => {
    const result = layout();
    assert.deepEqual(result.bars.map((bar) => bar.id), ["a", "c", "b", "d"]);
    assert.deepEqual(result.groups.map((g) => g.title), ["DO1 Access", "DO2 Service"]);
    const ys = result.bars.map((bar) => bar.y);
    assert.deepEqual([...ys].sort((p, q) => p - q), ys);
    assert.ok(result.groups[1].y > result.bars[1].y, "the second heading comes after the first group");
  });

  test("domain orders come in the order of their first start, the plan's order on a tie", () => {
    const late = { id: "late", title: "Starts last", tasks: [task("x", 3, 4)] };
    const early = { id: "early", title: "Starts first", tasks: [task("y", 0, 1)] };
    const same = { id: "same", title: "Starts first too", tasks: [task("z", 0, 2)] };
    const result = layout([late, early, same]);
    assert.deepEqual(result.groups.map((g) => g.id), ["early", "same", "late"]);
  });

  test("bars sit on one time scale: x follows the start, width the duration", () => {
    const bars = new Map(layout().bars.map((bar) => [bar.id, bar]));
    const perHour = bars.get("a")!.width;
    assert.ok(Math.abs(bars.get("b")!.width - 3 * perHour) < 1e-6);
    assert.ok(Math.abs(bars.get("b")!.x - (bars.get("a")!.x + perHour)) < 1e-6);
    assert.ok(bars.get("d")!.x > bars.get("b")!.x);
  });

  test("bars carry the jeopardy level and the critical path", () => {
    const bars = new Map(layout().bars.map((bar) => [bar.id, bar]));
    assert.equal(bars.get("b")!.jeopardy, "LATE");
    assert.equal(bars.get("c")!.jeopardy, "AT_RISK");
    assert.equal(bars.get("a")!.jeopardy, "NONE");
    assert.deepEqual([...bars.values()].filter((bar) => bar.critical).map((bar) => bar.id), ["a", "b", "d"]);
  });

  test("one arrow per dependency, from the predecessor's end to the dependent's start", () => {
    const result = layout();
    const bars = new Map(result.bars.map((bar) => [bar.id, bar]));
    assert.equal(result.arrows.length, 4);
    for (const arrow of result.arrows) {
      const from = bars.get(arrow.fromId)!;
      const to = bars.get(arrow.toId)!;
      const start = /^M([\d.]+),([\d.]+)/.exec(arrow.d)!;
      assert.ok(Math.abs(Number(start[1]) - (from.x + from.width)) < 1e-6);
      assert.ok(Math.abs(Number(start[2]) - (from.y + from.height / 2)) < 1e-6);
      assert.ok(Math.abs(Number(/H([\d.]+)$/.exec(arrow.d)![1]) - to.x) < 1e-6);
    }
  });

  test("an arrow is on the critical path when both its ends are and the one starts as the other ends", () => {
    const critical = layout().arrows.filter((arrow) => arrow.critical);
    assert.deepEqual(critical.map((arrow) => `${arrow.fromId}→${arrow.toId}`).sort(), ["a→b", "b→d"]);
    // a → d as well: both critical, but d waits for b, three hours after a ends
    const shortcut = { ...d, dependsOn: [...d.dependsOn, { id: "a" }] };
    const groups = [DIAMOND[0], { ...DIAMOND[1], tasks: [shortcut, b] }];
    const arrow = layout(groups).arrows.find((a) => a.fromId === "a" && a.toId === "d");
    assert.equal(arrow?.critical, false);
  });

  test("an arrow to a task that starts before its predecessor's bar ends goes round between the rows", () => {
    const first = task("p", 0, 0.01, { state: "COMPLETED", startedAt: iso(0), completedAt: iso(0.01) });
    const next = task("q", 0.01, 1, { dependsOn: [{ id: "p" }] });
    const result = layout([{ id: "g", title: "G", tasks: [first, next] }]);
    const [arrow] = result.arrows;
    const [p, q] = result.bars;
    const vertical = [...arrow.d.matchAll(/V([\d.]+)/g)].map((m) => Number(m[1]));
    assert.equal(vertical.length, 2);
    assert.ok(vertical[0] > p.y + p.height && vertical[0] < q.y, "it runs in the gap between the bars");
  });

  test("a running task shows the part worked so far", () => {
    const bar = layout().bars.find((b) => b.id === "a")!;
    assert.ok(bar.running);
    assert.ok(Math.abs(bar.elapsedWidth - bar.width / 2) < 1e-6);
  });

  test("the now, requested and expected lines are on the same scale, and the axis reaches them", () => {
    const result = layout(DIAMOND, { requestedAt: iso(10), expectedAt: iso(5) });
    const d5 = result.bars.find((bar) => bar.id === "d")!;
    assert.ok(Math.abs(result.expected!.x - (d5.x + d5.width)) < 1e-6);
    assert.ok(result.requested!.x > result.expected!.x);
    assert.ok(result.requested!.x <= result.labelWidth + METRICS.chartWidth);
    assert.ok(result.now.x > result.labelWidth && result.now.x < d5.x);
  });

  test("the labels of dates close together go on separate lines of the axis", () => {
    const close = layout(DIAMOND, { requestedAt: iso(5.1), expectedAt: iso(5) });
    assert.equal(close.now.row, 1);
    assert.equal(close.requested!.row, 1, "far from now: the first line");
    assert.equal(close.expected!.row, 2);
    assert.ok(close.axisHeight > layout().axisHeight, "the axis grows by a line");
    const apart = layout(DIAMOND, { requestedAt: iso(2.5), expectedAt: iso(5) });
    assert.deepEqual([apart.requested!.row, apart.expected!.row], [1, 1]);
  });

  test("a label at the right edge goes to the left of its line", () => {
    const result = layout(DIAMOND, { requestedAt: iso(9), expectedAt: iso(5) });
    assert.equal(result.requested!.anchor, "end");
    assert.equal(result.now.anchor, "start");
  });

  test("a narrower label column leaves the time scale to the right of it", () => {
    const result = layoutTimeline({ groups: DIAMOND, now: NOW }, { ...METRICS, labelWidth: 200 });
    assert.equal(result.labelWidth, 200);
    assert.ok(Math.min(...result.bars.map((bar) => bar.x)) >= 200);
    assert.ok(Math.max(...result.bars.map((bar) => bar.x + bar.width)) <= 200 + METRICS.chartWidth);
  });

  test("tasks without a schedule are listed apart, not drawn", () => {
    const bare = task("z", 0, 0, { plannedStartAt: null, plannedEndAt: null });
    const result = layout([{ id: "g", title: "G", tasks: [bare] }]);
    assert.deepEqual(result.bars, []);
    assert.deepEqual(result.groups, []);
    assert.deepEqual(result.unscheduled.map((t) => t.id), ["z"]);
  });

  test("sizes follow the root font size (large type on a wall display)", () => {
    const small = layoutTimeline({ groups: DIAMOND, now: NOW }, { rem: 16, chartWidth: 800 });
    const large = layoutTimeline({ groups: DIAMOND, now: NOW }, { rem: 24, chartWidth: 800 });
    assert.equal(large.rowHeight, 1.5 * small.rowHeight);
    assert.ok(large.height > small.height);
  });
});

describe("the time axis", () => {
  test("ticks stand at least seven rem apart, on the smallest step that allows it", () => {
    assert.equal(tickStep(10 * H, 800, 16), 120); // 7 ticks fit: 10 h / 2 h = 5
    assert.equal(tickStep(3 * 24 * H, 800, 16), 720);
  });
  test("day ticks fall on the viewer's local midnight", () => {
    const offset = 60; // UTC+1
    const ticks = ticksOf(T0, T0 + 72 * H, 1440, (at) => at, offset);
    assert.equal(ticks.length, 3);
    for (const tick of ticks) {
      assert.equal(new Date(tick.at + offset * 60_000).getUTCHours(), 0);
      assert.ok(tick.dayStart);
    }
  });
});

describe("moveFrom (the keyboard)", () => {
  const result = layout();
  test("down and up go through the rows in order, and stop at the ends", () => {
    assert.equal(moveFrom(result, "a", "next"), "c");
    assert.equal(moveFrom(result, "c", "previous"), "a");
    assert.equal(moveFrom(result, "a", "previous"), "a");
    assert.equal(moveFrom(result, "d", "next"), "d");
  });
  test("Home and End, and a start from nothing, go to the first and last bars", () => {
    assert.equal(moveFrom(result, "b", "first"), "a");
    assert.equal(moveFrom(result, "a", "last"), "d");
    assert.equal(moveFrom(result, null, "next"), "a");
  });
  test("right and left follow the arrows, preferring the critical path", () => {
    assert.equal(moveFrom(result, "a", "successor"), "b");
    assert.equal(moveFrom(result, "d", "predecessor"), "b");
    assert.equal(moveFrom(result, "c", "predecessor"), "a");
    assert.equal(moveFrom(result, "d", "successor"), "d");
  });
});

describe("lateness", () => {
  test("expected after requested is late by the difference, in minutes", () => {
    assert.equal(latenessMinutes(iso(27), iso(0)), 27 * 60);
    assert.equal(latenessMinutes(iso(0), iso(1)), -60);
    assert.equal(latenessMinutes(null, iso(1)), null);
  });
  test("spans read in their two largest units", () => {
    assert.equal(spanText(27 * 60), "1 d 3 h");
    assert.equal(spanText(-125), "2 h 5 min");
    assert.equal(spanText(2880), "2 d");
    assert.equal(spanText(45), "45 min");
  });
});
