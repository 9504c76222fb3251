// What an attempt needs beyond the element itself: camera, detector, frame pipeline, encoder and submit. The
// element imports this module on its first `start()` (or `preload`), so a page's first load is only the element,
// Lit and one language.
export { assetsAt, defaultAssets } from './assets.js';
export { configError } from './config.js';
export { CameraChoiceController } from './controllers/camera-choice.js';
export { CameraController } from './controllers/camera-controller.js';
export { preloadDetector } from './controllers/detector-controller.js';
export { FramePipelineController } from './controllers/frame-pipeline-controller.js';
export { GuideController } from './controllers/guide-controller.js';
export { IntegrityRecorder } from './controllers/integrity-recorder.js';
export { CAPTURE_HEADER, captureHeader, integrityReport } from './integrity.js';
export { estimatePose } from './quality.js';
export { VERSION } from './version.js';
export { checkLiveness } from './liveness-check.js';
