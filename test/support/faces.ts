import type { FaceDetection, Point } from '../../src/gate.js';

/** A frontal face with keypoints placed like the astronaut's (as the detector reports them, relative to the box). */
export function face(x: number, y: number, width: number, height = width): FaceDetection {
  const k = (fx: number, fy: number): Point => ({ x: x + fx * width, y: y + fy * height });
  return {
    box: { x, y, width, height },
    score: 0.95,
    keypoints: [k(0.27, 0.27), k(0.7, 0.27), k(0.485, 0.52), k(0.485, 0.72), k(0.05, 0.33), k(0.97, 0.36)],
  };
}
