// The timeline (Gantt) of a plan as geometry: where each task's bar, each dependency arrow,
// the time axis and the now / requested / expected lines go. Pure functions of the tasks,
// the clock and the sizes, so that they are tested without a browser (test/timelineModel.test.ts)
// and the view (views/timeline.ts) only draws what they return.
//
// It imports nothing: its input is the few fields it reads, so any shape with them fits (the
// generated types of the plan query do) and the unit tests compile it on its own.

export type Jeopardy = "NONE" | "AT_RISK" | "LATE" | "CRITICAL";

export interface TimelineTask {
  id: string;
  number: string;
  name: string;
  state: string;
  /** The API's schedule: planned start and end (the actual ones once started / done). */
  plannedStartAt?: string | null;
  plannedEndAt?: string | null;
  startedAt?: string | null;
  completedAt?: string | null;
  dueAt?: string | null;
  slackMinutes?: number | null;
  onCriticalPath?: boolean;
  jeopardy?: Jeopardy | null;
  jeopardyReason?: string | null;
  dependsOn: readonly { id: string }[];
}

/** One domain order's tasks, in the plan's order of domain orders. */
export interface TimelineGroup {
  id: string;
  title: string;
  tasks: readonly TimelineTask[];
}

export interface TimelineInput {
  groups: readonly TimelineGroup[];
  /** The clock, in ms since the epoch (Date.now() in the page, fixed in tests). */
  now: number;
  requestedAt?: string | null;
  expectedAt?: string | null;
}

/** Sizes in CSS pixels: the view derives them from the root font size (large type, walls). */
export interface TimelineMetrics {
  rem: number;
  /** Width of the time area, right of the labels. */
  chartWidth: number;
  /** Width of the label column (number, name, level); LABEL_REM rem unless given. */
  labelWidth?: number;
  /** The viewer's UTC offset in minutes (east positive), so that day ticks fall on midnight. */
  utcOffsetMinutes?: number;
}

export interface Bar {
  id: string;
  task: TimelineTask;
  start: number;
  end: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Width of the part already worked, for a running task (start → now). */
  elapsedWidth: number;
  jeopardy: Jeopardy;
  critical: boolean;
  done: boolean;
  running: boolean;
  /** Where the row's label is drawn (its vertical middle). */
  labelY: number;
}

export interface GroupRow {
  id: string;
  title: string;
  y: number;
  height: number;
}

export interface Arrow {
  fromId: string;
  toId: string;
  /** An SVG path from the end of the predecessor's bar to the start of the dependent's. */
  d: string;
  critical: boolean;
}

export interface Tick {
  at: number;
  x: number;
  /** The first tick of a day (a day's date is worth printing on it). */
  dayStart: boolean;
}

export interface Marker {
  at: number;
  x: number;
  /** Which side of its line the label goes: "end" puts it on the left (at the right edge). */
  anchor: "start" | "end";
  /** The line of the axis its label is on (1 first): labels of close dates never overlap. */
  row: number;
}

export interface TimelineLayout {
  width: number;
  height: number;
  labelWidth: number;
  axisHeight: number;
  rowHeight: number;
  start: number;
  end: number;
  stepMinutes: number;
  groups: GroupRow[];
  bars: Bar[];
  /** Tasks without a schedule (before approval, or an API without one): listed, not drawn. */
  unscheduled: TimelineTask[];
  arrows: Arrow[];
  ticks: Tick[];
  now: Marker;
  requested: Marker | null;
  expected: Marker | null;
}

const MINUTE = 60_000;
const DONE = new Set(["COMPLETED", "SKIPPED", "CANCELLED"]);
/** Tick steps, in minutes: the smallest whose ticks stand at least MIN_TICK_REM apart. */
export const TICK_STEPS = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 20160];
const MIN_TICK_REM = 7;
const MIN_BAR_REM = 0.4;
const TIGHT_MS = 1000;
/** The label column: the task's name, then its jeopardy level (STATUS_REM). */
export const LABEL_REM = 24;
export const STATUS_REM = 5.5;

export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : at;
}

/** A task's span: planned start → end, the actual ones where it started / is done. */
export function spanOf(task: TimelineTask): { start: number; end: number } | null {
  const start = parseTime(task.startedAt) ?? parseTime(task.plannedStartAt);
  const done = DONE.has(task.state);
  const end = (done ? parseTime(task.completedAt) : null) ?? parseTime(task.plannedEndAt);
  if (start === null || end === null) return null;
  return { start, end: Math.max(start, end) };
}

export function tickStep(spanMs: number, chartWidth: number, rem: number): number {
  // At least two ticks, so that even a narrow chart shows where it is in time.
  const fits = Math.max(2, Math.floor(chartWidth / (MIN_TICK_REM * rem)));
  return TICK_STEPS.find((step) => spanMs / (step * MINUTE) <= fits) ?? TICK_STEPS.at(-1)!;
}

