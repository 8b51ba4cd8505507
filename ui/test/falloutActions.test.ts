// The resolve form's words for each fallout action (src/plan/falloutActions.ts).
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { falloutActionLabel, falloutActionOutcome } from "../src/plan/falloutActions.js";

describe("fallout action labels", () => {
  test("failing the line item says that the work cannot be done and what happens to the rest", () => {
    const label = falloutActionLabel("FAIL_LINE_ITEM");
    assert.match(label, /^Fail the line item/);
    assert.match(label, /cannot be done/);
    assert.match(label, /cancelled/);
  });

  test("a resolved fallout names what its action did", () => {
    assert.equal(falloutActionOutcome("FAIL_LINE_ITEM"), "Line item failed");
    assert.equal(falloutActionOutcome("RETRY_TASK"), "Task retried");
  });

  test("an action the page does not know yet is still named", () => {
    assert.equal(falloutActionLabel("ESCALATE_TASK"), "Escalate task");
    assert.equal(falloutActionOutcome("ESCALATE_TASK"), "Escalate task");
  });
});
