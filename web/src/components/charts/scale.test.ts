import { describe, expect, it } from "vitest";
import { labelStride, niceCeil, scaleY, ticks } from "./scale";

describe("niceCeil", () => {
  it("rounds up to 1, 2, 2.5 or 5 times a power of ten", () => {
    expect(niceCeil(0)).toBe(1);
    expect(niceCeil(1)).toBe(1);
    expect(niceCeil(1.2)).toBe(2);
    expect(niceCeil(2.2)).toBe(2.5);
    expect(niceCeil(3)).toBe(5);
    expect(niceCeil(7)).toBe(10);
    expect(niceCeil(420)).toBe(500);
    expect(niceCeil(0.03)).toBeCloseTo(0.05);
  });
});

describe("ticks", () => {
  it("covers the maximum with round steps", () => {
    expect(ticks(37)).toEqual([0, 10, 20, 30, 40]);
    expect(ticks(1000)).toEqual([0, 250, 500, 750, 1000]);
    expect(ticks(0)).toEqual([0, 1, 2, 3, 4]);
    expect(ticks(1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
  it("keeps whole steps for counts", () => {
    expect(ticks(1, 4, true)).toEqual([0, 1, 2, 3, 4]);
    expect(ticks(10, 4, true)).toEqual([0, 3, 6, 9, 12]);
    expect(ticks(37, 4, true)).toEqual([0, 10, 20, 30, 40]);
  });
});

describe("scaleY", () => {
  it("maps values proportionally and clamps", () => {
    expect(scaleY(50, 100, 200)).toBe(100);
    expect(scaleY(150, 100, 200)).toBe(200);
    expect(scaleY(5, 0, 200)).toBe(0);
  });
});

describe("labelStride", () => {
  it("thins labels to fit", () => {
    expect(labelStride(24, 30)).toBe(1);
    expect(labelStride(168, 12)).toBe(14);
    expect(labelStride(30, 0)).toBe(1);
  });
});