export function ticksOf(
  start: number,
  end: number,
  stepMinutes: number,
  x: (at: number) => number,
  utcOffsetMinutes = 0,
): Tick[] {
  const step = stepMinutes * MINUTE;
  const offset = utcOffsetMinutes * MINUTE;
  const day = 1440 * MINUTE;
  const ticks: Tick[] = [];
  // Aligned in the viewer's local time: steps of a day or more start at local midnight.
  for (let at = Math.ceil((start + offset) / step) * step - offset; at <= end; at += step) {
    ticks.push({ at, x: x(at), dayStart: (at + offset) % day === 0 });
  }
  return ticks;
}

function byStart(a: Bar, b: Bar): number {
  return a.start - b.start || a.end - b.end || a.task.number.localeCompare(b.task.number);
}

function arrowPath(from: Bar, to: Bar, rem: number, rowHeight: number): string {
  const gap = 0.6 * rem;
  const x1 = from.x + from.width;
  const y1 = from.y + from.height / 2;
  const x2 = to.x;
  const y2 = to.y + to.height / 2;
  if (x2 - x1 >= 2 * gap) {
    // Room between them: out, across to the dependent's row, in.
    const mid = x1 + gap;
    return `M${x1},${y1} H${mid} V${y2} H${x2}`;
  }
  // The dependent starts before (or just after) the predecessor ends, e.g. both done: go round
  // through the gap between the rows, so the arrow never crosses a bar.
  const margin = (rowHeight - to.height) / 2;
  const between = y2 > y1 ? to.y - margin : to.y + to.height + margin;
  return `M${x1},${y1} H${x1 + gap} V${between} H${x2 - gap} V${y2} H${x2}`;
}

/** The whole layout. Rows: a heading per domain order, then its tasks by start; the domain
 * orders by their first start (the work flows from the top left to the bottom right: resource
 * before service before product), the plan's order where they start together. */
export function layoutTimeline(input: TimelineInput, metrics: TimelineMetrics): TimelineLayout {
  const { rem } = metrics;
  const labelWidth = metrics.labelWidth ?? LABEL_REM * rem;
  const rowHeight = 2.5 * rem;
  const groupHeight = 2 * rem;
  const barHeight = 1.6 * rem;
  const chartWidth = Math.max(10 * rem, metrics.chartWidth);

  const spans = new Map<string, { start: number; end: number }>();
  const unscheduled: TimelineTask[] = [];
  for (const group of input.groups) {
    for (const task of group.tasks) {
      const span = spanOf(task);
      if (span) spans.set(task.id, span);
      else unscheduled.push(task);
    }
  }

  const requestedAt = parseTime(input.requestedAt);
  const expectedAt = parseTime(input.expectedAt);
  const times = [input.now];
  for (const { start, end } of spans.values()) times.push(start, end);
  if (requestedAt !== null) times.push(requestedAt);
  if (expectedAt !== null) times.push(expectedAt);
  let start = Math.min(...times);
  let end = Math.max(...times);
  if (end - start < 60 * MINUTE) end = start + 60 * MINUTE;
  const pad = (end - start) * 0.03;
  start -= pad;
  end += pad;
  const scale = chartWidth / (end - start);
  const x = (at: number): number => labelWidth + (at - start) * scale;
  const placed = markers(input.now, requestedAt, expectedAt, x, labelWidth + chartWidth, rem);
  // The ticks' line of labels, then as many lines as the now / requested / expected labels take.
  const rows = Math.max(...[placed.now, placed.requested, placed.expected].map((m) => m?.row ?? 1));
  const axisHeight = markerBaseline(rows, rem) + 0.6 * rem;

  const groups: GroupRow[] = [];
  const bars: Bar[] = [];
  let y = axisHeight;
  const firstStart = (group: TimelineGroup): number =>
    Math.min(...group.tasks.map((task) => spans.get(task.id)?.start ?? Infinity));
  const ordered = input.groups
    .map((group, index) => ({ group, index, start: firstStart(group) }))
    .sort((p, q) => p.start - q.start || p.index - q.index)
    .map(({ group }) => group);
  for (const group of ordered) {
    const rows = group.tasks.flatMap((task): Bar[] => {
      const span = spans.get(task.id);
      if (!span) return [];
      const done = DONE.has(task.state);
      const running = task.state === "IN_PROGRESS";
      const width = Math.max(MIN_BAR_REM * rem, (span.end - span.start) * scale);
      const worked = running ? Math.min(span.end, Math.max(span.start, input.now)) : span.start;
      return [
        {
          id: task.id,
          task,
          start: span.start,
          end: span.end,
          x: x(span.start),
          y: 0,
          width,
          height: barHeight,
          elapsedWidth: Math.min(width, (worked - span.start) * scale),
          jeopardy: task.jeopardy ?? "NONE",
          critical: task.onCriticalPath ?? false,
          done,
          running,
          labelY: 0,
        },
      ];
    });
    if (!rows.length) continue;
    groups.push({ id: group.id, title: group.title, y, height: groupHeight });
    y += groupHeight;
    for (const bar of rows.sort(byStart)) {
      bar.y = y + (rowHeight - barHeight) / 2;
      bar.labelY = y + rowHeight / 2;
      bars.push(bar);
      y += rowHeight;
    }
  }

  const barOf = new Map(bars.map((bar) => [bar.id, bar]));
  const arrows: Arrow[] = [];
  for (const to of bars) {
    for (const { id } of to.task.dependsOn) {
      const from = barOf.get(id);
      if (!from) continue;
      arrows.push({
        fromId: from.id,
        toId: to.id,
        d: arrowPath(from, to, rem, rowHeight),
        // As the API's critical path: between two tasks without slack, where the one starts
        // exactly when the other ends (a second's leeway for how the dates were rounded).
        critical: from.critical && to.critical && Math.abs(to.start - from.end) < TIGHT_MS,
      });
    }
  }

  const stepMinutes = tickStep(end - start, chartWidth, rem);
  return {
    width: labelWidth + chartWidth + rem,
    height: y + 0.5 * rem,
    labelWidth,
    axisHeight,
    rowHeight,
    start,
    end,
    stepMinutes,
    groups,
    bars,
    unscheduled,
    arrows,
    ticks: ticksOf(start, end, stepMinutes, x, metrics.utcOffsetMinutes),
    ...placed,
  };
}

