import { describe, expect, it } from "vitest";
import { loadText, mapLabel, nodeCommand, statusCounts, statusTone } from "./nodes";

describe("nodes", () => {
  it("writes load as in-flight over concurrency", () => {
    expect(loadText(1, 4)).toBe("1 / 4 (25%)");
    expect(loadText(0, 2)).toBe("0 / 2 (0%)");
    expect(loadText(3, 0)).toBe("—");
  });

  it("counts statuses in a fixed order", () => {
    const nodes = [{ status: "offline" as const }, { status: "online" as const }, { status: "online" as const }];
    expect(statusCounts(nodes)).toEqual([
      ["online", 2],
      ["offline", 1],
    ]);
  });

  it("describes the map in words", () => {
    expect(mapLabel([])).toBe("World map with no nodes.");
    expect(
      mapLabel([
        { status: "online", lat: 1, lon: 2 },
        { status: "quarantined", lat: null, lon: null },
      ]),
    ).toBe("World map of 2 nodes: 1 online, 1 quarantined. 1 without a position.");
  });

  it("builds the enrollment command, quoting only when needed", () => {
    expect(nodeCommand("https://zgpu.example.com", "zgpu-enroll-abc_DEF-1")).toBe(
      "zgpu node --server https://zgpu.example.com --token zgpu-enroll-abc_DEF-1",
    );
    expect(nodeCommand("http://127.0.0.1:8000", "it's")).toBe(`zgpu node --server http://127.0.0.1:8000 --token 'it'\\''s'`);
  });

  it("tones statuses", () => {
    expect(statusTone("online")).toBe("ok");
    expect(statusTone("quarantined")).toBe("error");
    expect(statusTone("offline")).toBe("");
  });
});
