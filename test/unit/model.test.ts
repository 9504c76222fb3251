// The committed face-detection model (src/assets/face_detection_short_range.tflite, built by
// scripts/build-model.mjs) loads in the real MediaPipe Tasks FaceDetector, from the package's own wasm, on the
// CPU delegate, and finds the one face in a real photo and none in a photo without a face.
import { expect } from '@open-wc/testing';
import { FaceDetector, type Detection } from '@mediapipe/tasks-vision';

const wasm = {
  wasmLoaderPath: '/node_modules/@mediapipe/tasks-vision/wasm/vision_wasm_internal.js',
  wasmBinaryPath: '/node_modules/@mediapipe/tasks-vision/wasm/vision_wasm_internal.wasm',
};
const MODEL = '/src/assets/face_detection_short_range.tflite';
/** The same network straight from @mediapipe/face_detection, without TFLite metadata. */
const BARE_MODEL = '/node_modules/@mediapipe/face_detection/face_detection_short_range.tflite';

async function loadImage(url: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = url;
  await img.decode();
  return img;
}

describe('face detection model asset', () => {
  let detector: FaceDetector | undefined;

  before(async () => {
    detector = await FaceDetector.createFromOptions(wasm, {
      baseOptions: { modelAssetPath: MODEL, delegate: 'CPU' },
      runningMode: 'IMAGE',
      minDetectionConfidence: 0.5,
      minSuppressionThreshold: 0.3,
    });
  });

  after(() => {
    detector?.close();
  });

  function detect(image: HTMLImageElement): Detection[] {
    if (!detector) throw new Error('detector did not load');
    return detector.detect(image).detections;
  }

  it('finds exactly one face in the astronaut photo, where the face is', async () => {
    const img = await loadImage('/test/fixtures/astronaut.png');
    expect([img.naturalWidth, img.naturalHeight]).to.deep.equal([512, 512]);
    const detections = detect(img);
    expect(detections).to.have.length(1);
    const [face] = detections;
    const box = face!.boundingBox!;
    const score = face!.categories[0]!.score;
    // The face is about 100 px wide, centred near (225, 125) in the 512x512 photo.
    expect(score).to.be.greaterThan(0.5);
    expect(box.width).to.be.within(60, 180);
    expect(box.height).to.be.within(60, 180);
    expect(box.originX + box.width / 2).to.be.within(175, 275);
    expect(box.originY + box.height / 2).to.be.within(75, 175);
    expect(face!.keypoints).to.have.length(6);
  });

  it('finds no face in the coffee photo', async () => {
    const img = await loadImage('/test/fixtures/coffee.png');
    expect(detect(img)).to.have.length(0);
  });

  it('is what makes the model load: the bare package model is rejected', async () => {
    let error: unknown;
    try {
      const bare = await FaceDetector.createFromOptions(wasm, {
        baseOptions: { modelAssetPath: BARE_MODEL, delegate: 'CPU' },
        runningMode: 'IMAGE',
      });
      bare.close();
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.contain('NormalizationOptions');
  });
});
