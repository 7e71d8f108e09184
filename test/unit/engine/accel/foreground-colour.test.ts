// The calibration's colour term: how far the reference's foreground moved in colour, on synthetic images
// whose answer is known exactly.
import { describe, expect, it } from 'vitest';
import { backgroundPlane, foregroundColourShift } from '../../../../main/engine/accel/foreground-colour';

const W = 64;
function image(background: (x: number, y: number) => [number, number, number], square?: [number, number, number]): Uint8Array {
  const rgb = new Uint8Array(W * W * 3);
  for (let y = 0; y < W; y++) {
    for (let x = 0; x < W; x++) rgb.set(square && x >= 20 && x < 40 && y >= 20 && y < 40 ? square : background(x, y), (y * W + x) * 3);
  }
  return rgb;
}
const flatBlue = (): [number, number, number] => [40, 80, 220];
const gradient = (x: number, y: number): [number, number, number] => [100 + x, 120, 60 + y];

describe('foreground colour shift', () => {
  it('is the distance between the mean colours of the reference foreground', () => {
    const reference = image(flatBlue, [30, 90, 240]); // a blue shape on blue: off the plane by 25 < 60, no foreground
    expect(foregroundColourShift(image(flatBlue, [200, 40, 40]), reference, W, W)).toBe(0);
    const red = image(flatBlue, [220, 40, 40]);
    expect(foregroundColourShift(red, red, W, W)).toBe(0);
    expect(foregroundColourShift(image(flatBlue, [220, 40, 10]), red, W, W)).toBeCloseTo(30, 6);
    // the shape gone entirely: its pixels now show the background
    expect(foregroundColourShift(image(flatBlue), red, W, W)).toBeCloseTo(Math.hypot(180, 40, 180), 6);
  });

  it('fits a gradient background as a plane, so the gradient is not foreground', () => {
    const plane = backgroundPlane(image(gradient), W, W);
    expect(plane.at(0, 0)[0]).toBeCloseTo(100, 6);
    expect(plane.at(W - 1, W - 1)[2]).toBeCloseTo(60 + W - 1, 6);
    const withShape = image(gradient, [250, 250, 250]);
    expect(foregroundColourShift(image(gradient, [240, 250, 250]), withShape, W, W)).toBeCloseTo(10, 6);
  });
});
