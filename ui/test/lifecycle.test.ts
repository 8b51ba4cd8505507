// The lifecycle's plain values (src/plan/lifecycle.ts) on hand-made plans.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  appliedModification,
  characteristicChanges,
  compensatedBy,
  pointOfNoReturn,
  revisionInput,
  revisionLines,
  type RevisionLine,
} from "../src/plan/lifecycle.js";

function task(id: string, extra: { isPointOfNoReturn?: boolean; compensates?: string; state?: string } = {}) {
  return {
    id,
    number: `TASK${id}`,
    name: `Task ${id}`,
    state: extra.state ?? "PENDING",
    isPointOfNoReturn: extra.isPointOfNoReturn ?? false,
    compensates: extra.compensates
      ? { id: extra.compensates, number: `TASK${extra.compensates}`, name: `Task ${extra.compensates}`, state: "COMPLETED" }
      : null,
  };
}

function item(id: string, tasks: ReturnType<typeof task>[], extra: Partial<{ reachedAt: string }> = {}) {
  return {
    id,
    action: "ADD" as const,
    quantity: 1,
    characteristics: { ipVersion: "DUAL" },
    pointOfNoReturnReachedAt: extra.reachedAt ?? null,
    specification: { code: "FIBRE_BROADBAND" },
    soldProduct: null,
    domainOrders: [{ tasks }],
  };
}

describe("compensation", () => {
  test("each undone task lists the compensating tasks that undo it", () => {
    // Given an item where task 3 undoes task 1 and task 4 undoes task 2
    const order = { lineItems: [item("i", [task("1"), task("2"), task("3", { compensates: "1" }), task("4", { compensates: "2" })])] };

    // When the inverse is taken
    const undoneBy = compensatedBy(order);

    // Then each undone task names its compensator, and no other task is listed
    assert.deepEqual([...undoneBy.keys()], ["1", "2"]);
    assert.equal(undoneBy.get("1")?.[0].id, "3");
    assert.equal(undoneBy.get("2")?.[0].number, "TASK4");
  });
});

describe("point of no return", () => {
  test("an item names its PONR tasks and when it passed them", () => {
    // Given an item with one PONR task, passed
    const ponr = pointOfNoReturn(item("i", [task("1"), task("2", { isPointOfNoReturn: true })], { reachedAt: "2026-12-01T12:00:00Z" }));

    // Then it says when, and which task
    assert.equal(ponr.reachedAt, "2026-12-01T12:00:00Z");
    assert.deepEqual(ponr.tasks.map((t) => t.id), ["2"]);
  });
});

describe("characteristics before → after", () => {
  test("changed names come first, then the rest by name; a missing side is null", () => {
    const changes = characteristicChanges(
      { ipVersion: "IPV4", bandwidth: 500, colour: "white" },
      { ipVersion: "DUAL", bandwidth: 500, router: { model: "X" } },
    );
    assert.deepEqual(changes, [
      { name: "colour", before: "white", after: null, changed: true },
      { name: "ipVersion", before: "IPV4", after: "DUAL", changed: true },
      { name: "router", before: null, after: '{"model":"X"}', changed: true },
      { name: "bandwidth", before: "500", after: "500", changed: false },
    ]);
  });

  test("values that are not objects count as no characteristics", () => {
    assert.deepEqual(characteristicChanges(null, ["a"]), []);
  });
});

describe("an applied MODIFY", () => {
  test("the product's characteristics before are the latest modified event's of that product", () => {
    const history = [
      { kind: "sold_product.modified", entityId: "other", payload: { previousCharacteristics: { a: 0 } } },
      { kind: "sold_product.modified", entityId: "p", payload: { previousCharacteristics: { a: 1 } } },
      { kind: "task.completed", entityId: "p", payload: {} },
    ];
    assert.deepEqual(appliedModification(history, "p"), { before: { a: 1 } });
    assert.equal(appliedModification(history, "q"), null);
  });
});

describe("revision input", () => {
  const lines = (): RevisionLine[] => revisionLines({ lineItems: [item("i1", []), item("i2", [])] });

  test("the form starts from the order's items as they are", () => {
    const [first] = lines();
    assert.deepEqual(first, {
      id: "i1",
      action: "ADD",
      specificationCode: "FIBRE_BROADBAND",
      quantity: "1",
      characteristics: '{"ipVersion":"DUAL"}',
      soldProductId: null,
      removed: false,
    });
  });

  test("removed lines are left out; a new line has no id; values are parsed", () => {
    // Given the first item removed, the second changed, and a new line
    const form = lines();
    form[0].removed = true;
    form[1] = { ...form[1], quantity: "2", characteristics: '{"ipVersion": "IPV4"}' };
    form.push({ id: null, action: "ADD", specificationCode: "MOBILE_LINE", quantity: "1", characteristics: "", soldProductId: null, removed: false });

    // When the input is built
    const { lineItems, problems } = revisionInput(form);

    // Then it holds the changed item and the new one, nothing to complain about
    assert.deepEqual(problems, []);
    assert.deepEqual(lineItems, [
      { id: "i2", action: "ADD", specificationCode: "FIBRE_BROADBAND", quantity: 2, characteristics: { ipVersion: "IPV4" }, soldProductId: null },
      { id: null, action: "ADD", specificationCode: "MOBILE_LINE", quantity: 1, characteristics: {}, soldProductId: null },
    ]);
  });

  test("characteristics that are not a JSON object, and a fractional quantity, are named by field", () => {
    const form = lines();
    form[0].characteristics = '{"ipVersion": ';
    form[1] = { ...form[1], quantity: "1.5", characteristics: "[1]" };

    const { problems } = revisionInput(form);

    assert.deepEqual(problems.map((p) => p.field), [
      "lineItems[0].characteristics",
      "lineItems[1].quantity",
      "lineItems[1].characteristics",
    ]);
  });
});
