// What the plan says about an order's life after submission, as plain values the views show:
// the point of no return of an item and of a task, which task a compensating task undoes
// (and which undo a task), a MODIFY item's characteristics before → after, and the input of
// a revision built from the form. No rule of the API is copied here: what a user may do is
// each object's `viewerCan`; what the states mean is the server's.
//
// It reads the plan through the few fields it needs (the query's objects fit them), so that
// it has no import and its tests run in Node (test/lifecycle.test.ts).

export interface TaskRef {
  id: string;
  number: string;
  name: string;
  state: string;
}

interface PlannedTask extends TaskRef {
  isPointOfNoReturn: boolean;
  compensates: TaskRef | null;
}

export type LineItemAction = "ADD" | "MODIFY" | "DELETE";

interface PlannedItem {
  action: LineItemAction;
  quantity: number;
  characteristics: unknown;
  pointOfNoReturnReachedAt: string | null;
  specification: { code: string };
  soldProduct: { id: string } | null;
  domainOrders: { tasks: PlannedTask[] }[];
}

interface PlannedOrder {
  lineItems: (PlannedItem & { id: string })[];
}

/** Every task of the order, in plan order. */
export function tasksOf(order: PlannedOrder): PlannedTask[] {
  return order.lineItems.flatMap((item) => item.domainOrders.flatMap((d) => d.tasks));
}

/** For each task id, the compensating tasks that undo it (the inverse of `compensates`). */
export function compensatedBy(order: PlannedOrder): Map<string, TaskRef[]> {
  const undoneBy = new Map<string, TaskRef[]>();
  for (const task of tasksOf(order)) {
    if (!task.compensates) continue;
    const ref: TaskRef = { id: task.id, number: task.number, name: task.name, state: task.state };
    undoneBy.set(task.compensates.id, [...(undoneBy.get(task.compensates.id) ?? []), ref]);
  }
  return undoneBy;
}

export interface PointOfNoReturn {
  /** When the item passed it (a PONR task started); null while everything may still change. */
  reachedAt: string | null;
  /** The item's tasks that are a point of no return. */
  tasks: TaskRef[];
}

export function pointOfNoReturn(item: PlannedItem): PointOfNoReturn {
  const tasks = item.domainOrders
    .flatMap((d) => d.tasks)
    .filter((t) => t.isPointOfNoReturn)
    .map((t) => ({ id: t.id, number: t.number, name: t.name, state: t.state }));
  return { reachedAt: item.pointOfNoReturnReachedAt, tasks };
}

export interface CharacteristicChange {
  name: string;
  before: string | null;
  after: string | null;
  changed: boolean;
}

function shown(value: unknown): string {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

function entriesOf(value: unknown): Map<string, unknown> {
  return new Map(value && typeof value === "object" && !Array.isArray(value) ? Object.entries(value) : []);
}

/**
 * A MODIFY item's characteristics against the product's: every name of either, the changed
 * ones first (then by name), null where one side lacks it.
 */
export function characteristicChanges(before: unknown, after: unknown): CharacteristicChange[] {
  const old = entriesOf(before);
  const next = entriesOf(after);
  const names = [...new Set([...old.keys(), ...next.keys()])];
  const changes = names.map((name) => {
    const b = old.has(name) ? shown(old.get(name)) : null;
    const a = next.has(name) ? shown(next.get(name)) : null;
    return { name, before: b, after: a, changed: a !== b };
  });
  return changes.sort((x, y) => Number(y.changed) - Number(x.changed) || x.name.localeCompare(y.name));
}

interface HistoryEntry {
  kind: string;
  entityId: string;
  payload: unknown;
}

/**
 * The characteristics a product had before a MODIFY was applied to it, from the order's
 * `sold_product.modified` event (its payload's `previousCharacteristics`); null until then.
 */
export function appliedModification(history: HistoryEntry[], productId: string): { before: unknown } | null {
  for (let i = history.length - 1; i >= 0; i -= 1) {
    const e = history[i];
    if (e.kind !== "sold_product.modified" || e.entityId !== productId) continue;
    const payload = e.payload && typeof e.payload === "object" ? (e.payload as Record<string, unknown>) : {};
    return { before: payload.previousCharacteristics ?? null };
  }
  return null;
}

// ---- Revision: the form's fields → the mutation's line items --------------------------------

/** One line of a revision as the form holds it (characteristics as the JSON text typed). */
export interface RevisionLine {
  /** The item's id; null for a new item. */
  id: string | null;
  action: LineItemAction;
  specificationCode: string;
  quantity: string;
  characteristics: string;
  soldProductId: string | null;
  removed: boolean;
}

export interface RevisionLineInput {
  id: string | null;
  action: LineItemAction;
  specificationCode: string;
  quantity: number;
  characteristics: unknown;
  soldProductId: string | null;
}

/** A line that the page itself cannot send: shown beside the form like the API's errors. */
export interface RevisionProblem {
  field: string;
  message: string;
}

/** The form's first lines: the order's items as they are. */
export function revisionLines(order: PlannedOrder): RevisionLine[] {
  return order.lineItems.map((item) => ({
    id: item.id,
    action: item.action,
    specificationCode: item.specification.code,
    quantity: String(item.quantity),
    characteristics: JSON.stringify(item.characteristics ?? {}),
    soldProductId: item.action === "ADD" ? null : (item.soldProduct?.id ?? null),
    removed: false,
  }));
}

/**
 * The line items of `reviseServiceOrder`: every line not removed, in the form's order. The
 * page checks only what it must to send a request at all (characteristics are a JSON object,
 * quantity a whole number); the API checks the rest and says so in its user errors.
 */
export function revisionInput(
  lines: RevisionLine[],
): { lineItems: RevisionLineInput[]; problems: RevisionProblem[] } {
  const lineItems: RevisionLineInput[] = [];
  const problems: RevisionProblem[] = [];
  lines.forEach((line, index) => {
    if (line.removed) return;
    const where = `lineItems[${index}]`;
    const quantity = Number(line.quantity);
    if (!Number.isInteger(quantity)) {
      problems.push({ field: `${where}.quantity`, message: `Quantity "${line.quantity}" is not a whole number.` });
    }
    let characteristics: unknown = {};
    const text = line.characteristics.trim();
    if (text) {
      try {
        characteristics = JSON.parse(text);
      } catch {
        characteristics = undefined;
      }
    }
    if (!characteristics || typeof characteristics !== "object" || Array.isArray(characteristics)) {
      problems.push({
        field: `${where}.characteristics`,
        message: 'Characteristics must be a JSON object, e.g. {"ipVersion": "DUAL"}.',
      });
    }
    lineItems.push({
      id: line.id,
      action: line.action,
      specificationCode: line.specificationCode,
      quantity,
      characteristics,
      soldProductId: line.soldProductId,
    });
  });
  return { lineItems, problems };
}
