// An automated task's attempts and retry countdown (src/plan/automationModel.ts), with a fixed clock.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  attemptsText,
  countdownText,
  isAutomated,
  retryPending,
  type AutomationFacts,
} from "../src/plan/automationModel.js";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const inSeconds = (seconds: number): string => new Date(NOW + seconds * 1000).toISOString();

function task(extra: Partial<AutomationFacts> = {}): AutomationFacts {
  return { kind: "AUTOMATED", state: "READY", attempts: 1, maxAttempts: 3, ...extra };
}

describe("automated tasks", () => {
  test("a task of kind AUTOMATED is automated, a MANUAL one is not", () => {
    assert.equal(isAutomated(task()), true);
    assert.equal(isAutomated(task({ kind: "MANUAL" })), false);
  });

  test("attempts read as made of allowed, or alone without a limit", () => {
    assert.equal(attemptsText(task({ attempts: 2, maxAttempts: 5 })), "2/5");
    assert.equal(attemptsText(task({ attempts: 2, maxAttempts: null })), "2");
  });

  test("a retry is pending while a READY task's next attempt is still to come", () => {
    assert.equal(retryPending(task({ nextAttemptAt: inSeconds(30) }), NOW), true);
    assert.equal(retryPending(task({ nextAttemptAt: inSeconds(-1) }), NOW), false);
    assert.equal(retryPending(task({ nextAttemptAt: null }), NOW), false);
    assert.equal(retryPending(task({ state: "ON_HOLD", nextAttemptAt: inSeconds(30) }), NOW), false);
  });
});

describe("the retry countdown", () => {
  test("counts seconds, then minutes and seconds, then hours", () => {
    assert.equal(countdownText(inSeconds(45), NOW), "45s");
    assert.equal(countdownText(inSeconds(65), NOW), "1m 05s");
    assert.equal(countdownText(inSeconds(3 * 3600 + 4 * 60 + 5), NOW), "3h 04m 05s");
  });

  test("rounds a part of a second up, and says now once the time has come", () => {
    assert.equal(countdownText(new Date(NOW + 200).toISOString(), NOW), "1s");
    assert.equal(countdownText(inSeconds(0), NOW), "now");
    assert.equal(countdownText(inSeconds(-10), NOW), "now");
    assert.equal(countdownText("not a date", NOW), "now");
  });
});
