import { describe, expect, it } from "vitest";
import { dayStart, historyQuery, statusLabel, statusTone } from "./history";

describe("historyQuery", () => {
  it("sends only the limit when nothing is filtered", () => {
    expect(historyQuery({ kind: "", from: "", to: "" }, 50)).toEqual({ limit: 50 });
  });

  it("turns a day range into whole local days", () => {
    const q = historyQuery({ kind: "credit", from: "2026-03-01", to: "2026-03-31" }, 20, "cursor-1");
    expect(q.kind).toBe("credit");
    expect(q.after).toBe("cursor-1");
    expect(q.start_time).toBe(new Date(2026, 2, 1).getTime() / 1000);
    expect(q.end_time).toBe(new Date(2026, 3, 1).getTime() / 1000 - 1);
  });

  it("ignores a day that is not a date", () => {
    expect(dayStart("yesterday")).toBeNull();
    expect(historyQuery({ kind: "", from: "03/01/2026", to: "" }, 10)).toEqual({ limit: 10 });
  });
});

describe("status", () => {
  it("has a tone and a label for each status", () => {
    expect(statusTone("succeeded")).toBe("ok");
    expect(statusTone("settled")).toBe("ok");
    expect(statusTone("pending")).toBe("warn");
    expect(statusTone("failed")).toBe("error");
    expect(statusTone("other")).toBe("");
    expect(statusLabel("failed")).toBe("Failed");
  });
});