/** The width a marker's label is given ("Requested", bold), and the lines of the axis for them. */
const MARKER_LABEL_REM = 6.5;
const MARKER_ROWS = 3;

/** The label line of the axis (1, 2 or 3) a marker's label is written on. */
export function markerBaseline(row: number, rem: number): number {
  return (1.1 + 1.2 * row) * rem;
}

function markers(
  now: number,
  requestedAt: number | null,
  expectedAt: number | null,
  x: (at: number) => number,
  right: number,
  rem: number,
): { now: Marker; requested: Marker | null; expected: Marker | null } {
  const width = MARKER_LABEL_REM * rem;
  const taken: { row: number; from: number; to: number }[] = [];
  const at = (time: number | null): Marker | null => {
    if (time === null) return null;
    const position = x(time);
    // A label that would run off the right edge goes to the left of its line.
    const anchor = position + width > right ? "end" : "start";
    const from = anchor === "start" ? position : position - width;
    const to = from + width;
    // The first line of labels where it overlaps none placed before it (dates close together).
    let row = 1;
    while (row < MARKER_ROWS && taken.some((t) => t.row === row && t.from < to && from < t.to)) row += 1;
    taken.push({ row, from, to });
    return { at: time, x: position, anchor, row };
  };
  // In this order: "Now" keeps the first line, the dates go round it.
  const placedNow = at(now) as Marker;
  return { now: placedNow, requested: at(requestedAt), expected: at(expectedAt) };
}

export type BarMove = "next" | "previous" | "first" | "last" | "successor" | "predecessor";

/** The bar the keyboard moves to from `id`: rows up and down, or along a dependency arrow. */
export function moveFrom(layout: TimelineLayout, id: string | null, move: BarMove): string | null {
  const { bars } = layout;
  if (!bars.length) return null;
  const index = bars.findIndex((bar) => bar.id === id);
  if (index < 0 || move === "first") return bars[0].id;
  switch (move) {
    case "last":
      return bars[bars.length - 1].id;
    case "next":
      return bars[Math.min(index + 1, bars.length - 1)].id;
    case "previous":
      return bars[Math.max(index - 1, 0)].id;
    case "successor": {
      // The earliest-starting task that waits on this one, preferring one on the critical path.
      const waiting = layout.arrows.filter((a) => a.fromId === id);
      const pick = waiting.find((a) => a.critical) ?? waiting[0];
      return pick ? pick.toId : id;
    }
    case "predecessor": {
      const waitedOn = layout.arrows.filter((a) => a.toId === id);
      const pick = waitedOn.find((a) => a.critical) ?? waitedOn[0];
      return pick ? pick.fromId : id;
    }
  }
}

/** Minutes from `requested` to `expected`: positive when it is expected late. */
export function latenessMinutes(
  expected: string | null | undefined,
  requested: string | null | undefined,
): number | null {
  const e = parseTime(expected);
  const r = parseTime(requested);
  return e === null || r === null ? null : Math.round((e - r) / MINUTE);
}

/** "3 d 4 h", "2 h 5 min", "45 min": the larger two units of a span of minutes. */
export function spanText(minutes: number): string {
  const m = Math.abs(Math.round(minutes));
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  const mins = m % 60;
  if (days) return hours ? `${days} d ${hours} h` : `${days} d`;
  if (hours) return mins ? `${hours} h ${mins} min` : `${hours} h`;
  return `${mins} min`;
}
