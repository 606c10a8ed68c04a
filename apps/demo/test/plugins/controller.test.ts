import { tilePositions } from "../../src/plugins/controller.js";

describe("tilePositions", () => {
  it("visits a grid in serpentine order", () => {
    const plan = { tilesX: 3, tilesY: 2, framesPerTile: 1, stepX: 10, stepY: 5, exposureMs: 1 };
    expect(tilePositions(plan)).toEqual([
      [0, 0],
      [10, 0],
      [20, 0],
      [20, 5],
      [10, 5],
      [0, 5],
    ]);
  });
});
