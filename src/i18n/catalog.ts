/**
 * The message catalog: every user-visible string of `<liveness-capture>`, keyed by a stable id.
 *
 * English is the source: its keys define {@link MessageKey}, and every locale file is typed {@link Messages}, so a
 * missing or misspelled key is a compile error. Placeholders use `{name}` syntax (see `format` in `localize.ts`)
 * and must appear unchanged in every translation.
 */
export const en = {
  // Live hints: one at a time, short enough for one line on a phone.
  'hint.no-face': 'Position your face in the frame',
  'hint.multiple-faces': 'Make sure only one person is in view',
  'hint.move-closer': 'Move a little closer',
  'hint.move-back': 'Move back a little',
  'hint.center-face': 'Center your face in the frame',
  'hint.too-dark': 'Too dark. Find a brighter spot',
  'hint.too-bright': 'Too bright. Avoid direct light',
  'hint.too-blurry': 'Image is blurry. Hold steady',
  'hint.face-turned': 'Look straight at the camera',
  'hint.hold-still': 'Hold still',

  // One line per status.
  'state.idle': "We'll take a quick photo to check that you're really here.",
  'state.starting': 'Starting the camera…',
  'state.loading': 'Loading face detection…',
  'state.detecting': 'Looking for your face…',
  'state.capturing': 'Taking the photo…',
  'state.submitting': 'Checking…',
  'state.passed': 'Check passed',
  'state.failed': 'Check not passed',
  'state.error': 'Something went wrong',

  // Result panels.
  'result.pass.title': "You're verified",
  'result.pass.body': 'Thanks, the check is complete.',
  'result.fail.title': "We couldn't complete the check",
  'result.fail.body': 'Make sure your face is well lit and fully visible, then try again.',
  'result.error.title': 'Something went wrong',

  // Buttons and labels.
  'button.start': 'Start',
  'button.capture': 'Take photo',
  'button.retry': 'Try again',
  'button.cancel': 'Cancel',
  'label.preview': 'Camera preview',
  'label.guide': 'Face position guide',
  'label.score': 'Score: {score}',
  'label.error-code': 'Error code: {code}',
  'label.progress': 'Getting ready for the photo',
  'label.camera': 'Camera',
  countdown: 'Hold still… {seconds}',
  progress: '{percent}% ready',

  // Errors, one per `liveness-error` code: what happened and what to do.
  'error.FACE_NOT_DETECTED': "We couldn't see a face in the photo. Face the camera in good light and try again.",
  'error.FACE_TOO_SMALL': 'Your face looked too small in the photo. Move closer to the camera and try again.',
  'error.INVALID_IMAGE_PAYLOAD': "The photo couldn't be processed. Please try again.",
  'error.PAYLOAD_TOO_LARGE': 'The photo was too large to send. Please try again.',
  'error.UNAUTHORIZED': "This check isn't set up correctly. Please contact the site's support team.",
  'error.RATE_LIMITED': 'Too many attempts right now. Wait a moment, then try again.',
  'error.SERVER_ERROR': "The service isn't responding. Try again in a few minutes.",
  'error.NETWORK_ERROR': "Couldn't connect. Check your internet connection and try again.",
  'error.INVALID_RESPONSE':
    "The service sent an unexpected answer. Try again later or contact the site's support team.",
  'error.IMAGE_TOO_LARGE': "The photo couldn't be made small enough to send. Please try again.",
  'error.CAMERA_DENIED':
    "Camera access is blocked. Allow it in your browser's site settings (the icon next to the address bar), then reload the page.",
  'error.NO_CAMERA': 'No camera found. Connect a camera or use a device that has one.',
  'error.CAMERA_IN_USE': 'The camera is busy. Close other apps or tabs that are using it, then try again.',
  'error.UNSUPPORTED':
    "Your browser can't use the camera on this page. Try an up-to-date browser or contact the site's support team.",
  'error.CAMERA_LOST': 'The camera stopped sending video. Check that it is connected and not used elsewhere, then try again.',
  'error.DETECTION_FAILED': 'Face detection stopped working. Please try again.',
  'error.DETECTOR_UNAVAILABLE': "Face detection couldn't load. Check your connection and reload the page.",
  'error.INVALID_CONFIG':
    "This page's camera check is set up incorrectly, so it can't start. Please contact the site's support team.",
  'error.SESSION_INVALID': 'This check has expired or was already used. Reload the page to start a new one.',
  'error.IMAGE_REPLAYED': 'This photo was already used. Please take a new one.',
  'error.STORE_UNAVAILABLE': 'The service is briefly unavailable. Wait a moment, then try again.',
  'error.VIRTUAL_CAMERA': "This camera is a virtual camera, which can't be used here. Choose your device's own camera and try again.",
  'error.INTERNAL_ERROR':
    "This page's camera check stopped on an unexpected error. Reload the page, or contact the site's support team if it happens again.",
  'error.SESSION_INVALID.renew': 'This check has expired. Select Try again to start a new one.',
} satisfies Record<string, string>;

/** A stable message id. */
export type MessageKey = keyof typeof en;

/** A complete set of messages for one language. */
export type Messages = Record<MessageKey, string>;

/**
 * The other catalogs, each loaded on demand as its own chunk: a page loads only the language it shows. Each locale
 * module is typed `Messages`, so a missing key is still a compile error.
 */
export const CATALOG_LOADERS: Readonly<Record<string, () => Promise<Messages>>> = Object.freeze({
  es: () => import('./locales/es.js').then((m) => m.es),
  fr: () => import('./locales/fr.js').then((m) => m.fr),
  de: () => import('./locales/de.js').then((m) => m.de),
  pt: () => import('./locales/pt.js').then((m) => m.pt),
  hi: () => import('./locales/hi.js').then((m) => m.hi),
  ar: () => import('./locales/ar.js').then((m) => m.ar),
});
